import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startCollector, type RunningCollector } from '../../src/app.js';
import { main } from '../../src/cli/main.js';
import { silentLogger } from '../../src/log.js';
import type { ModbusSimulator } from '../../src/io/modbus/simulator/index.js';
import { SqliteSink } from '../../src/io/sink/sqlite/sqlite-sink.js';
import { dropSchema, NO_PG, PG_URL, SKIP_REASON, uniqueSchema, withClient } from '../io/sink/postgres/pg-env.js';
import { modbusPlant, modbusWith, until } from './support/sim-plants.js';

/**
 * The 0.1 release's schema (version 1: tag_data keyed by the config store's local ids, kept in
 * test/fixtures/v1) migrated in place: rows kept, attributed to the collector that upgrades.
 */

const dirs: string[] = [];
const sims: ModbusSimulator[] = [];
const schemas: string[] = [];
afterAll(async () => {
  for (const s of sims.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  if (PG_URL) for (const s of schemas.splice(0)) await dropSchema(PG_URL, s);
});

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'v1', name), 'utf8');
const T0 = 1_700_000_000_000;

/** A 0.1 store as 0.1 wrote it: device plc, group fast, tags a (id 1), b (id 2, retired), c (id 3). */
function writeV1Store(dbPath: string, port: number, sink: object): void {
  const db = new Database(dbPath);
  db.exec(fixture('sqlite-schema.sql'));
  db.prepare("INSERT INTO devices (id, name, protocol, host, port, options, updated_at) VALUES (1, 'plc', 'modbus', '127.0.0.1', ?, '{\"timeoutMs\":1000,\"retries\":1}', 0)").run(port);
  db.prepare("INSERT INTO polling_groups (id, name, device_id, mode, interval_ms, updated_at) VALUES (1, 'fast', 1, 'fixed', 100, 0)").run();
  const tag = db.prepare("INSERT INTO tags (id, name, group_id, address, data_type, updated_at, retired_at) VALUES (?, ?, 1, ?, 'int16', 0, ?)");
  tag.run(1, 'a', 'HR100', null);
  tag.run(2, 'b', 'HR101', 5);
  tag.run(3, 'c', 'HR102', null);
  const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
  meta.run('plant.sink', JSON.stringify(sink));
  meta.run('plant.collector', JSON.stringify({ name: 'line-old', leaseS: 5 }));
  meta.run('plant.imported_at', '0');
  db.close();
}

function v1Rows(): { id: number; ts: number; value: number }[] {
  const rows: { id: number; ts: number; value: number }[] = [];
  for (let i = 0; i < 1000; i++) rows.push({ id: 1, ts: T0 + i * 100, value: i }, { id: 2, ts: T0 + i * 100, value: -i });
  for (let i = 0; i < 10; i++) rows.push({ id: 3, ts: T0 + i * 100, value: 3 });
  return rows;
}

function io() {
  const out: string[] = [];
  return { out, io: { out: (t: string) => out.push(t), err: (t: string) => out.push(`ERR ${t}`) } };
}

