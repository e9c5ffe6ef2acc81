// End-to-end tests of the web app (issue 5): a real `huikuan serve` on a temporary database
// with a generated ledger, driven by Debian's Chromium through playwright-core. They sign in as
// a collector and work a case, approve a payment plan as a supervisor, upload a bad CSV, switch
// the language, and save a screenshot of every page in zh-CN and English to docs/screenshots/.
//
//   node web/e2e/run.mjs            (ctest runs it as web_e2e after `make build`)
// Environment: HUIKUAN_BINARY (default build/huikuan), HUIKUAN_SCREENSHOTS (default
// docs/screenshots; "off" for none), CHROMIUM (default /usr/bin/chromium).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { chromium, request as apiRequest } from 'playwright-core';

import { gzippedJavaScript, huikuan, makeLedger, repo, serve } from './ledger_server.mjs';

const bin = process.env.HUIKUAN_BINARY ?? path.join(repo, 'build/huikuan');
const shots = process.env.HUIKUAN_SCREENSHOTS ?? path.join(repo, 'docs/screenshots');
const PASSWORD = 'e2e password 1';

let work;
let db;
let server;
let base;
let browser;

function localDate(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 86400000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// The policy in force, except that any plan a collector proposes needs approval and a
// supervisor may approve installment plans: the routing the supervisor test walks through.
function testPolicy() {
  let toml = fs.readFileSync(path.join(repo, 'config/policy.toml'), 'utf8');
  toml = toml.replace(
    /level = "collector"(.*)\nmax_case_amount = "[^"]*"/,
    'level = "collector"$1\nmax_case_amount = "0.01"',
  );
  toml = toml.replace(
    /level = "supervisor"(.*)\nmax_case_amount = "[^"]*"\napprovals = \["extension"\]/,
    'level = "supervisor"$1\nmax_case_amount = "500000.00"\napprovals = ["extension", "installment_plan"]',
  );
  assert.match(toml, /approvals = \["extension", "installment_plan"\]\n\n\[\[authority\]\]\nlevel = "director"/);
  const file = path.join(work, 'policy.toml');
  fs.writeFileSync(file, toml);
  return file;
}

/** A signed-in API client for setting up what the browser then sees. */
async function apiAs(username) {
  const api = await apiRequest.newContext({ baseURL: base });
  const session = await api.post('/api/v1/session', { data: { username, password: PASSWORD } });
  assert.equal(session.status(), 200, await session.text());
  const csrf = (await session.json()).csrf_token;
  return {
    get: async (url) => (await api.get(url)).json(),
    post: async (url, data) => {
      const response = await api.post(url, { data, headers: { 'X-CSRF-Token': csrf } });
      return { status: response.status(), body: await response.json() };
    },
    dispose: () => api.dispose(),
  };
}

/** Exact halves of a decimal amount string ("10.01" → "5.00", "5.01"), by minor units. */
function halves(amount) {
  const [whole, fraction = ''] = amount.split('.');
  const minor = BigInt(whole + fraction);
  const asText = (n) => {
    const text = n.toString().padStart(fraction.length + 1, '0');
    return fraction.length ? `${text.slice(0, -fraction.length)}.${text.slice(-fraction.length)}` : text;
  };
  return [asText(minor / 2n), asText(minor - minor / 2n)];
}

/** The collector proposes a two-installment plan for an undisputed open invoice of the first
 * case of their worklist that can take one; the policy routes it for approval (202). */
async function proposePlan(collector) {
  const list = await collector.get('/api/v1/worklist?limit=40');
  for (const item of list.items) {
    const view = await collector.get(`/api/v1/customers/${item.customer_id}`);
    const invoice = view.open_invoices.find((i) => /^0(\.0+)?$/.test(i.disputed));
    if (!invoice) continue;
    const [first, second] = halves(invoice.open_amount);
    const proposed = await collector.post('/api/v1/plans', {
      customer_id: item.customer_id,
      invoice_ids: [invoice.id],
      installments: [{ date: localDate(14), amount: first }, { date: localDate(44), amount: second }],
      note: 'e2e: two installments',
    });
    if (proposed.status === 202) return proposed.body.approval.id;
  }
  return undefined;
}

