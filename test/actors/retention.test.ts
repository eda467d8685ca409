import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { RETENTION_EVERY_MS, RETENTION_FIRST_MS, startRetention } from '../../src/actors/retention.js';
import { silentLogger } from '../../src/log.js';
import { advance } from '../support/sim-time.js';

/** Issue 13: the hourly retention job had no test. */
describe('retention job', () => {
  it('runs 10 s after start, then every hour, never overlapping a slow pass, and not after a stop', async () => {
    const clock = new SimulatedClock();
    const passes: number[] = [];
    let release: (() => void) | null = null;
    const sink = {
      applyRetention: (days: number) => {
        expect(days).toBe(7);
        passes.push(clock.now());
        // The second pass takes half an hour (a large delete): the next waits for it.
        if (passes.length === 2) return new Promise<number>((r) => (release = () => r(5000)));
        return Promise.resolve(0);
      },
    };
    const stop = startRetention(sink, 7, { clock, logger: silentLogger() });
    await advance(clock, RETENTION_FIRST_MS - 1, 1000);
    expect(passes).toEqual([]);
    await advance(clock, 1, 1);
    expect(passes).toEqual([RETENTION_FIRST_MS]);
    await advance(clock, RETENTION_EVERY_MS, 60_000);
    expect(passes).toEqual([RETENTION_FIRST_MS, RETENTION_FIRST_MS + RETENTION_EVERY_MS]);
    await advance(clock, 1_800_000, 60_000);
    release!();
    await advance(clock, 1, 1);
    // An hour after the slow pass ended, not an hour after it started.
    await advance(clock, RETENTION_EVERY_MS, 60_000);
    expect(passes).toHaveLength(3);
    expect(passes[2]! - passes[1]!).toBeGreaterThanOrEqual(1_800_000 + RETENTION_EVERY_MS);
    stop();
    await advance(clock, 3 * RETENTION_EVERY_MS, 600_000);
    expect(passes).toHaveLength(3);
  });

  it('a stop before the first pass cancels it', async () => {
    const clock = new SimulatedClock();
    let passes = 0;
    const stop = startRetention({ applyRetention: () => (passes++, Promise.resolve(0)) }, 1, { clock, logger: silentLogger() });
    stop();
    await advance(clock, RETENTION_FIRST_MS * 2, 1000);
    expect(passes).toBe(0);
  });
});