describe('migrating the 0.1 schema', () => {
  it('SQLite: migrated at start, rows kept under their tags, attributed to the collector, polling goes on under the same ids', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsscada-mig-'));
    dirs.push(dir);
    const sim = await modbusWith([{ name: 'a', hr: 100, value: 7 }, { name: 'c', hr: 102, value: 9 }]);
    sims.push(sim);
    const dbPath = join(dir, 'jsscada.db');
    writeV1Store(dbPath, sim.port, { kind: 'sqlite', path: 'jsscada.db', retentionDays: 0 });
    const db = new Database(dbPath);
    const ins = db.prepare('INSERT INTO tag_data (tag_id, ts, value, quality) VALUES (?, ?, ?, 0)');
    db.transaction(() => v1Rows().forEach((r) => ins.run(r.id, r.ts, r.value)))();
    db.close();

    const run: RunningCollector = await startCollector({ dataDir: dir, logger: silentLogger() });
    await until(() => run.delivery.metrics().rowsWritten >= 10, 15_000, 'new rows');
    await run.stop();
    const after = new Database(dbPath, { readonly: true });
    try {
      expect(after.prepare('SELECT version FROM schema_version').get()).toEqual({ version: 2 });
      expect(after.prepare('SELECT id, name, device, group_name FROM tags ORDER BY id').all()).toEqual([
        { id: 1, name: 'a', device: 'plc', group_name: 'fast' },
        { id: 2, name: 'b', device: 'plc', group_name: 'fast' },
        { id: 3, name: 'c', device: 'plc', group_name: 'fast' },
      ]);
      const old = after.prepare('SELECT collector, tag, COUNT(*) AS n, SUM(value) AS sum FROM tag_values WHERE ts < ? GROUP BY tag ORDER BY tag').all(T0 + 1_000_000);
      expect(old).toEqual([
        { collector: 'line-old', tag: 'a', n: 1000, sum: 499_500 },
        { collector: 'line-old', tag: 'b', n: 1000, sum: -499_500 },
        { collector: 'line-old', tag: 'c', n: 10, sum: 30 },
      ]);
      // New rows continue under the same ids, with the simulator's values.
      expect(after.prepare('SELECT tag_id, MIN(value) AS lo, MAX(value) AS hi FROM tag_data WHERE ts > ? GROUP BY tag_id ORDER BY tag_id').all(T0 + 1_000_000)).toEqual([
        { tag_id: 1, lo: 7, hi: 7 },
        { tag_id: 3, lo: 9, hi: 9 },
      ]);
      expect(after.prepare("SELECT name FROM sqlite_master WHERE name IN ('devices', 'polling_groups', 'config_devices', 'config_groups', 'config_tags') ORDER BY name").pluck().all()).toEqual(['config_devices', 'config_groups', 'config_tags']);
    } finally {
      after.close();
    }
  });

  describe.skipIf(NO_PG)(`PostgreSQL (${NO_PG ? SKIP_REASON : 'JSSCADA_TEST_PG_URL'})`, () => {
    it('refuses to start on a 0.1 database naming `jsscada migrate`; migrate keeps every row; the collector then writes on', async () => {
      const url = PG_URL!;
      const schema = uniqueSchema('mig');
      schemas.push(schema);
      await withClient(url, async (c) => {
        await c.query(`CREATE SCHEMA "${schema}"`);
        await c.query(`SET search_path TO "${schema}"`);
        await c.query(fixture('postgres-schema.sql'));
        await c.query("INSERT INTO tags (tag_id, name, device, group_name, unit) VALUES (1, 'a', 'plc', 'fast', 'bar'), (2, 'b', 'plc', 'fast', NULL), (3, 'c', 'plc', 'fast', NULL)");
        for (const id of [1, 2, 3, 99]) {
          await c.query(`INSERT INTO tag_data (tag_id, ts, value, quality) SELECT ${id}, timestamptz 'epoch' + (${T0} + i * 100) * interval '1 millisecond', i, 0 FROM generate_series(0, 999) AS i`);
        }
      });
      const dir = mkdtempSync(join(tmpdir(), 'jsscada-migpg-'));
      dirs.push(dir);
      const sim = await modbusWith([{ name: 'a', hr: 100, value: 5 }, { name: 'c', hr: 102, value: 9 }]);
      sims.push(sim);
      const sink = { kind: 'postgres', url, schema, poolSize: 1, ssl: false, connectTimeoutMs: 5000, queryTimeoutMs: 30000 };
      writeV1Store(join(dir, 'jsscada.db'), sim.port, sink);

      const refused = await startCollector({ dataDir: dir, logger: silentLogger() }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(Error);
      expect((refused as Error).message).toContain('jsscada migrate');
      expect((refused as Error).message).toContain('0.1 schema');

      const cli = io();
      expect(await main(['migrate', '--data', dir], cli.io)).toBe(0);
      expect(cli.out.join('\n')).toMatch(/migrated .* to schema version 2 in \d+ ms: 4 tags and 4000 rows attributed to collector "line-old"/);
      // Idempotent.
      const again = io();
      expect(await main(['migrate', '--data', dir], again.io)).toBe(0);
      expect(again.out.join('\n')).toContain('nothing to migrate');

      const run = await startCollector({ dataDir: dir, logger: silentLogger() });
      await until(() => run.delivery.metrics().rowsWritten >= 10, 15_000, 'new rows');
      await run.stop();
      await withClient(url, async (c) => {
        await c.query(`SET search_path TO "${schema}"`);
        const tags = (await c.query('SELECT id, device, name, unit FROM tags ORDER BY id')).rows;
        expect(tags).toEqual([
          // Descriptive fields follow the running configuration (which gives 'a' no unit).
          { id: 1, device: 'plc', name: 'a', unit: null },
          { id: 2, device: 'plc', name: 'b', unit: null },
          { id: 3, device: 'plc', name: 'c', unit: null },
          { id: 99, device: '(unknown)', name: 'tag-99', unit: null },
        ]);
        const old = (await c.query(`SELECT collector, tag, count(*)::int AS n, sum(value)::float8 AS sum FROM tag_values WHERE ts < timestamptz 'epoch' + ${T0 + 1_000_000} * interval '1 millisecond' GROUP BY collector, tag ORDER BY tag`)).rows;
        expect(old).toEqual(['a', 'b', 'c', 'tag-99'].map((tag) => ({ collector: 'line-old', tag, n: 1000, sum: 499_500 })));
        const fresh = (await c.query(`SELECT tag_id, min(value) AS lo, max(value) AS hi FROM tag_data WHERE ts > timestamptz 'epoch' + ${T0 + 1_000_000} * interval '1 millisecond' GROUP BY tag_id ORDER BY tag_id`)).rows;
        expect(fresh).toEqual([
          { tag_id: 1, lo: 5, hi: 5 },
          { tag_id: 3, lo: 9, hi: 9 },
        ]);
        expect((await c.query("SELECT to_regclass('tags_v1') IS NOT NULL AS kept")).rows[0]).toEqual({ kept: true });
      });
    });
  });

  it('SQLite store with a separate value file: the store opens as version 2 without touching values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsscada-mig2-'));
    dirs.push(dir);
    const sink = new SqliteSink(join(dir, 'jsscada.db'));
    await sink.open();
    await sink.close();
    const db = new Database(join(dir, 'jsscada.db'), { readonly: true });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('tag_data', 'config_tags')").pluck().all()).toEqual(['config_tags']);
    db.close();
  });
});
