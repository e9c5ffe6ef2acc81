#!/usr/bin/env python3
"""A local HTTP server for the webhook tests.

Listens on 127.0.0.1 on a port the OS chooses and prints "PORT <n>" once it accepts
connections. Every POST is written to --dir as <seq>.json ({"path", "headers", "body",
"status", "accepted"}: the answer it got, accepted = 2xx with errcode 0), complete before
the answer is sent. Runs until killed.
"""

import argparse
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--fail-first", type=int, default=0,
                        help="answer 503 to the first N POSTs")
    parser.add_argument("--errcode", type=int, default=0,
                        help="answer 200 with this errcode, as WeCom and DingTalk robots do")
    parser.add_argument("--status", type=int, default=200,
                        help="answer the POSTs after the failing ones with this HTTP status")
    args = parser.parse_args()
    lock = threading.Lock()
    posts = [0]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                posts[0] += 1
                seq = posts[0]
            status = 503 if seq <= args.fail_first else args.status
            errcode = args.errcode if status == 200 else None
            record = {
                "path": self.path,
                "headers": {name.lower(): value for name, value in self.headers.items()},
                "body": body.decode("utf-8", errors="replace"),
                "status": status,
                "accepted": status == 200 and errcode == 0,
            }
            path = os.path.join(args.dir, f"{seq}.json")
            with open(path + ".tmp", "w", encoding="utf-8") as out:
                json.dump(record, out, ensure_ascii=False)
            os.replace(path + ".tmp", path)
            if status == 200:
                answer = {"errcode": errcode, "errmsg": "ok" if errcode == 0 else "refused"}
            else:
                answer = {"error": f"answered {status} as the test asked"}
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
