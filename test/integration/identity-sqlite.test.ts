import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startCollector, type RunningCollector } from '../../src/app.js';
import { SqliteSink } from '../../src/io/sink/sqlite/sqlite-sink.js';
import { silentLogger } from '../../src/log.js';
import type { ModbusSimulator } from '../../src/io/modbus/simulator/index.js';
import { modbusPlant, modbusWith, until, type SimTag } from './support/sim-plants.js';

/**
 * Tag identity owned by the value database, on SQLite (sink.path: one file that several
 * collectors on a host share). Finding (issue 11): two collectors on one database stored their
 * values under each other's tags, because rows carried each collector's local ids.
 */

const dirs: string[] = [];
const sims: ModbusSimulator[] = [];
const running: RunningCollector[] = [];
afterAll(async () => {
  for (const r of running.splice(0)) await r.stop().catch(() => undefined);
  for (const s of sims.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'jsscada-ident-'));
  dirs.push(d);
  return d;
}

async function start(dataDir: string, collector: string, tags: readonly SimTag[], valuesPath: string, sim?: ModbusSimulator): Promise<{ run: RunningCollector; sim: ModbusSimulator }> {
  const s = sim ?? (await modbusWith(tags));
  if (!sim) sims.push(s);
  const run = await startCollector({ plant: modbusPlant({ collector, port: s.port, tags, sink: { kind: 'sqlite', path: valuesPath } }), dataDir, logger: silentLogger() });
  running.push(run);
  return { run, sim: s };
}

async function stop(run: RunningCollector): Promise<void> {
  running.splice(running.indexOf(run), 1);
  expect(await run.stop()).toEqual({ drained: true, unwritten: 0 });
}

const pollsOk = (r: RunningCollector): number => r.collector.groupStatuses().reduce((n, g) => n + g.counters.pollsOk, 0);

interface Row {
  collector: string;
  device: string;
  tag: string;
  tag_id: number;
  value: number;
  n: number;
}

function byTag(valuesPath: string): Row[] {
  const db = new Database(valuesPath, { readonly: true });
  try {
    return db
      .prepare('SELECT collector, device, tag, tag_id, MIN(value) AS value, MAX(value) AS max, COUNT(*) AS n FROM tag_values GROUP BY tag_id ORDER BY collector, tag')
      .all()
      .map((r) => {
        const row = r as Row & { max: number };
        // Every value of a tag is the one its own simulator holds (min = max).
        expect(row.max, `${row.collector}/${row.tag}`).toBe(row.value);
        const { max: _, ...rest } = row;
        return rest;
      });
  } finally {
    db.close();
  }
}

