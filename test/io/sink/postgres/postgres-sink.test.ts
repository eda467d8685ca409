import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresSink } from '../../../../src/io/sink/postgres/postgres-sink.js';
import { SinkError } from '../../../../src/io/sink/delivery/sink-error.js';
import { batchOf, dropSchema, NO_PG, PG_URL, SKIP_REASON, uniqueSchema, withClient } from './pg-env.js';

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);

describe.skipIf(NO_PG)(`PostgresSink against a real server (${NO_PG ? SKIP_REASON : 'JSSCADA_TEST_PG_URL'})`, () => {
  const url = PG_URL!;
  const schema = uniqueSchema('jsscada_sink');
  const dir = mkdtempSync(join(tmpdir(), 'jsscada-pg-'));
  const rejectsPath = join(dir, 'rejects.jsonl');
  let sink: PostgresSink;

  beforeAll(async () => {
    sink = new PostgresSink({ url, schema, rejectsPath, poolSize: 3 });
    await sink.probe();
  });
  afterAll(async () => {
    await sink.close();
    await dropSchema(url, schema);
    rmSync(dir, { recursive: true, force: true });
  });

  const read = (sql: string): Promise<Record<string, unknown>[]> =>
    withClient(url, async (c) => {
      await c.query(`SET search_path TO "${schema}"`);
      return (await c.query(sql)).rows as Record<string, unknown>[];
    });

  const me = { name: 'line1', instanceId: 'inst-1', host: 'pc1', version: 'test', leaseS: 30 };
  const reg = (name: string, unit: string | null = null, renamedFrom: string | null = null) => ({ device: 'plc1', name, group: 'fast', unit, dataType: 'float32', renamedFrom });

  it('stores every value exactly, once per natural key, readable by name through tag_values', async () => {
    const { collectorId } = await sink.claim(me);
    const [temp, label] = (await sink.register(collectorId, [reg('temp', 'degC'), reg('label')])) as [number, number];
    const rows = [
      { tagId: temp, ts: T0, value: 0.1 },
      { tagId: temp, ts: T0 + 1, value: -0 },
      { tagId: temp, ts: T0 + 2, value: Number.POSITIVE_INFINITY },
      { tagId: temp, ts: T0 + 3, value: 1e-300 },
      { tagId: temp, ts: T0 + 4, value: 2 ** 53 + 2 },
      { tagId: temp, ts: T0 + 5, quality: 1 },
      { tagId: label, ts: T0, text: 'a,"b"\nc\\d {x}' },
      { tagId: label, ts: T0 + 1, text: '' },
      { tagId: label, ts: T0 + 2, text: 'NULL' },
    ];
    const batch = batchOf(rows);
    expect(await sink.write(batch)).toMatchObject({ inserted: 9, rejected: 0 });
    // A retry or a replay of the same rows adds nothing.
    expect(await sink.write(batch)).toMatchObject({ inserted: 0, rejected: 0 });
    const got = await read(`SELECT collector, tag, device, unit, (extract(epoch FROM ts) * 1000)::int8 AS ms, value, text_value, quality, value::text AS value_text FROM tag_values ORDER BY tag_id, ts`);
    expect(got).toHaveLength(9);
    expect(got.map((r) => Number(r.ms))).toEqual(rows.map((r) => r.ts));
    expect(got.slice(0, 6).map((r) => r.value)).toEqual([0.1, -0, Number.POSITIVE_INFINITY, 1e-300, 2 ** 53 + 2, null]);
    expect(Object.is(got[1]!.value, -0)).toBe(true);
    expect(got.slice(6).map((r) => r.text_value)).toEqual(['a,"b"\nc\\d {x}', '', 'NULL']);
    expect(got[0]).toMatchObject({ collector: 'line1', tag: 'temp', device: 'plc1', unit: 'degC', quality: 0 });
    expect(got[5]).toMatchObject({ quality: 1, value: null });
    expect(got[6]).toMatchObject({ tag: 'label', unit: null });
  });

  it('keeps a tag id across a rename (renamedFrom) and updates its descriptive fields', async () => {
    const { collectorId } = await sink.claim(me);
    const [id] = await sink.register(collectorId, [reg('temp', 'degC')]);
    expect(await sink.register(collectorId, [reg('temperature', 'K', 'temp')])).toEqual([id]);
    const got = await read(`SELECT name, unit FROM tags WHERE id = ${id}`);
    expect(got).toEqual([{ name: 'temperature', unit: 'K' }]);
  });

  it('rejects exactly the rows the server refuses, to the rejects file, and commits the rest', async () => {
    // A DBA's rule the collector does not know about, and a NUL byte PostgreSQL text cannot hold.
    await withClient(url, (c) => c.query(`ALTER TABLE "${schema}".tag_data ADD CONSTRAINT plausible CHECK (value IS NULL OR value < 1e6) NOT VALID`));
    const rows = Array.from({ length: 100 }, (_, i) => ({ tagId: 10, ts: T0 + i, value: i }));
    rows[17]!.value = 5e6;
    rows[60] = { tagId: 10, ts: T0 + 60, value: Number.NaN, text: 'bad\u0000text' } as (typeof rows)[number];
    rows[99]!.value = 1e9;
    const result = await sink.write(batchOf(rows));
    expect(result).toMatchObject({ inserted: 97, rejected: 3 });
    const lines = readFileSync(rejectsPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { code: string; row: { ts: number; value: unknown } });
    expect(lines.map((l) => l.row.ts - T0)).toEqual([17, 60, 99]);
    expect(lines.map((l) => l.code)).toEqual(['23514', '22021', '23514']);
    expect(lines[0]!.row.value).toBe(5e6);
    const [{ n }] = (await read('SELECT count(*)::int AS n FROM tag_data WHERE tag_id = 10')) as [{ n: number }];
    expect(n).toBe(97);
  });

  it('writes from every writer at once, one connection per writer', async () => {
    const batches = Array.from({ length: 12 }, (_, k) => batchOf(Array.from({ length: 500 }, (_, i) => ({ tagId: 100 + k, ts: T0 + i, value: i }))));
    const results = await Promise.all(batches.map((b) => sink.write(b)));
    expect(results.reduce((s, r) => s + r.inserted, 0)).toBe(6000);
    const conns = await withClient(url, async (c) => (await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'jsscada' AND datname = current_database()`)).rows[0] as { n: number });
    expect(conns.n).toBeGreaterThanOrEqual(1);
    expect(conns.n).toBeLessThanOrEqual(3 + 20); // other suites' writers may share the server
  });

  it('reconnects by itself after the server kills its connections; any failure on the way is retryable', async () => {
    // The writers hold connections from the tests before (issue 13: this was never checked).
    await sink.write(batchOf([{ tagId: 200, ts: T0 - 1, value: -1 }]));
    const killed = await withClient(url, (c) => c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'jsscada' AND query NOT ILIKE '%pg_terminate_backend%' AND pid <> pg_backend_pid() AND usename = current_user AND state = 'idle'`));
    expect(killed.rowCount).toBeGreaterThanOrEqual(1);
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      try {
        await sink.write(batchOf([{ tagId: 200, ts: T0 + i, value: i }]));
        outcomes.push('ok');
      } catch (err) {
        expect(err).toBeInstanceOf(SinkError);
        expect((err as SinkError).retryable).toBe(true);
        outcomes.push((err as SinkError).code);
      }
    }
    expect(outcomes.at(-1)).toBe('ok');
    // Every write that said ok is stored, on a new connection.
    const stored = await read('SELECT count(*)::int AS n FROM tag_data WHERE tag_id = 200 AND ts >= timestamptz \'epoch\' + ' + T0 + " * interval '1 millisecond'");
    expect(stored).toEqual([{ n: outcomes.filter((o) => o === 'ok').length }]);
  });

  it('classifies bad credentials as a config error (no retry) and never shows the password', async () => {
    const u = new URL(url);
    u.password = 'not-the-password-xyzzy';
    const bad = new PostgresSink({ url: u.href, schema, rejectsPath, poolSize: 1 });
    try {
      expect(bad.target).not.toContain('xyzzy');
      const err = await bad.write(batchOf([{ tagId: 1, ts: 1 }])).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SinkError);
      expect(err).toMatchObject({ code: 'SINK_CONFIG', retryable: false, driverCode: '28P01' });
      expect((err as Error).message).not.toContain('xyzzy');
    } finally {
      await bad.close();
    }
  });
});
