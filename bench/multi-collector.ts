/**
 * Many collectors, one PostgreSQL: rows/s that 1, 2 and 4 collectors write together into one
 * central database through the real write path (tag registration, local -> central ids, the
 * PostgreSQL writer threads), each collector with its own 500 tags under the same device and
 * tag names. The database is the shared part, so this is the figure to size it by; polling is
 * left out (each collector here writes 5,000-row batches as fast as the database takes them).
 *   JSSCADA_TEST_PG_URL=postgres://... npx tsx bench/multi-collector.ts [seconds=10]
 * Skips (exit 0) when JSSCADA_TEST_PG_URL is not set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { systemClock } from '../src/clock.js';
import { silentLogger } from '../src/log.js';
import { CentralSink } from '../src/io/sink/identity/central-sink.js';
import { TagCatalog } from '../src/io/sink/identity/tag-catalog.js';
import type { TagRef } from '../src/io/sink/identity/tag-ref.js';
import { PostgresSink } from '../src/io/sink/postgres/postgres-sink.js';
import type { RowBatch } from '../src/io/sink/rows.js';
import { machineInfo } from './lib/machine.js';

const url = process.env.JSSCADA_TEST_PG_URL;
if (!url) {
  console.log('multi-collector: skipped (JSSCADA_TEST_PG_URL is not set; see scripts/ci-postgres.sh)');
  process.exit(0);
}
const SECONDS = Number(process.argv[2] ?? 10);
const TAGS = 500;
const BATCH = 5000;
const dir = mkdtempSync(join(tmpdir(), 'jsscada-bench-multi-'));

const refs: TagRef[] = Array.from({ length: TAGS }, (_, i) => ({ localId: i + 1, device: 'plc', name: `t${i}`, group: 'fast', unit: null, dataType: 'float32', renamedFrom: null }));

function batch(k: number): RowBatch {
  return {
    length: BATCH,
    tagIds: Int32Array.from({ length: BATCH }, (_, i) => 1 + (i % TAGS)),
    ts: Float64Array.from({ length: BATCH }, (_, i) => 1.7e12 + (k * (BATCH / TAGS) + Math.floor(i / TAGS)) * 100),
    values: Float64Array.from({ length: BATCH }, (_, i) => Math.sin(k + i)),
    quality: new Uint8Array(BATCH),
    texts: null,
  };
}

async function run(collectors: number): Promise<{ collectors: number; rowsPerSecond: number; rows: number }> {
  const schema = `bench_multi_${collectors}_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  const sinks = Array.from({ length: collectors }, (_, c) => {
    const catalog = new TagCatalog();
    catalog.update(refs);
    const store = new PostgresSink({ url, schema, poolSize: 2, rejectsPath: join(dir, `r${c}.jsonl`) });
    return new CentralSink(store, catalog, { name: `line-${c}`, instanceId: `bench-${c}`, host: 'bench', version: 'bench', leaseS: 30 }, { clock: systemClock, logger: silentLogger() });
  });
  await Promise.all(sinks.map((s) => s.connect()));
  const t0 = performance.now();
  const end = t0 + SECONDS * 1000;
  let rows = 0;
  await Promise.all(
    sinks.map(async (s) => {
      // Two batches in flight per collector: one per writer thread, as Delivery's buffer allows.
      let k = 0;
      const lane = async (): Promise<void> => {
        while (performance.now() < end) {
          const r = await s.write(batch(k++));
          rows += r.inserted;
        }
      };
      await Promise.all([lane(), lane()]);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  for (const s of sinks) await s.close();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
  return { collectors, rowsPerSecond: Math.round(rows / seconds), rows };
}

console.log(JSON.stringify({ bench: 'multi-collector', machine: machineInfo(), command: `npx tsx bench/multi-collector.ts ${SECONDS}` }));
const results = [];
for (const n of [1, 2, 4]) {
  const r = await run(n);
  results.push(r);
  console.log(`${n} collector(s) -> one PostgreSQL: ${r.rowsPerSecond.toLocaleString('en-US')} rows/s (${r.rows.toLocaleString('en-US')} rows in ${SECONDS} s)`);
}
rmSync(dir, { recursive: true, force: true });
