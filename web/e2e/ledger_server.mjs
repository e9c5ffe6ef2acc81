// A generated ledger in a temporary database, and `huikuan serve` over it with the built web
// app: what the end-to-end tests (run.mjs) and the first-load benchmark
// (bench/web_first_load.mjs) both start from.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs the huikuan CLI (`bin`) with `args` and optional standard input; its output. */
export function huikuan(bin, args, input) {
  return execFileSync(bin, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/**
 * A temporary directory with `huikuan.db` holding a generated ledger (`gen` options), and the
 * collector id with the most customers. `users` are [username, role, ...extra user add options]
 * with `password`; "$collector" in the options stands for that busiest collector.
 */
export function makeLedger(bin, { customers, seed, asOf, users, password, prefix }) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const db = path.join(work, 'huikuan.db');
  const ledger = path.join(work, 'ledger');
  huikuan(bin, ['gen', '--customers', String(customers), '--seed', String(seed), '--as-of', asOf,
    '--out', ledger]);
  huikuan(bin, ['import', '--db', db, ledger]);
  const collector = execFileSync('sqlite3', [db,
    "SELECT collector FROM customers WHERE collector <> '' GROUP BY collector ORDER BY count(*) DESC LIMIT 1"],
  { encoding: 'utf8' }).trim();
  for (const [username, role, ...extra] of users) {
    const options = extra.map((o) => (o === '$collector' ? collector : o));
    huikuan(bin, ['user', 'add', '--db', db, '--username', username, '--role', role, ...options,
      '--password-stdin'], password + '\n');
  }
  return { work, db, collector };
}

/**
 * Starts `huikuan serve` on a free loopback port over `db`, serving web/dist, and waits until
 * it is ready: {base, server} (kill the server with SIGTERM when done).
 */
export async function serve(bin, work, db, extraArgs = []) {
  const config = path.join(work, 'server.toml');
  fs.writeFileSync(
    config,
    `[server]\naccess_log = "off"\ndaily_run_at = ""\nweb_root = "${path.join(repo, 'web/dist')}"\n`,
  );
  const server = spawn(bin, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--config', config,
    ...extraArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/listening on [^\n]*:(\d+)/);
      if (m) resolve(m[1]);
    });
    server.on('exit', (code) => reject(new Error(`huikuan serve exited with ${code}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; ++i) {
    if ((await fetch(`${base}/readyz`).catch(() => null))?.ok) return { base, server };
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill('SIGTERM');
  throw new Error('the server never became ready');
}

/** The gzipped size of the JavaScript web/dist ships, in bytes. */
export function gzippedJavaScript() {
  const assets = path.join(repo, 'web/dist/assets');
  return fs.readdirSync(assets).filter((f) => f.endsWith('.js.gz'))
    .reduce((sum, f) => sum + fs.statSync(path.join(assets, f)).size, 0);
}
