import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OracleSink } from '../../../../src/io/sink/oracle/oracle-sink.js';
import { resolveOracleSettings } from '../../../../src/io/sink/oracle/settings.js';
import { SinkError } from '../../../../src/io/sink/delivery/sink-error.js';
import type { RowBatch } from '../../../../src/io/sink/rows.js';
import { fakeOracle, type FakeOracle } from './fake-oracledb.js';

const ENV = { ORACLE_USER: 'scada', ORACLE_PASSWORD: 's3cret-pw', ORACLE_CONNECT_STRING: 'db.plant:1521/XEPDB1' };
const dirs: string[] = [];
const sinks: OracleSink[] = [];
afterEach(async () => {
  for (const s of sinks.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(poolSize = 2): { db: FakeOracle; sink: OracleSink; rejectsPath: string } {
  const dir = mkdtempSync(join(tmpdir(), 'jsscada-ora-'));
  dirs.push(dir);
  const rejectsPath = join(dir, 'rejects.jsonl');
  const db = fakeOracle();
  const sink = new OracleSink({ rejectsPath, poolSize, envFile: join(dir, 'none.env') }, { driver: db, env: ENV });
  sinks.push(sink);
  return { db, sink, rejectsPath };
}

function rows(n: number, ts0 = 1_700_000_000_000, texts?: (i: number) => string | null): RowBatch {
  return {
    length: n,
    tagIds: Int32Array.from({ length: n }, (_, i) => 1 + (i % 10)),
    ts: Float64Array.from({ length: n }, (_, i) => ts0 + Math.floor(i / 10)),
    values: Float64Array.from({ length: n }, (_, i) => i / 3),
    quality: new Uint8Array(n),
    texts: texts ? Array.from({ length: n }, (_, i) => texts(i)) : null,
  };
}

function rejects(path: string): { code: string; row: { tagId: number; ts: number } }[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { code: string; row: { tagId: number; ts: number } });
}

describe('OracleSink against the typed oracledb fake', () => {
  it('sends at most 500 rows per executeMany and commits a batch once; a replay counts duplicates, inserts nothing', async () => {
    const { db, sink } = setup();
    const batch = rows(1234);
    expect(await sink.write(batch)).toMatchObject({ inserted: 1234, duplicates: 0, rejected: 0 });
    expect(db.stats).toMatchObject({ executeMany: 3, maxRowsPerCall: 500, commits: 1 });
    expect(db.table.size).toBe(1234);
    expect(db.rows[3]).toEqual({ tagId: 4, tsMs: 1_700_000_000_000, value: 1, text: null, quality: 0 });
    expect(await sink.write(batch)).toMatchObject({ inserted: 0, duplicates: 1234, rejected: 0 });
    expect(db.table.size).toBe(1234);
  });

  it('puts exactly the rows with batch errors in the rejects file and commits the rest', async () => {
    const { db, sink, rejectsPath } = setup();
    db.nextBatchErrors = new Map([
      [3, 1400], // ORA-01400 cannot insert NULL
      [250, 1438], // ORA-01438 value larger than precision
    ]);
    const batch = rows(800, 1_700_000_000_000, (i) => (i === 640 ? 'x'.repeat(4001) : null));
    expect(await sink.write(batch)).toMatchObject({ inserted: 797, duplicates: 0, rejected: 3 });
    const lines = rejects(rejectsPath);
    expect(lines.map((l) => l.code)).toEqual(['ORA-01400', 'ORA-01438', 'ORA-12899']);
    expect(lines.map((l) => [l.row.tagId, l.row.ts])).toEqual([3, 250, 640].map((i) => [batch.tagIds[i], batch.ts[i]]));
    expect(db.table.size).toBe(797);
    expect(db.table.has(`${batch.tagIds[3]}:${batch.ts[3]}`)).toBe(false);
  });

  it('rolls back and reports a retryable error when the socket closes mid-batch (NJS-500); the retry stores every row once', async () => {
    const { db, sink } = setup(1);
    db.closeSocketAfterRows = 200; // in the FIRST executeMany: rows 0..199 were sent, then the socket died
    const batch = rows(700);
    const err = await sink.write(batch).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SinkError);
    expect(err).toMatchObject({ code: 'SINK_UNAVAILABLE', retryable: true, driverCode: 'NJS-500' });
    expect(db.table.size).toBe(0);
    expect(db.stats.dropped).toBe(1); // the broken connection left the pool
    expect(await sink.write(batch)).toMatchObject({ inserted: 700, duplicates: 0 });
    expect(db.table.size).toBe(700);
  });

  it('reports a pool queue timeout (NJS-040) as busy and retryable', async () => {
    const { db, sink } = setup();
    db.queueTimeoutOnce = true;
    await expect(sink.write(rows(10))).rejects.toMatchObject({ code: 'SINK_BUSY', retryable: true, driverCode: 'NJS-040' });
    expect(await sink.write(rows(10))).toMatchObject({ inserted: 10 });
  });

  it('reports a refused connection (NJS-503) as unavailable and retryable', async () => {
    const { db, sink } = setup();
    db.down = true;
    await expect(sink.probe()).rejects.toMatchObject({ code: 'SINK_UNAVAILABLE', retryable: true, driverCode: 'NJS-503' });
    db.down = false;
    await expect(sink.probe()).resolves.toBeUndefined();
  });

  it('registers tags under the collector, ids from the database, a rename keeping its id', async () => {
    const { db, sink } = setup();
    const me = { name: 'line1', instanceId: 'i-1', host: 'pc1', version: 'test', leaseS: 30 };
    const { collectorId } = await sink.claim(me);
    const tag = { device: 'plc2', name: 'press.force', group: 'slow', unit: 'kN', dataType: 'float32', renamedFrom: null };
    const [id] = await sink.register(collectorId, [tag]);
    expect(db.tags.get(id!)).toMatchObject({ collectorId, device: 'plc2', name: 'press.force', unit: 'kN' });
    expect(await sink.register(collectorId, [{ ...tag, name: 'press.kN', renamedFrom: 'press.force' }])).toEqual([id]);
    // Another collector with the same device and tag names gets its own tag.
    const other = await sink.claim({ ...me, name: 'line2', instanceId: 'i-2' });
    const [otherId] = await sink.register(other.collectorId, [tag]);
    expect(otherId).not.toBe(id);
  });

  it('refuses a second collector with the same name while the first holds the lease', async () => {
    const { sink } = setup();
    const me = { name: 'line1', instanceId: 'i-1', host: 'pc1', version: 'test', leaseS: 30 };
    const first = await sink.claim(me);
    await expect(sink.claim({ ...me, instanceId: 'i-2', host: 'pc2' })).rejects.toMatchObject({ code: 'SINK_IDENTITY', retryable: false });
    await sink.release(first.collectorId, me.instanceId);
    await expect(sink.claim({ ...me, instanceId: 'i-2', host: 'pc2' })).resolves.toMatchObject({ collectorId: first.collectorId, tookOverFrom: { instanceId: 'i-1' } });
  });

  it('refuses a 0.1 schema with the migration script named, and a missing schema with schema.sql', async () => {
    const { db, sink } = setup();
    db.schemaVersion = null;
    db.v1Tags = true;
    await expect(sink.probe()).rejects.toMatchObject({ code: 'SINK_SCHEMA', retryable: false, message: expect.stringContaining('migrate-v1-v2.sql') });
    const fresh = setup();
    fresh.db.schemaVersion = null;
    await expect(fresh.sink.probe()).rejects.toMatchObject({ code: 'SINK_SCHEMA', message: expect.stringContaining('schema.sql') });
  });
});

describe('Oracle settings', () => {
  it('come from the config, else the environment, else .env; the target never shows the password', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsscada-ora-env-'));
    dirs.push(dir);
    const envFile = join(dir, '.env');
    writeFileSync(envFile, 'ORACLE_USER=fromfile\nORACLE_PASSWORD=filepw\nORACLE_CONNECT_STRING=file:1521/X\n');
    const s = resolveOracleSettings({ rejectsPath: 'r', envFile, user: 'fromconfig' }, { ORACLE_PASSWORD: 'envpw' });
    expect(s).toMatchObject({ user: 'fromconfig', password: 'envpw', connectString: 'file:1521/X', batchRows: 500 });
    const sink = new OracleSink({ rejectsPath: 'r', envFile }, { driver: fakeOracle(), env: {} });
    sinks.push(sink);
    expect(sink.target).toBe('oracle://fromfile@file:1521/X');
    expect(sink.target).not.toContain('filepw');
    expect(() => resolveOracleSettings({ rejectsPath: 'r', envFile: join(dir, 'missing.env') }, {})).toThrow(/ORACLE_USER is not set/);
    expect(resolveOracleSettings({ rejectsPath: 'r', envFile, batchRows: 5000 }, {}).batchRows).toBe(500);
  });
});
