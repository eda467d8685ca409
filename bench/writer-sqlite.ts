/**
 * Figure 6, the SQLite writer: rows/s into tag_data at batch sizes 100, 500 and 5,000.
 *
 *   1. The product path: SqliteSink (piscina, the ONE writer thread, batches structured-cloned to
 *      it, one write in flight as the buffer does) on the shipped schema.
 *   2. Raw, same schema, in this thread: the sink's own statement (TagDataInserter, 64-row
 *      INSERT) and a plain one-row INSERT, one transaction per batch.
 *   3. (full run, or --layouts) Why tag_data is keyed (ts, tag_id): the key orders and statement
 *      shapes that were compared when the schema was chosen.
 *
 * Rows are "narrow" like the collector's: (tag_id, ts, value, text NULL, quality); 1,000 tags
 * polled together, so each batch holds consecutive polls of all tags, as in production.
 * Run: npx tsx bench/writer-sqlite.ts [--quick] [--rows=1000000] [--layouts]
 * (also: npm run bench:writer on the built code). Writes nothing but temp files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { applySchema } from '../src/io/sink/sqlite/database.js';
import { TagDataInserter } from '../src/io/sink/sqlite/insert.js';
import { SqliteSink } from '../src/io/sink/sqlite/sqlite-sink.js';
import type { RowBatch } from '../src/io/sink/rows.js';
import { printHeader } from './lib/machine.js';
import { emitResult, isQuick, option, table, type TargetCheck } from './lib/result.js';
import { int } from './lib/stats.js';

const quick = isQuick();
const TAGS = 1000;
const ROWS = option('rows', Number(process.env.BENCH_ROWS ?? (quick ? 200_000 : 1_000_000)));
const SIZES = [100, 500, 5000] as const;
const LAYOUT_STUDY = process.argv.includes('--layouts') || !quick;

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

function batchesOf(size: number): RowBatch[] {
  const out: RowBatch[] = [];
  for (let at = 0; at < ROWS; at += size) out.push(makeBatch(at, Math.min(size, ROWS - at)));
  return out;
}

const LAYOUTS: Record<string, string> = {
  '(tag_id, ts) WITHOUT ROWID': 'CREATE TABLE tag_data (tag_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL, text_value TEXT, quality INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (tag_id, ts)) WITHOUT ROWID',
  '(ts, tag_id) WITHOUT ROWID': 'CREATE TABLE tag_data (tag_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL, text_value TEXT, quality INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (ts, tag_id)) WITHOUT ROWID',
  '(ts, tag_id) + index (tag_id, ts)':
    'CREATE TABLE tag_data (tag_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL, text_value TEXT, quality INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (ts, tag_id)) WITHOUT ROWID; CREATE INDEX tag_data_tag ON tag_data(tag_id, ts)',
  'rowid + UNIQUE(tag_id, ts)': 'CREATE TABLE tag_data (tag_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL, text_value TEXT, quality INTEGER NOT NULL DEFAULT 0, UNIQUE (tag_id, ts))',
};
const CACHE_KB = Number(process.env.BENCH_CACHE_KB ?? 65536);

/** A fresh database with the writer thread's pragmas and either the shipped schema or a layout. */
function open(dir: string, ddl: string | null, cacheKb: number): Database.Database {
  const db = new Database(join(dir, `b${Math.random().toString(36).slice(2)}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`cache_size = -${cacheKb}`);
  if (ddl) db.exec(ddl);
  else applySchema(db);
  return db;
}

/** Rows/s inserting ROWS rows in batches of `size`, with our multi-row inserter or one row per statement. */
function raw(dir: string, ddl: string | null, size: number, multiRow: boolean, cacheKb: number): number {
  const db = open(dir, ddl, cacheKb);
  const inserter = new TagDataInserter(db);
  const single = db.prepare('INSERT OR IGNORE INTO tag_data(tag_id, ts, value, text_value, quality) VALUES (?,?,?,?,?)');
  const singleTx = db.transaction((b: RowBatch) => {
    for (let i = 0; i < b.length; i++) single.run(b.tagIds[i], b.ts[i], b.values[i], null, b.quality[i]);
  });
  const batches = batchesOf(size);
  const t0 = performance.now();
  for (const b of batches) (multiRow ? inserter.insert(b) : singleTx(b));
  const ms = performance.now() - t0;
  db.close();
  return Math.round((ROWS / ms) * 1000);
}

/** Rows/s through the product's sink: the writer thread, one write in flight at a time. */
async function throughSink(dir: string, size: number): Promise<number> {
  const sink = new SqliteSink(join(dir, `s${size}.db`));
  await sink.open();
  try {
    const batches = batchesOf(size);
    const t0 = performance.now();
    for (const b of batches) await sink.write(b);
    return Math.round((ROWS / (performance.now() - t0)) * 1000);
  } finally {
    await sink.close();
  }
}

async function main(): Promise<void> {
  const { machine, command } = printHeader('Figure 6: SQLite writer (rows/s by batch size)', import.meta.url);
  console.log(`${int(ROWS)} rows per measurement, ${TAGS} tags, better-sqlite3, WAL, synchronous=NORMAL`);
  const dir = mkdtempSync(join(tmpdir(), 'jsscada-bench-'));
  try {
    const sink: number[] = [];
    const sinkStatement: number[] = [];
    const oneRow: number[] = [];
    for (const size of SIZES) {
      sink.push(await throughSink(dir, size));
      // The writer thread's cache (worker.ts: 32 MB), so raw and sink differ only by the pipeline.
      sinkStatement.push(raw(dir, null, size, true, 32_768));
      oneRow.push(raw(dir, null, size, false, 32_768));
    }
    const productRows = [
      ['SqliteSink (writer thread, shipped schema)', ...sink.map(int)],
      ['raw in-thread, sink statement (64-row INSERT)', ...sinkStatement.map(int)],
      ['raw in-thread, one-row INSERT', ...oneRow.map(int)],
      ['SqliteSink / raw sink statement', ...sink.map((s, i) => `${Math.round((s / sinkStatement[i]!) * 100)} %`)],
    ];
    const header = ['path (rows/s)', ...SIZES.map((s) => `batch ${int(s)}`)];
    console.log(`| ${header.join(' | ')} |`);
    for (const r of productRows) console.log(`| ${r.join(' | ')} |`);

    const layoutRows: string[][] = [];
    if (LAYOUT_STUDY) {
      console.log(`layout study (cache ${CACHE_KB / 1024} MB): key order and statement shape`);
      for (const [name, ddl] of Object.entries(LAYOUTS)) {
        for (const multiRow of [true, false]) {
          const rates = SIZES.map((b) => raw(dir, ddl, b, multiRow, CACHE_KB));
          const row = [name, multiRow ? 'multi-row (64)' : 'one row', ...rates.map(int)];
          layoutRows.push(row);
          console.log(`| ${row.join(' | ')} |`);
        }
      }
    }
    const targets: TargetCheck[] = [
      {
        name: 'writer thread keeps up with the pipeline target at the buffer\'s batch size (5,000)',
        target: '>= 250,000 rows/s',
        measured: `${int(sink[2]!)} rows/s through SqliteSink`,
        met: sink[2]! >= 250_000,
      },
    ];
    emitResult({
      figure: 'writer',
      title: 'Figure 6: SQLite writer',
      machine,
      command,
      quick,
      tables: [
        table(header, productRows),
        ...(layoutRows.length > 0 ? [table(['layout', 'statement', ...SIZES.map((s) => `batch ${int(s)}`)], layoutRows, ['l', 'l', 'r', 'r', 'r'])] : []),
      ],
      targets,
      notes: [
        `${int(ROWS)} rows per cell, each cell a fresh database file in the temp dir; rows/s, higher is better.`,
        'SqliteSink awaits each write before the next (the buffer keeps one flush in flight), so its figure includes the structured clone to the writer thread and back.',
      ],
      data: { rows: ROWS, sizes: SIZES, sink, sinkStatement, oneRow, layouts: layoutRows },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
