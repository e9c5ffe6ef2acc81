// DuckDB competitor for the aging benchmark (see README.md). Prints one JSON line.
//
//   node duckdb_aging.mjs load  --csv DIR --db FILE
//       creates the DuckDB file from the four CSV files (explicit types) and times it
//   node duckdb_aging.mjs warm  --db FILE --as-of DATE [--repeat N]
//       one process: opens the file, runs the aging query once to warm up, then N times
//       materializing every row; reports the median
//   node duckdb_aging.mjs cold  --db FILE --as-of DATE --out FILE.csv
//       opens the file, runs the query once and writes every row as CSV (COPY ... TO)
import { readFileSync, rmSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const startup_ms = performance.now(); // node start -> script start
const here = dirname(fileURLToPath(import.meta.url));
const { DuckDBInstance } = await import('@duckdb/node-api');
const module_ms = performance.now() - startup_ms; // loading the native library

function options(argv) {
  const out = { repeat: 5 };
  for (let k = 0; k < argv.length; k += 2) {
    const key = argv[k].replace(/^--/, '').replace(/-/g, '_');
    if (argv[k + 1] === undefined) throw new Error(`missing value after ${argv[k]}`);
    out[key] = argv[k + 1];
  }
  return out;
}

function quote(text) {
  return `'${String(text).replace(/'/g, "''")}'`;
}

export function agingSql(asOf) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error(`bad --as-of ${asOf}`);
  return readFileSync(join(here, 'aging.sql'), 'utf8').replaceAll('__AS_OF__', asOf);
}

// Column names and types of the import format; amounts are exact decimals, dates DATE.
const TABLES = {
  customers: {
    customer_id: 'VARCHAR', name: 'VARCHAR', currency: 'VARCHAR', payment_terms_days: 'INTEGER',
    credit_limit: 'DECIMAL(18,4)', credit_grade: 'VARCHAR', industry: 'VARCHAR',
    region: 'VARCHAR', customer_type: 'VARCHAR', importance: 'VARCHAR', collector: 'VARCHAR',
    email: 'VARCHAR', phone: 'VARCHAR', timezone: 'VARCHAR', language: 'VARCHAR',
    country: 'VARCHAR',
  },
  invoices: {
    invoice_id: 'VARCHAR', customer_id: 'VARCHAR', invoice_date: 'DATE', due_date: 'DATE',
    currency: 'VARCHAR', amount: 'DECIMAL(18,4)', doc_type: 'VARCHAR', contract_id: 'VARCHAR',
    reference: 'VARCHAR',
  },
  payments: {
    payment_id: 'VARCHAR', customer_id: 'VARCHAR', payment_date: 'DATE', currency: 'VARCHAR',
    amount: 'DECIMAL(18,4)', reference: 'VARCHAR',
  },
  allocations: {
    invoice_id: 'VARCHAR', payment_id: 'VARCHAR', credit_note_id: 'VARCHAR',
    amount: 'DECIMAL(18,4)', allocation_date: 'DATE', // the CSV's "date"
  },
};

async function load(opt) {
  const db = resolve(opt.db);
  for (const f of [db, `${db}.wal`]) if (existsSync(f)) rmSync(f);
  const t0 = performance.now();
  const instance = await DuckDBInstance.create(db);
  const con = await instance.connect();
  const counts = {};
  for (const [table, columns] of Object.entries(TABLES)) {
    const spec = Object.entries(columns).map(([c, t]) => `${quote(c)}: ${quote(t)}`).join(', ');
    const file = resolve(opt.csv, `${table}.csv`);
    await con.run(
      `CREATE TABLE ${table} AS SELECT * FROM read_csv(${quote(file)}, header = true, ` +
        `delim = ',', quote = '"', escape = '"', columns = {${spec}})`,
    );
    const r = await con.runAndReadAll(`SELECT count(*) FROM ${table}`);
    counts[table] = Number(r.getRows()[0][0]);
  }
  await con.run('CHECKPOINT');
  con.closeSync();
  instance.closeSync();
  const load_ms = performance.now() - t0;
  return { mode: 'load', load_ms, counts };
}

function median(values) {
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  return n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

async function openReadOnly(db) {
  const instance = await DuckDBInstance.create(resolve(db), { access_mode: 'READ_ONLY' });
  return { instance, con: await instance.connect() };
}

async function timeQuery(con, sql, repeat) {
  const first = await con.run(sql); // warm-up: reads the columns into DuckDB's buffer pool
  const rows = first.rowCount;
  const runs = [];
  for (let r = 0; r < repeat; ++r) {
    const t = performance.now();
    const result = await con.run(sql); // a materialized result: every row produced
    runs.push(performance.now() - t);
    if (result.rowCount !== rows) throw new Error(`row count changed: ${result.rowCount}`);
  }
  return { rows, runs };
}

async function warm(opt) {
  const sql = agingSql(opt.as_of);
  const repeat = Number(opt.repeat);
  const { instance, con } = await openReadOnly(opt.db);
  const ordered = await timeQuery(con, sql, repeat);
  // The same query without the final ORDER BY, for information.
  const unordered = await timeQuery(con, sql.replace(/ORDER BY t\.section, t\.customer\s*$/, ''),
    repeat);
  con.closeSync();
  instance.closeSync();
  return {
    mode: 'warm', rows: ordered.rows, median_ms: median(ordered.runs), runs_ms: ordered.runs,
    unordered_median_ms: median(unordered.runs), unordered_runs_ms: unordered.runs,
  };
}

async function cold(opt) {
  const sql = agingSql(opt.as_of);
  const t0 = performance.now();
  const { instance, con } = await openReadOnly(opt.db);
  const out = resolve(opt.out);
  await con.run(`COPY (${sql}) TO ${quote(out)} (FORMAT csv, HEADER true, DELIMITER ',')`);
  con.closeSync();
  instance.closeSync();
  const query_ms = performance.now() - t0;
  return { mode: 'cold', query_ms, node_startup_ms: startup_ms, module_load_ms: module_ms,
    process_ms: performance.now() };
}

const [mode, ...rest] = process.argv.slice(2);
const opt = options(rest);
const modes = { load, warm, cold };
if (!modes[mode]) {
  console.error('usage: node duckdb_aging.mjs load|warm|cold [options] (see the file header)');
  process.exit(2);
}
console.log(JSON.stringify(await modes[mode](opt)));
