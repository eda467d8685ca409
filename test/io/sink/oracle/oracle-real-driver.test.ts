import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOracleDriver, type OracleConnection } from '../../../../src/io/sink/oracle/driver.js';
import { OracleSink } from '../../../../src/io/sink/oracle/oracle-sink.js';
import { resolveOracleSettings } from '../../../../src/io/sink/oracle/settings.js';
import { SinkError } from '../../../../src/io/sink/delivery/sink-error.js';
import { packageRoot } from '../../../../src/package-root.js';

const dir = mkdtempSync(join(tmpdir(), 'jsscada-ora-real-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A loopback port with nothing listening: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('the real node-oracledb, no database needed', () => {
  it('has the shape the sink codes against, in Thin mode (no Oracle Client)', async () => {
    const d = (await loadOracleDriver()) as unknown as Record<string, unknown> & { Pool: { prototype: object }; Connection: { prototype: object } };
    expect(typeof d.createPool).toBe('function');
    for (const c of ['NUMBER', 'STRING', 'DB_TYPE_BINARY_DOUBLE']) expect(d[c], c).toBeTruthy();
    for (const m of ['getConnection', 'close']) expect(typeof (d.Pool.prototype as Record<string, unknown>)[m], m).toBe('function');
    const conn: (keyof OracleConnection)[] = ['executeMany', 'execute', 'commit', 'rollback', 'close'];
    for (const m of conn) expect(typeof (d.Connection.prototype as Record<string, unknown>)[m], m).toBe('function');
    expect(d.thin).toBe(true);
  });

  it('classifies a connection to a closed local port (NJS-503) as retryable, from a writer thread', async () => {
    const port = await closedPort();
    const sink = new OracleSink({ user: 'scada', password: 'pw-never-logged', connectString: `127.0.0.1:${port}/XEPDB1`, rejectsPath: join(dir, 'r.jsonl'), poolSize: 1, connectTimeoutS: 3, envFile: join(dir, 'none.env') }, { env: {} });
    try {
      const err = await sink.probe().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SinkError);
      expect(err).toMatchObject({ code: 'SINK_UNAVAILABLE', retryable: true, driverCode: 'NJS-503' });
      expect((err as Error).message).toContain('ECONNREFUSED');
      expect((err as Error).message).not.toContain('pw-never-logged');
    } finally {
      await sink.close();
    }
  });
});

/** Statements of config/oracle/*.sql, split on the "/" lines. */
function statements(file: string): string[] {
  return readFileSync(join(packageRoot(), 'config', 'oracle', file), 'utf8')
    .split(/^\/\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}

const ORACLE = process.env.ORACLE_CONNECT_STRING;
describe.skipIf(!ORACLE)(`Oracle sink against a real database (${ORACLE ? 'ORACLE_CONNECT_STRING' : 'SKIPPED: ORACLE_CONNECT_STRING is not set'})`, () => {
  it('creates the tables, writes 10,000 rows and reads them back', async () => {
    const driver = await loadOracleDriver();
    const settings = resolveOracleSettings({ rejectsPath: join(dir, 'r.jsonl') });
    const admin = await (await driver.createPool({ user: settings.user, password: settings.password, connectString: settings.connectString, poolMin: 0, poolMax: 1, poolIncrement: 1, queueTimeout: 30_000 })).getConnection();
    const run = async (sql: string, ignore: number[]): Promise<void> => {
      try {
        await admin.execute(sql);
      } catch (err) {
        if (!ignore.includes((err as { errorNum?: number }).errorNum ?? 0)) throw err;
      }
    };
    for (const s of statements('drop.sql')) await run(s, [942, 4043]); // does not exist
    for (const s of statements('schema.sql')) await run(s, []);
    const sink = new OracleSink({ rejectsPath: join(dir, 'r.jsonl'), poolSize: 2 });
    try {
      const n = 10_000;
      const t0 = Date.UTC(2024, 0, 1);
      const batch = {
        length: n,
        tagIds: Int32Array.from({ length: n }, (_, i) => 1 + (i % 100)),
        ts: Float64Array.from({ length: n }, (_, i) => t0 + Math.floor(i / 100) * 1000),
        values: Float64Array.from({ length: n }, (_, i) => (i % 7 === 0 ? Number.NaN : i / 7)),
        quality: Uint8Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 1 : 0)),
        texts: null,
      };
      expect(await sink.write(batch)).toMatchObject({ inserted: n, rejected: 0 });
      expect(await sink.write(batch)).toMatchObject({ inserted: 0, duplicates: n });
      const r = await admin.execute(`SELECT COUNT(*), SUM(CASE WHEN VALUE IS NULL THEN 1 ELSE 0 END), MIN(TS), MAX(VALUE) FROM TAG_DATA`);
      const [count, nulls, minTs, maxValue] = (r.rows as unknown[][])[0] as [number, number, Date, number];
      expect(count).toBe(n);
      expect(nulls).toBe(Math.ceil(n / 7));
      expect(minTs).toBeInstanceOf(Date);
      expect(maxValue).toBe(9998 / 7);
    } finally {
      await sink.close();
      await admin.close();
    }
  }, 120_000);
});
