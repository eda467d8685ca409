/**
 * SQLite insert rate for tag_data: key order, statement shape and batch size.
 * Run: npm run bench:writer   (prints a table; writes nothing but temp files)
 *
 * Rows are "narrow" like the collector's: (tag_id, ts, value, text NULL, quality).
 * 1,000 tags polled together, so each batch holds consecutive polls of all tags, as in production.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { TagDataInserter } from '../src/io/sink/sqlite/insert.js';
import type { RowBatch } from '../src/io/sink/rows.js';

const TAGS = 1000;
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);

function makeBatch(start: number, size: number): RowBatch {
  const tagIds = new Int32Array(size);
  const ts = new Float64Array(size);
  const values = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const n = start + i;
    tagIds[i] = (n % TAGS) + 1;
    ts[i] = 1_700_000_000_000 + Math.floor(n / TAGS) * 100;
    values[i] = (n % 997) * 0.5;
  }
  return { length: size, tagIds, ts, values, quality: new Uint8Array(size), texts: null };
}

const LAYOUTS: Record<string, string> = {
  '(tag_id, ts) WITHOUT ROWID': 'CREATE TABLE tag_data (tag_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL, text_value TEXT, quality INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (tag_id, ts)) WITHOUT ROWID',
  '(ts, tag_id) WITHOUT ROWID': 'CREATE TABLE tag_data (tag_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL, text_value TEXT, quality INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (ts, tag_id)) WITHOUT ROWID',
  '(ts, tag_id) + index (tag_id, ts)':
    'CREATE TABLE tag_data (tag_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL, text_value TEXT, quality INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (ts, tag_id)) WITHOUT ROWID; CREATE INDEX tag_data_tag ON tag_data(tag_id, ts)',
  'rowid + UNIQUE(tag_id, ts)': 'CREATE TABLE tag_data (tag_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL, text_value TEXT, quality INTEGER NOT NULL DEFAULT 0, UNIQUE (tag_id, ts))',
};
const CACHE_KB = Number(process.env.BENCH_CACHE_KB ?? 65536);

function open(dir: string, ddl: string): Database.Database {
  const db = new Database(join(dir, `b${Math.random().toString(36).slice(2)}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`cache_size = -${CACHE_KB}`);
  db.exec(ddl);
  return db;
}

/** Rows/s for inserting ROWS rows in batches of `batch`, with our multi-row inserter or one row per statement. */
function run(dir: string, ddl: string, batch: number, multiRow: boolean): number {
  const db = open(dir, ddl);
  const inserter = new TagDataInserter(db);
  const single = db.prepare('INSERT OR IGNORE INTO tag_data(tag_id, ts, value, text_value, quality) VALUES (?,?,?,?,?)');
  const singleTx = db.transaction((b: RowBatch) => {
    for (let i = 0; i < b.length; i++) single.run(b.tagIds[i], b.ts[i], b.values[i], null, b.quality[i]);
  });
  const batches: RowBatch[] = [];
  for (let at = 0; at < ROWS; at += batch) batches.push(makeBatch(at, Math.min(batch, ROWS - at)));
  const t0 = performance.now();
  for (const b of batches) (multiRow ? inserter.insert(b) : singleTx(b));
  const ms = performance.now() - t0;
  db.close();
  return Math.round((ROWS / ms) * 1000);
}

const dir = mkdtempSync(join(tmpdir(), 'jsscada-bench-'));
try {
  console.log(`# SQLite writer benchmark: ${ROWS.toLocaleString('en')} rows, ${TAGS} tags, better-sqlite3, WAL, synchronous=NORMAL, cache ${CACHE_KB / 1024} MB`);
  console.log(`# machine: ${cpus()[0]?.model ?? 'unknown'} x${cpus().length}, node ${process.version}`);
  console.log('| layout | statement | batch 100 | batch 500 | batch 5,000 |');
  console.log('|---|---|---:|---:|---:|');
  for (const [name, ddl] of Object.entries(LAYOUTS)) {
    for (const multiRow of [true, false]) {
      const rates = [100, 500, 5000].map((b) => run(dir, ddl, b, multiRow));
      console.log(`| ${name} | ${multiRow ? 'multi-row (64)' : 'one row'} | ${rates.map((r) => r.toLocaleString('en')).join(' | ')} |`);
    }
  }
  console.log('(rows/s; higher is better)');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
