import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCollector, type RunningCollector } from '../../src/app.js';
import { silentLogger } from '../../src/log.js';
import type { ModbusSimulator } from '../../src/io/modbus/simulator/index.js';
import { fakeOracle } from '../io/sink/oracle/fake-oracledb.js';
import { modbusPlant, modbusWith, until, type SimTag } from './support/sim-plants.js';

/**
 * Many collectors, one Oracle database, against the typed fake (no Oracle server can run here;
 * the fake is checked against @types/oracledb: see src/io/sink/oracle/driver.ts).
 */

const dirs: string[] = [];
const sims: ModbusSimulator[] = [];
afterAll(async () => {
  for (const s of sims.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('many collectors, one Oracle database (typed fake)', () => {
  it('three collectors with the same device, tag names and local ids: every row under its own collector\'s tag, rows per tag = polls', async () => {
    const db = fakeOracle();
    const plants = await Promise.all(
      ['line-1', 'line-2', 'line-3'].map(async (name, i) => {
        const tags: SimTag[] = [
          { name: 't1', hr: 100, value: (i + 1) * 1000 + 100 },
          { name: 't2', hr: 101, value: (i + 1) * 1000 + 101 },
        ];
        const sim = await modbusWith(tags);
        sims.push(sim);
        const dir = mkdtempSync(join(tmpdir(), 'jsscada-ora-multi-'));
        dirs.push(dir);
        const plant = modbusPlant({ collector: name, port: sim.port, tags, sink: { kind: 'oracle', user: 'scada', password: 'pw', connectString: 'fake:1521/X', poolSize: 2 } });
        return { name, tags, plant, dir };
      }),
    );
    const running: RunningCollector[] = await Promise.all(plants.map((p) => startCollector({ plant: p.plant, dataDir: p.dir, logger: silentLogger(), oracleDriver: db })));
    try {
      await until(() => running.every((r) => r.delivery.metrics().rowsWritten >= 60), 30_000, '30 polls each');
    } finally {
      for (const r of running) expect(await r.stop()).toEqual({ drained: true, unwritten: 0 });
    }
    for (const [i, p] of plants.entries()) {
      const collectorId = [...db.collectors.entries()].find(([, c]) => c.name === p.name)![0];
      const polls = running[i]!.collector.groupStatuses()[0]!.counters.pollsOk;
      for (const t of p.tags) {
        const tagId = [...db.tags.entries()].find(([, row]) => row.collectorId === collectorId && row.device === 'plc' && row.name === t.name)![0];
        const rows = db.rows.filter((r) => r.tagId === tagId);
        expect(rows.length, `${p.name}/${t.name}`).toBe(polls);
        expect(new Set(rows.map((r) => r.value)), `${p.name}/${t.name}`).toEqual(new Set([t.value]));
      }
    }
    expect(db.tags.size).toBe(6);
    expect(db.rows.length).toBe(running.reduce((n, r) => n + r.delivery.metrics().rowsInserted, 0));
  });
});
