// First load of the collector's worklist in headless Chromium (issue 5: ≤ 2 s on the demo
// data). Serves the `make run` demo ledger (2,000 customers, generated here into a temporary
// directory) with the built web app, signs a collector in once, then opens /worklist in 5 fresh
// browser contexts (empty cache, session cookie set) and times navigation start → first case
// row on screen. Prints each time and the median; also the JavaScript shipped, gzipped.
//   node bench/web_first_load.mjs      (after `make build`; needs /usr/bin/chromium)
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from '../web/node_modules/playwright-core/index.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'build/huikuan');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'huikuan-web-bench-'));
const db = path.join(work, 'huikuan.db');
const run = (args, input) => execFileSync(bin, args, { input, encoding: 'utf8' });

run(['gen', '--customers', '2000', '--seed', '42', '--as-of', '2026-06-30', '--out', path.join(work, 'demo')]);
run(['import', '--db', db, path.join(work, 'demo')]);
const collector = execFileSync('sqlite3', [db, "SELECT collector FROM customers WHERE collector <> '' GROUP BY collector ORDER BY count(*) DESC LIMIT 1"], { encoding: 'utf8' }).trim();
run(['user', 'add', '--db', db, '--username', 'collector', '--role', 'collector', '--collector-id', collector, '--password-stdin'], 'bench password 1\n');
const today = new Date().toISOString().slice(0, 10);
run(['run', '--db', db, '--as-of', today]);
fs.writeFileSync(path.join(work, 'server.toml'), `[server]\naccess_log = "off"\ndaily_run_at = ""\nweb_root = "${path.join(repo, 'web/dist')}"\n`);

const server = spawn(bin, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--config', path.join(work, 'server.toml')], { stdio: ['ignore', 'pipe', 'ignore'] });
const port = await new Promise((resolve) => {
  let out = '';
  server.stdout.on('data', (c) => { out += c; const m = out.match(/:(\d+)\n/); if (m) resolve(m[1]); });
});
const base = `http://127.0.0.1:${port}`;
while (!(await fetch(base + '/readyz').catch(() => null))?.ok) await new Promise((r) => setTimeout(r, 100));

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
const signIn = await browser.newContext();
const session = await signIn.request.post(base + '/api/v1/session', { data: { username: 'collector', password: 'bench password 1' } });
if (!session.ok()) throw new Error(await session.text());
const cookies = await signIn.cookies();
await signIn.close();

const times = [];
for (let i = 0; i < 5; ++i) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addCookies(cookies);
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(base + '/worklist');
  await page.locator('[data-testid=worklist-row]').first().waitFor();
  times.push(Date.now() - started);
  await context.close();
}
await browser.close();
server.kill('SIGTERM');
fs.rmSync(work, { recursive: true, force: true });

const assets = path.join(repo, 'web/dist/assets');
const js = fs.readdirSync(assets).filter((f) => f.endsWith('.js.gz')).reduce((s, f) => s + fs.statSync(path.join(assets, f)).size, 0);
times.sort((a, b) => a - b);
console.log(`web_first_load worklist ms: ${times.join(' ')}; median ${times[2]} (target ≤ 2000)`);
console.log(`web_js_gzipped bytes: ${js} (${(js / 1048576).toFixed(2)} MiB; target ≤ 1.5 MiB)`);