describe('tag identity on a shared SQLite value database', () => {
  it('keeps two collectors with the same device, tag names and local ids apart', async () => {
    const values = join(tempDir(), 'plant.db');
    const a = await start(tempDir(), 'line-a', [{ name: 't1', hr: 100, value: 1100 }, { name: 't2', hr: 101, value: 1101 }], values);
    const b = await start(tempDir(), 'line-b', [{ name: 't1', hr: 100, value: 2100 }, { name: 't2', hr: 101, value: 2101 }], values);
    await until(() => pollsOk(a.run) >= 10 && pollsOk(b.run) >= 10, 15_000, '10 polls each');
    await stop(a.run);
    await stop(b.run);
    const rows = byTag(values);
    expect(rows.map(({ n: _, tag_id: __, ...r }) => r)).toEqual([
      { collector: 'line-a', device: 'plc', tag: 't1', value: 1100 },
      { collector: 'line-a', device: 'plc', tag: 't2', value: 1101 },
      { collector: 'line-b', device: 'plc', tag: 't1', value: 2100 },
      { collector: 'line-b', device: 'plc', tag: 't2', value: 2101 },
    ]);
    expect(new Set(rows.map((r) => r.tag_id)).size).toBe(4);
  });

  it('refuses a second collector with the same name while the first runs, naming the conflict', async () => {
    const values = join(tempDir(), 'plant.db');
    const tags = [{ name: 't1', hr: 100, value: 7 }];
    const first = await start(tempDir(), 'line-x', tags, values);
    const err = await start(tempDir(), 'line-x', tags, values).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/collector name "line-x" is in use on .*plant\.db by another running collector/);
    expect((err as Error).message).toContain('collector.name');
    await stop(first.run);
  });

  it('maps a re-created data directory back to the same tag ids: history continues', async () => {
    const values = join(tempDir(), 'plant.db');
    const tags = [{ name: 't1', hr: 100, value: 11 }, { name: 't2', hr: 101, value: 12 }];
    const first = await start(tempDir(), 'line-r', tags, values);
    await until(() => pollsOk(first.run) >= 5, 15_000, '5 polls');
    await stop(first.run);
    const before = byTag(values);
    // A new PC: an empty data directory, the same plant file. The old one stopped cleanly, so
    // the name is free at once.
    const second = await start(tempDir(), 'line-r', tags, values, first.sim);
    await until(() => pollsOk(second.run) >= 5, 15_000, '5 polls');
    await stop(second.run);
    const after = byTag(values);
    expect(after.map((r) => [r.tag, r.tag_id])).toEqual(before.map((r) => [r.tag, r.tag_id]));
    expect(after.every((r, i) => r.n > before[i]!.n)).toBe(true);
  });

  it('replays rows spooled before a restart with a changed config under the right tags', async () => {
    const values = join(tempDir(), 'plant.db');
    const dataDir = tempDir();
    const v1: SimTag[] = [
      { name: 't1', hr: 100, value: 101 },
      { name: 't2', hr: 101, value: 202 },
      { name: 't3', hr: 102, value: 303 },
    ];
    const first = await start(dataDir, 'line-s', v1, values);
    await until(() => first.run.delivery.metrics().rowsWritten >= 15, 15_000, 'rows of every tag written');
    const ids = new Map(byTag(values).map((r) => [r.tag, r.tag_id]));
    expect(ids.size).toBe(3);
    // The value database goes away (a lock held by someone else): rows go to the spool.
    const locker = new Database(values);
    locker.exec('BEGIN EXCLUSIVE');
    await until(() => first.run.delivery.metrics().spooledRows >= 30, 30_000, 'rows in the spool');
    await stop(first.run);
    const spooled = first.run.delivery.metrics().spooledRows;
    // New plant file: t2 renamed (history kept), t3 removed, t4 added; then the database is back.
    const v2: SimTag[] = [
      { name: 't1', hr: 100, value: 101 },
      { name: 't2b', hr: 101, value: 202, renamedFrom: 't2' },
      { name: 't4', hr: 103, value: 404 },
    ];
    first.sim.memory.setRegisters('holding', 103, [404]);
    const store = new SqliteSink(join(dataDir, 'jsscada.db'));
    await store.writePlant(modbusPlant({ collector: 'line-s', port: first.sim.port, tags: v2, sink: { kind: 'sqlite', path: values } }));
    await store.close();
    locker.exec('ROLLBACK');
    locker.close();
    const second = await start(dataDir, 'line-s', v2, values, first.sim);
    await until(() => second.run.delivery.metrics().spoolPending.files === 0 && pollsOk(second.run) >= 5, 30_000, 'the spool replayed');
    await stop(second.run);
    expect(second.run.delivery.metrics().replayedRows).toBe(spooled);
    const rows = byTag(values);
    // byTag checked that every row of a tag holds that tag's own value.
    expect(rows.map((r) => [r.tag, r.value])).toEqual([
      ['t1', 101],
      ['t2b', 202],
      ['t3', 303],
      ['t4', 404],
    ]);
    expect(rows.find((r) => r.tag === 't1')!.tag_id).toBe(ids.get('t1'));
    expect(rows.find((r) => r.tag === 't2b')!.tag_id).toBe(ids.get('t2'));
    expect(rows.find((r) => r.tag === 't3')!.tag_id).toBe(ids.get('t3'));
    // t1 was polled in both runs and t3 only in the first: t3's rows are all from before the restart.
    const n = new Map(rows.map((r) => [r.tag, r.n]));
    expect(n.get('t3')!).toBeGreaterThanOrEqual(Math.floor(spooled / 3));
    expect(n.get('t2b')).toBe(n.get('t1'));
  });
});

describe('latest values after a restart', () => {
  it('come from the value database until the first poll, with their stored times', async () => {
    const values = join(tempDir(), 'plant.db');
    const dataDir = tempDir();
    const tags = [{ name: 't1', hr: 100, value: 4321 }];
    const first = await start(dataDir, 'line-l', tags, values);
    await until(() => first.run.delivery.metrics().rowsWritten >= 3, 15_000, 'rows written');
    await stop(first.run);
    const db = new Database(values, { readonly: true });
    const lastTs = (db.prepare('SELECT MAX(ts) AS ts FROM tag_data').get() as { ts: number }).ts;
    db.close();
    // The device is switched off in the configuration (maintenance): nothing is polled after this restart.
    const plant = modbusPlant({ collector: 'line-l', port: first.sim.port, tags, sink: { kind: 'sqlite', path: values } });
    const store = new SqliteSink(join(dataDir, 'jsscada.db'));
    await store.writePlant({ ...plant, devices: plant.devices.map((d) => ({ ...d, enabled: false })) });
    await store.close();
    const run = await startCollector({ dataDir, logger: silentLogger() });
    running.push(run);
    await until(() => (run.collector.latest('plc') ?? []).length > 0, 10_000, 'restored readings');
    expect(run.collector.latest('plc')).toEqual([
      { device: 'plc', group: 'fast', tag: 't1', value: 4321, unit: null, level: 'normal', quality: 'good', timestamp: new Date(lastTs).toISOString() },
    ]);
    await stop(run);
  });
});
