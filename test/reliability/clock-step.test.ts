import { afterEach, describe, expect, it, vi } from 'vitest';
import { startMcSimulator } from '../../src/io/mc/simulator/index.js';
import { startModbusSimulator } from '../../src/io/modbus/simulator/index.js';
import { keyOf, report, sleep, storedRows, tempDir } from './support/harness.js';
import { closeLater, fillMc, fillModbus, plantOf, startInProcess, wordTags } from './support/plants.js';
import { recordProduced } from './support/produced.js';

/**
 * A fault of the plant PC rather than the PLC: the wall clock is stepped (an NTP correction after
 * a boot without a working RTC, an operator setting the time). Simulated by moving Date.now, which
 * is what a step moves; performance.now (the collector's monotonic clock) does not move.
 */
describe('a wall-clock step on the collector machine', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  // Was a bug, fixed since (this test pins it): batch timestamps come from two clocks. src/io/mc/driver.ts createMcDriver stamps batches
  // with `deps.now ?? Date.now` (the Collector passes no `now`), while the Modbus driver, the sim
  // driver and Collector.readGroup's bad-quality rows use the collector clock (src/clock.ts
  // systemClock: wall time read once at start, then advanced by performance.now). After a step
  // of the wall clock:
  //  - MC rows and Modbus rows polled at the same instant are stored `step` ms apart;
  //  - after a step back, MC rows get (tag, ts) keys already stored; INSERT OR IGNORE drops them
  //    as "duplicates", so real readings vanish with no error (only rowsInserted < rowsWritten).
  // Suggested fix: one time source for every batch, the collector clock (Collector.driverFor
  // passes `now: () => deps.clock.now()` to every driver; the MC driver already accepts it), which
  // is monotonic, so a group's timestamps always increase and never collide.
  it('a 1 s step back loses no value and keeps one time base for MC and Modbus rows', async () => {
    let offset = 0;
    const realNow = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
    const dir = tempDir('clock');
    const mc = closeLater(await startMcSimulator());
    const mb = closeLater(await startModbusSimulator());
    const mcTags = wordTags('m', 20);
    const mbTags = wordTags('r', 20, 0, 'HR');
    fillMc(mc, mcTags);
    fillModbus(mb, mbTags);
    const produced = recordProduced();
    const running = await startInProcess(
      plantOf({
        devices: [
          { name: 'mc', protocol: 'mc3e', port: mc.port },
          { name: 'mb', protocol: 'modbus', port: mb.port },
        ],
        groups: [
          { name: 'gm', device: 'mc', intervalMs: 100, tags: mcTags },
          { name: 'gr', device: 'mb', intervalMs: 100, tags: mbTags },
        ],
      }),
      dir,
    );
    await sleep(1_500);
    offset = -1_000; // the step: the wall clock goes back one second
    await sleep(2_000);
    await running.stop();
    produced.restore();
    const stored = storedRows(running.dbPath);
    const keys = new Set(stored.map((r) => keyOf(r.tagId, r.ts)));
    const lost = produced.rows.filter((r) => !keys.has(keyOf(r.tagId, r.ts))).length + (produced.rows.length - new Set(produced.rows.map((r) => keyOf(r.tagId, r.ts))).size);
    const ids = running.collector.stored.tagIds;
    const mcIds = new Set(mcTags.map((t) => ids.get(t.name)!));
    const lastMc = Math.max(...stored.filter((r) => mcIds.has(r.tagId)).map((r) => r.ts));
    const lastMb = Math.max(...stored.filter((r) => !mcIds.has(r.tagId)).map((r) => r.ts));
    const d = running.delivery.metrics();
    report('wall-clock step back by 1 s', {
      produced: produced.rows.length,
      stored: stored.length,
      readingsLost: lost,
      rowsWritten: d.rowsWritten,
      rowsInserted: d.rowsInserted,
      lastMcMinusLastModbusMs: lastMc - lastMb,
    });
    expect({ lost, timeBaseGapMs: Math.abs(lastMc - lastMb) < 500 ? 'same' : lastMc - lastMb }).toEqual({ lost: 0, timeBaseGapMs: 'same' });
  }, 30_000);
});
