/**
 * SIGHUP re-reads the plant file and applies the difference hot, like a REST edit (issue 14),
 * inside the real Collector and ConfigService on XState's SimulatedClock, so "an untouched
 * group keeps its schedule" is checked to the millisecond: every anchored slot polled, none
 * skipped, none shifted.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from 'xstate';
import { Collector } from '../../src/actors/collector.js';
import { ConfigService } from '../../src/actors/config-service.js';
import { reloadPlantFile } from '../../src/actors/plant-source.js';
import { catchReloadSignal } from '../../src/cli/reload.js';
import { plantHash } from '../../src/io/config/plant-diff.js';
import { writeSourceRecord } from '../../src/io/config/plant-source-record.js';
import { readPlant, writePlant } from '../../src/io/config/store-sql.js';
import { loadPlantFile } from '../../src/io/config/yaml-file.js';
import type { DeviceDriver, ReadPlan } from '../../src/io/driver.js';
import type { ProtocolModule } from '../../src/io/protocol-module.js';
import { createSimProtocol } from '../../src/io/sim/sim-driver.js';
import { applySchema } from '../../src/io/sink/sqlite/database.js';
import { MemorySink } from '../reliability/support/memory.js';
import { memoryLogger } from '../reliability/support/plants.js';
import { advance, settle } from '../support/sim-time.js';

const tmp = mkdtempSync(join(tmpdir(), 'jsscada-reload-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The sim protocol on the simulated clock, recording when each group's read starts (tags are named group.n). */
function recordingProtocol(clock: SimulatedClock, starts: Map<string, number[]>): ProtocolModule {
  const sim = createSimProtocol(clock);
  return {
    ...sim,
    createDriver: (device, ctx) => {
      const inner: DeviceDriver = sim.createDriver(device, ctx);
      return {
        ...inner,
        plan: (tags) => inner.plan(tags),
        read: (plan: ReadPlan, signal?: AbortSignal) => {
          const name = plan.tags[0]!.name;
          const group = name.slice(0, name.indexOf('.'));
          starts.set(group, [...(starts.get(group) ?? []), clock.now()]);
          return inner.read(plan, signal);
        },
        status: () => inner.status(),
        close: () => inner.close(),
      };
    },
  };
}

function yaml(groups: { name: string; intervalMs: number }[]): string {
  return [
    'devices: [{ name: plc, protocol: sim, port: 1 }]',
    'groups:',
    ...groups.map((g) => `  - { name: ${g.name}, device: plc, intervalMs: ${g.intervalMs}, tags: [{ name: ${g.name}.1, address: D1 }, { name: ${g.name}.2, address: D2 }] }`),
    '',
  ].join('\n');
}