async function signIn(page, username, language = 'zh-CN') {
  await page.goto(base + '/');
  await page.evaluate((l) => localStorage.setItem('huikuan.language', l), language);
  await page.reload();
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('header.topbar');
}

async function screenshot(page, name, language) {
  if (shots === 'off') return;
  fs.mkdirSync(shots, { recursive: true });
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300); // charts finish their entry animation
  await page.screenshot({ path: path.join(shots, `${name}-${language}.png`) });
}

before(async () => {
  ({ work, db } = makeLedger(bin, {
    customers: 400, seed: 11, asOf: localDate(-20), password: PASSWORD, prefix: 'huikuan-e2e-',
    users: [
      ['collector', 'collector', '--collector-id', '$collector', '--team', 'east'],
      ['supervisor', 'supervisor', '--collector-id', 'S01', '--team', 'east'],
      ['director', 'director'], ['finance', 'finance'], ['admin', 'admin'], ['auditor', 'auditor'],
      ['legal', 'legal'],
    ],
  }));
  const policy = testPolicy();
  huikuan(bin, ['run', '--db', db, '--as-of', localDate(), '--policy', policy]);
  ({ base, server } = await serve(bin, work, db, ['--policy', policy]));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('web app', () => {
  it('a collector works a case end to end: a promise shows on the timeline and the worklist changes', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, 'collector');
    const row = page.locator('[data-testid=worklist-row]').first();
    await row.waitFor();
    await screenshot(page, 'worklist', 'zh-CN');
    const id = await row.getAttribute('data-customer-id');
    const before = await page.locator(`[data-testid=worklist-row][data-customer-id="${id}"]`).innerText();

    await row.click();
    await page.waitForURL(`**/customers/${id}`);
    await page.locator('[data-testid=timeline]').waitFor();
    await screenshot(page, 'customer', 'zh-CN');
    await page.click('[data-testid=record-promise]');
    await page.fill('input[name=amount]', '1.00');
    await page.fill('input[name=date]', localDate(7));
    await page.click('[data-testid=promise-submit]');
    await page.locator('[data-testid=timeline]', { hasText: '1.00' }).waitFor();

    const api = await apiAs('collector');
    const promises = await api.get(`/api/v1/customers/${id}/promises`);
    await api.dispose();
    const items = promises.items ?? promises;
    assert.ok(items.some((p) => p.amount === '1.00' && (p.date ?? p.promised_date) === localDate(7)),
      JSON.stringify(promises));

    await page.goto(base + '/worklist');
    const after = page.locator(`[data-testid=worklist-row][data-customer-id="${id}"]`);
    await after.waitFor();
    assert.notEqual(await after.innerText(), before, 'the worklist row shows the promise');
    await page.close();
  });

  it('a supervisor approves an installment plan a collector proposed', async () => {
    const collector = await apiAs('collector');
    const approvalId = await proposePlan(collector);
    assert.ok(approvalId, 'a plan routed for approval');

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, 'supervisor');
    await page.goto(base + '/approvals');
    const card = page.locator(`[data-testid=approval][data-approval-id="${approvalId}"]`);
    await card.waitFor();
    await screenshot(page, 'approvals', 'zh-CN');
    await card.locator('[data-testid=approve]').click();
    for (let i = 0; i < 50; ++i) {
      const approval = await collector.get(`/api/v1/approvals/${approvalId}`);
      if ((approval.approval ?? approval).status === 'approved') break;
      await page.waitForTimeout(100);
    }
    const decided = await collector.get(`/api/v1/approvals/${approvalId}`);
    assert.equal((decided.approval ?? decided).status, 'approved', JSON.stringify(decided));
    await collector.dispose();
    await page.close();
  });

  it('an upload with a bad row shows the row errors and applies nothing', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, 'finance');
    await page.goto(base + '/imports');
    const bad = path.join(work, 'bad', 'customers.csv');
    fs.mkdirSync(path.dirname(bad), { recursive: true });
    fs.writeFileSync(bad, 'customer_id,name,currency,payment_terms_days\nE2E-1,Good Co,CNY,30\nE2E-2,Bad Co,XXX,30\n');
    await page.setInputFiles('[data-testid=import-files]', bad);
    await page.click('[data-testid=import-submit]');
    const errors = page.locator('[data-testid=import-errors]');
    await errors.waitFor();
    const text = await errors.innerText();
    assert.match(text, /customers\.csv/);
    assert.match(text, /XXX/);
    await screenshot(page, 'imports', 'zh-CN');
    const api = await apiAs('finance');
    const found = await api.get('/api/v1/customers?q=E2E-1');
    await api.dispose();
    assert.equal(found.total, 0, 'the good row was not applied either');
    await page.close();
  });

  it('switches the language to English and back', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, 'director');
    await page.locator('header nav', { hasText: '客户' }).waitFor();
    await page.click('[data-testid=language-switch]');
    await page.locator('header nav', { hasText: 'Customers' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await page.reload();
    await page.locator('header nav', { hasText: 'Customers' }).waitFor(); // kept
    await page.click('[data-testid=language-switch]');
    await page.locator('header nav', { hasText: '客户' }).waitFor();
    await page.close();
  });

  it('screenshots every page in zh-CN and English, and the worklist and customer on a phone', async () => {
    // Something in the approvals inbox and the disputes queue to show.
    const collector = await apiAs('collector');
    assert.ok(await proposePlan(collector), 'a pending plan for the approvals screenshot');
    const list = await collector.get('/api/v1/worklist?limit=40');
    const view = await collector.get(`/api/v1/customers/${list.items.at(-1).customer_id}`);
    const invoice = view.open_invoices[0];
    const disputed = await collector.post('/api/v1/disputes', {
      invoice_id: invoice.id, amount: halves(invoice.open_amount)[0], reason: 'quality_problem',
      note: 'e2e: goods arrived damaged',
    });
    assert.equal(disputed.status, 201, JSON.stringify(disputed.body));
    await collector.dispose();
    const pages = [
      ['worklist', 'collector', '/worklist'],
      ['customers', 'director', '/customers'],
      ['dashboard', 'director', '/dashboard'],
      ['reports', 'director', '/reports'],
      ['approvals', 'supervisor', '/approvals'],
      ['disputes', 'legal', '/disputes'],
      ['actions', 'collector', '/actions'],
      ['imports', 'finance', '/imports'],
      ['policy', 'admin', '/policy'],
      ['users', 'admin', '/users'],
      ['audit', 'auditor', '/audit'],
    ];
    for (const language of ['zh-CN', 'en']) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(base + '/');
      await page.evaluate((l) => localStorage.setItem('huikuan.language', l), language);
      await page.reload();
      await page.locator('input[name=username]').waitFor();
      await screenshot(page, 'signin', language);
      await page.close();
      for (const [name, user, url] of pages) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        const tab = await context.newPage();
        await signIn(tab, user, language);
        await tab.goto(base + url);
        await tab.locator('main').waitFor();
        await screenshot(tab, name, language);
        if (name === 'worklist') {
          await tab.locator('[data-testid=worklist-row]').first().click();
          await tab.locator('[data-testid=timeline]').waitFor();
          await screenshot(tab, 'customer', language);
        }
        await context.close();
      }
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
      const tab = await phone.newPage();
      await signIn(tab, 'collector', language);
      await tab.locator('[data-testid=worklist-row]').first().waitFor();
      await screenshot(tab, 'worklist-phone', language);
      assert.ok(await tab.evaluate(() => document.documentElement.scrollWidth <= 390 + 1),
        'the worklist fits a 390 px phone without sideways scrolling');
      await tab.locator('[data-testid=worklist-row]').first().click();
      await tab.locator('[data-testid=timeline]').waitFor();
      await screenshot(tab, 'customer-phone', language);
      assert.ok(await tab.evaluate(() => document.documentElement.scrollWidth <= 390 + 1),
        'the customer page fits a 390 px phone without sideways scrolling');
      await phone.close();
    }
  });

  it('ships at most 1.5 MB of JavaScript gzipped', () => {
    const gzipped = gzippedJavaScript();
    assert.ok(gzipped > 0, 'the build gzipped its JavaScript');
    assert.ok(gzipped <= 1.5 * 1024 * 1024, `${gzipped} bytes of gzipped JavaScript`);
  });
});
