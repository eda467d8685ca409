/**
 * PostgreSQL insert speed: INSERT ... SELECT FROM unnest(5 arrays) (the sink's path) against
 * plain multi-row INSERT ... VALUES (1,000 rows per statement, 5 parameters per row), both with
 * ON CONFLICT DO NOTHING into the shipped schema; then the sink itself with its writer pool.
 *   JSSCADA_TEST_PG_URL=postgres://... npx tsx bench/postgres-insert.ts [rows=200000]
 * Skips (exit 0) when JSSCADA_TEST_PG_URL is not set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { packageRoot } from '../src/package-root.js';
import { PgWriter, type PgInsertResult } from '../src/io/sink/postgres/pg-writer.js';
import { PostgresSink } from '../src/io/sink/postgres/postgres-sink.js';
import { resolvePostgresSettings } from '../src/io/sink/postgres/settings.js';
import type { RowBatch } from '../src/io/sink/rows.js';

const url = process.env.JSSCADA_TEST_PG_URL;
if (!url) {
  console.log('postgres-insert: skipped (JSSCADA_TEST_PG_URL is not set; see scripts/ci-postgres.sh)');
  process.exit(0);
}
const TOTAL = Number(process.argv[2] ?? 200_000);
const dir = mkdtempSync(join(tmpdir(), 'jsscada-bench-'));
const schemaSql = join(packageRoot(), 'config', 'postgres', 'schema.sql');

function batch(n: number, first: number): RowBatch {
  const tags = 1000;
  return {
    length: n,
    tagIds: Int32Array.from({ length: n }, (_, i) => 1 + ((first + i) % tags)),
    ts: Float64Array.from({ length: n }, (_, i) => 1.7e12 + Math.floor((first + i) / tags) * 100),
    values: Float64Array.from({ length: n }, (_, i) => Math.sin(first + i) * 1000),
    quality: new Uint8Array(n),
    texts: null,
  };
}

async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await c.end();
}

async function oneWriter(mode: 'unnest' | 'values', batchRows: number): Promise<number> {
  const schema = `bench_${mode}_${batchRows}`;
  await dropSchema(schema);
  const writer = new PgWriter(resolvePostgresSettings({ url, schema, rejectsPath: join(dir, 'r.jsonl'), insertMode: mode }, schemaSql));
  await writer.handle({ op: 'probe' });
  const batches = Array.from({ length: Math.ceil(TOTAL / batchRows) }, (_, k) => batch(batchRows, k * batchRows));
  const t0 = performance.now();
  for (const b of batches) {
    const r = await writer.handle({ op: 'insert', batch: b });
    if (!r.ok) throw new Error(r.error.message);
    if ((r.value as PgInsertResult).inserted !== batchRows) throw new Error('rows missing');
  }
  const rate = (batches.length * batchRows) / ((performance.now() - t0) / 1000);
  await writer.close();
  await dropSchema(schema);
  return rate;
}

async function pooled(poolSize: number, batchRows: number): Promise<number> {
  const schema = `bench_pool_${poolSize}`;
  await dropSchema(schema);
  const sink = new PostgresSink({ url, schema, poolSize, rejectsPath: join(dir, 'r.jsonl') });
  await Promise.all(Array.from({ length: poolSize }, () => sink.probe()));
  const batches = Array.from({ length: Math.ceil(TOTAL / batchRows) }, (_, k) => batch(batchRows, k * batchRows));
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: poolSize }, async () => {
      while (next < batches.length) await sink.write(batches[next++]!);
    }),
  );
  const rate = (batches.length * batchRows) / ((performance.now() - t0) / 1000);
  await sink.close();
  await dropSchema(schema);
  return rate;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(9);
console.log(`postgres-insert: ${TOTAL.toLocaleString('en-US')} rows per run, 1,000 tags, fresh table each run`);
for (const rows of [500, 5000]) {
  const unnest = await oneWriter('unnest', rows);
  const values = await oneWriter('values', rows);
  console.log(`batch ${String(rows).padStart(5)}: unnest ${fmt(unnest)} rows/s   VALUES ${fmt(values)} rows/s   unnest/VALUES ${(unnest / values).toFixed(2)}x   (1 writer, in-process)`);
}
for (const size of [1, 5]) {
  console.log(`sink pool ${size}: unnest, batches of 5,000, ${size} in flight: ${fmt(await pooled(size, 5000))} rows/s (worker threads)`);
}
rmSync(dir, { recursive: true, force: true });