describe('SIGHUP reload', () => {
  beforeEach(() => void vi.spyOn(Math, 'random').mockReturnValue(0.5));
  afterEach(() => void vi.restoreAllMocks());

  it('applies an interval change and a new group hot; the untouched group polls every anchored slot, none skipped', async () => {
    const clock = new SimulatedClock();
    clock.set(Date.UTC(2024, 4, 1, 8));
    const file = join(tmp, 'plant.yaml');
    writeFileSync(file, yaml([{ name: 'steady', intervalMs: 200 }, { name: 'changing', intervalMs: 200 }]));
    const db = new Database(':memory:');
    applySchema(db);
    writePlant(db, loadPlantFile(file));
    writeSourceRecord(tmp, { hash: plantHash(readPlant(db).plant), file, by: 'run' });

    const starts = new Map<string, number[]>();
    const log = memoryLogger();
    const collector = new Collector(readPlant(db), { logger: log.logger, clock, sink: new MemorySink(), protocolOf: () => recordingProtocol(clock, starts) });
    const config = new ConfigService({ writer: { writePlant: async (p) => writePlant(db, p) }, reader: db, collector, logger: log.logger });
    const reloads = catchReloadSignal();
    try {
      const t0 = clock.now();
      collector.start();
      await settle();
      await advance(clock, 2_050, 1);

      writeFileSync(file, yaml([{ name: 'steady', intervalMs: 200 }, { name: 'changing', intervalMs: 500 }, { name: 'added', intervalMs: 300 }]));
      const reloaded = new Promise<unknown>((resolve) => reloads.attach(() => reloadPlantFile({ file, dataDir: tmp, configWins: false, config, logger: log.logger }).then(resolve)));
      const tReload = clock.now();
      process.emit('SIGHUP', 'SIGHUP');
      const outcome = (await reloaded) as { summary: string; decision: { action: string } };
      expect(outcome.decision.action).toBe('apply');
      expect(outcome.summary).toBe('devices +0 ~0 -0 =1, groups +1 ~1 -0 =1, tags +2 ~0 -0 =4');
      expect(log.lines().map((l) => l.msg)).toContain('plant file applied: devices +0 ~0 -0 =1, groups +1 ~1 -0 =1, tags +2 ~0 -0 =4');

      await advance(clock, 3_000, 1);
      const end = clock.now();

      // Untouched: poll k at exactly t0 + k * 200 ms, through the reload, no slot missing.
      const steady = starts.get('steady')!;
      expect(steady).toEqual(Array.from({ length: Math.floor((end - t0) / 200) + 1 }, (_, k) => t0 + k * 200));
      expect(collector.groupStatus('steady')!.counters.skippedSlots).toBe(0);
      // Changed: polls 500 ms apart after the reload.
      const after = starts.get('changing')!.filter((t) => t > tReload);
      expect(after.length).toBeGreaterThanOrEqual(5);
      expect(after.slice(1).map((t, i) => t - after[i]!)).toEqual(Array(after.length - 1).fill(500));
      // New: polling every 300 ms since the reload.
      const added = starts.get('added')!;
      expect(added[0]).toBeGreaterThanOrEqual(tReload);
      expect(added.slice(1).map((t, i) => t - added[i]!)).toEqual(Array(added.length - 1).fill(300));
      expect(collector.groupStatuses().map((g) => [g.name, g.intervalMs])).toEqual([
        ['steady', 200],
        ['changing', 500],
        ['added', 300],
      ]);
    } finally {
      reloads.dispose();
      const drain = collector.shutdown({ drainTimeoutMs: 1_000 });
      await advance(clock, 9_000, 10);
      await drain;
      db.close();
    }
  }, 60_000);

  it('a bad file changes nothing and the collector keeps running on what it has', async () => {
    const file = join(tmp, 'bad.yaml');
    writeFileSync(file, 'groups:\n  - { name: g, device: nope, tags: [{ name: t, address: D1 }] }\n');
    const log = memoryLogger();
    let changed = false;
    const config = { current: () => ({ plant: {} }), change: () => ((changed = true), Promise.resolve()) } as unknown as ConfigService;
    const outcome = await reloadPlantFile({ file, dataDir: tmp, configWins: false, config, logger: log.logger });
    expect('error' in outcome).toBe(true);
    expect(changed).toBe(false);
    expect(String(log.lines().at(-1)!.msg)).toMatch(/^reload: .*bad\.yaml:2:.*unknown device "nope".*nothing changed$/s);
  });

  it('a file changed while the store was edited through the API is refused on reload too: nothing changes, the log says both ways out', async () => {
    const dir = mkdtempSync(join(tmp, 'conflict-'));
    const file = join(dir, 'plant.yaml');
    writeFileSync(file, yaml([{ name: 'g', intervalMs: 200 }]));
    const imported = loadPlantFile(file);
    writeSourceRecord(dir, { hash: plantHash(imported), file, by: 'run' });
    // The API changed the interval; then the file gets another change.
    const edited = { ...imported, groups: imported.groups.map((g) => ({ ...g, intervalMs: 300 })) };
    writeFileSync(file, yaml([{ name: 'g', intervalMs: 500 }]));
    const log = memoryLogger();
    let changed = false;
    const config = { current: () => ({ plant: edited }), change: () => ((changed = true), Promise.resolve()) } as unknown as ConfigService;
    const outcome = (await reloadPlantFile({ file, dataDir: dir, configWins: false, config, logger: log.logger })) as { decision: { action: string } };
    expect(outcome.decision.action).toBe('refuse');
    expect(changed).toBe(false);
    const msg = String(log.lines().at(-1)!.msg);
    expect(msg).toContain('jsscada export');
    expect(msg).toContain('--config-wins');
    // With --config-wins given to run, the reload applies the file.
    const wins = (await reloadPlantFile({ file, dataDir: dir, configWins: true, config, logger: log.logger })) as { decision: { action: string } };
    expect(wins.decision.action).toBe('apply');
    expect(changed).toBe(true);
  });

  it('a SIGHUP before the collector runs is remembered and done once it runs, not fatal', async () => {
    const reloads = catchReloadSignal();
    try {
      process.emit('SIGHUP', 'SIGHUP');
      let calls = 0;
      await new Promise<void>((resolve) => reloads.attach(async () => (calls++, resolve())));
      expect(calls).toBe(1);
    } finally {
      reloads.dispose();
    }
  });
});
