// Checks that aging reports agree: per currency, the sums of the bucket, open, unapplied and
// net columns over all customer rows, and the number of rows.
//
//   node compare_totals.mjs REFERENCE.csv NAME=FILE.csv [NAME=FILE.csv:minor ...]
//
// REFERENCE is huikuan's CSV, or its JSON (`--format json`) when the CSV could not be made (section,customer,name,<buckets>,open,unapplied,net, with a TOTAL
// row per section, which must equal the sum of the section's rows). A file suffixed ":minor"
// holds integer minor units (the SQLite query over huikuan's DB); its scale is taken from the
// reference's digits per currency. Exits 1, loudly, on any difference.
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

function splitCsv(line) {
  const cells = [];
  let cell = '';
  let quoted = false;
  for (let k = 0; k < line.length; ++k) {
    const ch = line[k];
    if (quoted) {
      if (ch === '"' && line[k + 1] === '"') { cell += '"'; ++k; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { cells.push(cell); cell = ''; }
    else cell += ch;
  }
  cells.push(cell);
  return cells;
}

const SCALE = 4; // compare at 4 decimals: every currency has at most 4 minor digits

// "123.45" -> 1234500n (scaled to SCALE digits); `minorDigits` given: "12345" -> 1234500n.
function toScaled(text, minorDigits) {
  const t = text.trim();
  if (t === '') return 0n;
  if (minorDigits !== undefined) return BigInt(t) * 10n ** BigInt(SCALE - minorDigits);
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(t);
  if (!m) throw new Error(`not a decimal amount: '${text}'`);
  const frac = (m[3] ?? '').padEnd(SCALE, '0');
  if (frac.length > SCALE && /[^0]/.test(frac.slice(SCALE))) throw new Error(`too precise: ${t}`);
  const v = BigInt(m[2]) * 10n ** BigInt(SCALE) + BigInt(frac.slice(0, SCALE));
  return m[1] ? -v : v;
}

function format(scaled) {
  const neg = scaled < 0n;
  const a = neg ? -scaled : scaled;
  const s = a.toString().padStart(SCALE + 1, '0');
  return `${neg ? '-' : ''}${s.slice(0, -SCALE)}.${s.slice(-SCALE)}`;
}

const COLUMNS = ['not_due', '1-30', '31-60', '61-90', '91-180', '181-365', 'over_365', 'open',
  'unapplied', 'net'];

// huikuan's `report aging --format json`, in the shape read() returns.
function readJson(path) {
  const report = JSON.parse(readFileSync(path, 'utf8'));
  const sums = new Map();
  const rows = new Map();
  const totals = new Map();
  const digits = new Map();
  for (const section of report.currencies) {
    const c = section.currency;
    const values = (o) => COLUMNS.map((col) => toScaled(o[col]));
    const sum = COLUMNS.map(() => 0n);
    for (const row of section.rows) values(row).forEach((v, k) => { sum[k] += v; });
    sums.set(c, sum);
    rows.set(c, section.rows.length);
    totals.set(c, values(section.totals));
    const frac = section.totals.not_due.split('.')[1];
    digits.set(c, frac ? frac.length : 0);
  }
  return { sums, rows, totals, digits };
}

// -> { sums: Map(currency -> BigInt[]), rows: Map(currency -> n), totals, digits }
async function read(path, minorDigitsOf) {
  if (path.endsWith('.json')) return readJson(path);
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let index = null;
  const sums = new Map();
  const rows = new Map();
  const totals = new Map();
  const digits = new Map();
  for await (const line of lines) {
    if (line === '') continue;
    const cells = splitCsv(line);
    if (!index) {
      index = COLUMNS.map((c) => cells.indexOf(c));
      if (index.includes(-1) || cells[0] !== 'section' || cells[1] !== 'customer') {
        throw new Error(`${path}: unexpected header ${line}`);
      }
      continue;
    }
    const currency = cells[0];
    const minor = minorDigitsOf ? minorDigitsOf(currency) : undefined;
    const values = index.map((k) => toScaled(cells[k], minor));
    if (cells[1] === 'TOTAL') { totals.set(currency, values); continue; }
    if (!minorDigitsOf && !digits.has(currency)) {
      const frac = cells[index[0]].split('.')[1];
      digits.set(currency, frac ? frac.length : 0);
    }
    const sum = sums.get(currency) ?? COLUMNS.map(() => 0n);
    values.forEach((v, k) => { sum[k] += v; });
    sums.set(currency, sum);
    rows.set(currency, (rows.get(currency) ?? 0) + 1);
  }
  return { sums, rows, totals, digits };
}

const [referencePath, ...others] = process.argv.slice(2);
if (!referencePath) {
  console.error('usage: node compare_totals.mjs HUIKUAN.csv NAME=FILE.csv[:minor] ...');
  process.exit(2);
}
const failures = [];
const ref = await read(referencePath);
for (const [currency, sum] of ref.sums) {
  const total = ref.totals.get(currency);
  if (!total || total.some((v, k) => v !== sum[k])) {
    failures.push(`huikuan ${currency}: TOTAL row differs from the sum of its rows`);
  }
}
const summary = [];
for (const spec of others) {
  const [name, rest] = spec.includes('=') ? spec.split(/=(.*)/s) : [spec, spec];
  const minor = rest.endsWith(':minor');
  const path = minor ? rest.slice(0, -':minor'.length) : rest;
  const other = await read(path, minor ? (c) => {
    if (!ref.digits.has(c)) throw new Error(`${path}: currency ${c} not in the reference`);
    return ref.digits.get(c);
  } : undefined);
  const currencies = new Set([...ref.sums.keys(), ...other.sums.keys()]);
  let ok = true;
  for (const c of [...currencies].sort()) {
    const a = ref.sums.get(c);
    const b = other.sums.get(c);
    if (!a || !b) { failures.push(`${name}: currency ${c} present in only one report`); ok = false; continue; }
    COLUMNS.forEach((col, k) => {
      if (a[k] !== b[k]) {
        failures.push(`${name} ${c} ${col}: huikuan ${format(a[k])} vs ${name} ${format(b[k])}`);
        ok = false;
      }
    });
    if (ref.rows.get(c) !== other.rows.get(c)) {
      failures.push(`${name} ${c}: huikuan ${ref.rows.get(c)} rows vs ${name} ${other.rows.get(c)}`);
      ok = false;
    }
  }
  const nrows = [...other.rows.values()].reduce((x, y) => x + y, 0);
  summary.push(`${name}: ${ok ? 'agree' : 'DIFFER'} (${currencies.size} currencies, ${nrows} rows)`);
}
const refRows = [...ref.rows.values()].reduce((x, y) => x + y, 0);
console.log(`huikuan: ${ref.sums.size} currencies, ${refRows} rows`);
for (const [c, sum] of [...ref.sums].sort()) {
  console.log(`  ${c}: open ${format(sum[7])}, unapplied ${format(sum[8])}`);
}
for (const line of summary) console.log(line);
if (failures.length) {
  console.error('!!!!!!!! AGING TOTALS DISAGREE !!!!!!!!');
  for (const f of failures.slice(0, 50)) console.error(`  ${f}`);
  process.exit(1);
}
