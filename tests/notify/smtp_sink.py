#!/usr/bin/env python3
"""A local SMTP server for the message tests (aiosmtpd).

Listens on 127.0.0.1 on a port the OS chooses and prints "PORT <n>" once it accepts
connections. Every accepted message is written to --dir as <seq>.eml (the bytes as received)
and <seq>.envelope.json ({"mail_from", "rcpt_tos", "tls", "authenticated"}), both complete
before the server answers 250. Runs until killed.
"""

import argparse
import asyncio
import json
import logging
import os
import socket
import ssl
import sys
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def write_atomically(path, data):
    with open(path + ".tmp", "wb") as out:
        out.write(data)
    os.replace(path + ".tmp", path)


class Sink:
    def __init__(self, args):
        self.args = args
        self.data_commands = 0
        self.accepted = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.args.reject:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_commands += 1
        if self.data_commands == self.args.hang_on:
            # Tell the test the message is here, then never answer: the client must time out.
            write_atomically(os.path.join(self.args.dir, "hanging"), envelope.original_content)
            await asyncio.Event().wait()
        if self.data_commands <= self.args.fail_first:
            return "451 4.3.0 try again later"
        self.accepted += 1
        base = os.path.join(self.args.dir, str(self.accepted))
        write_atomically(base + ".eml", envelope.original_content)
        envelope_text = json.dumps({
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "authenticated": bool(session.authenticated),
        })
        write_atomically(base + ".envelope.json", envelope_text.encode())
        return "250 OK"


class OsPortController(Controller):
    """Controller on a socket bound to port 0, so the OS picks a free port."""

    def __init__(self, handler, **kwargs):
        self.listening = socket.create_server(("127.0.0.1", 0))
        super().__init__(handler, hostname="127.0.0.1",
                         port=self.listening.getsockname()[1], **kwargs)

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self.listening,
                                       ssl=self.ssl_context)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--fail-first", type=int, default=0,
                        help="answer 451 to the first N DATA commands")
    parser.add_argument("--reject", action="store_true", help="answer 550 to every RCPT")
    parser.add_argument("--auth", help="USER:PASS required (AUTH PLAIN or LOGIN)")
    parser.add_argument("--tls-cert", help="offer STARTTLS with this certificate (PEM)")
    parser.add_argument("--tls-key", help="the certificate's private key (PEM)")
    parser.add_argument("--hang-on", type=int, default=0,
                        help="the Nth DATA command is never answered")
    args = parser.parse_args()
    # AUTH without TLS is what the tests ask for: keep aiosmtpd's advice out of their output.
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)

    options = {}
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        options["tls_context"] = context
    if args.auth:
        user, password = args.auth.encode().split(b":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            # handled=False: aiosmtpd answers "535 5.7.8 Authentication credentials invalid".
            success = auth_data.login == user and auth_data.password == password
            return AuthResult(success=success, handled=False)

        options.update(authenticator=authenticator, auth_required=True,
                       auth_require_tls=bool(args.tls_cert))
    controller = OsPortController(Sink(args), **options)
    controller.start()
    print(f"PORT {controller.port}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    sys.exit(main())
