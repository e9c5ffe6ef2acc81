// First load of the collector's worklist in headless Chromium (issue 5: ≤ 2 s on the demo
// data). Serves the `make run` demo ledger (2,000 customers, generated here into a temporary
// directory) with the built web app, signs a collector in once, then opens /worklist in 5 fresh
// browser contexts (empty cache, session cookie set) and times navigation start → first case
// row on screen. Prints each time and the median; also the JavaScript shipped, gzipped.
//   node bench/web_first_load.mjs      (after `make build`; needs /usr/bin/chromium)
import fs from 'node:fs';
import path from 'node:path';

import { chromium } from '../web/node_modules/playwright-core/index.mjs';
import { gzippedJavaScript, huikuan, makeLedger, repo, serve } from '../web/e2e/ledger_server.mjs';

const bin = path.join(repo, 'build/huikuan');
const { work, db } = makeLedger(bin, {
  customers: 2000, seed: 42, asOf: '2026-06-30', password: 'bench password 1',
  prefix: 'huikuan-web-bench-', users: [['collector', 'collector', '--collector-id', '$collector']],
});
huikuan(bin, ['run', '--db', db, '--as-of', new Date().toISOString().slice(0, 10)]);
const { base, server } = await serve(bin, work, db);

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

const js = gzippedJavaScript();
times.sort((a, b) => a - b);
console.log(`web_first_load worklist ms: ${times.join(' ')}; median ${times[2]} (target ≤ 2000)`);
console.log(`web_js_gzipped bytes: ${js} (${(js / 1048576).toFixed(2)} MiB; target ≤ 1.5 MiB)`);
