/**
 * How long `jsscada migrate` takes on a PostgreSQL database of the 0.1 schema (version 1): N rows
 * of T tags (test/fixtures/v1/postgres-schema.sql), migrated in place by the same code the command
 * runs (PostgresSink.migrate: one transaction under the schema lock; tag_data is not rewritten).
 *   JSSCADA_TEST_PG_URL=postgres://... npx tsx bench/migrate.ts [rows=2000000] [tags=1000]
 * Skips (exit 0) when JSSCADA_TEST_PG_URL is not set.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { PostgresSink } from '../src/io/sink/postgres/postgres-sink.js';
import type { TagRef } from '../src/io/sink/identity/tag-ref.js';
import { packageRoot } from '../src/package-root.js';
import { machineInfo } from './lib/machine.js';

const url = process.env.JSSCADA_TEST_PG_URL;
if (!url) {
  console.log('migrate: skipped (JSSCADA_TEST_PG_URL is not set; see scripts/ci-postgres.sh)');
  process.exit(0);
}
const ROWS = Number(process.argv[2] ?? 2_000_000);
const TAGS = Number(process.argv[3] ?? 1000);
const schema = `bench_migrate_${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'jsscada-bench-mig-'));
const admin = new pg.Client({ connectionString: url });
await admin.connect();
console.log(JSON.stringify({ bench: 'migrate', machine: machineInfo(), command: `npx tsx bench/migrate.ts ${ROWS} ${TAGS}` }));
try {
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.query(`SET search_path TO "${schema}"`);
  await admin.query(readFileSync(join(packageRoot(), 'test', 'fixtures', 'v1', 'postgres-schema.sql'), 'utf8'));
  await admin.query(`INSERT INTO tags (tag_id, name, device, group_name) SELECT i, 't' || i, 'plc', 'g' FROM generate_series(1, ${TAGS}) AS i`);
  const t0 = performance.now();
  await admin.query(
    `INSERT INTO tag_data (tag_id, ts, value, quality) SELECT 1 + (i % ${TAGS}), timestamptz 'epoch' + (1700000000000 + (i / ${TAGS}) * 100) * interval '1 millisecond', i, 0 FROM generate_series(0, ${ROWS - 1}) AS i`,
  );
  console.log(`filled ${ROWS.toLocaleString('en-US')} version-1 rows of ${TAGS} tags in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const known: TagRef[] = Array.from({ length: TAGS }, (_, i) => ({ localId: i + 1, device: 'plc', name: `t${i + 1}`, group: 'g', unit: null, dataType: 'int16', renamedFrom: null }));
  const sink = new PostgresSink({ url, schema, poolSize: 1, rejectsPath: join(dir, 'r.jsonl'), queryTimeoutMs: 600_000 });
  try {
    const m = await sink.migrate({ name: 'line1', instanceId: 'bench', host: 'bench', version: 'bench', leaseS: 30 }, known);
    console.log(`migrated in ${Math.round(m.ms ?? 0).toLocaleString('en-US')} ms: ${m.tags} tags, ${m.rows?.toLocaleString('en-US')} rows kept`);
  } finally {
    await sink.close();
  }
} finally {
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
}
