import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay } from '../../../src/io/link/backoff.js';

describe('reconnect backoff (full jitter)', () => {
  it('doubles the ceiling from the initial delay and caps it', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 7, 100, 5000].map((step) => backoffCeiling(step, 500, 30_000));
    expect(ceilings).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000]);
  });

  it('draws uniformly between zero and the ceiling', () => {
    expect(backoffDelay(3, 500, 30_000, () => 0)).toBe(0);
    expect(backoffDelay(3, 500, 30_000, () => 0.5)).toBe(2000);
    expect(backoffDelay(3, 500, 30_000, () => 0.999_999)).toBe(3999);
  });

  it('stays within [0, ceiling] and never exceeds the cap, whatever the step and draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.integer({ min: 0, max: 600_000 }),
        fc.double({ min: -1, max: 2, noNaN: true }),
        (step, initial, extra, r) => {
          const max = initial + extra;
          const ceiling = backoffCeiling(step, initial, max);
          const delay = backoffDelay(step, initial, max, () => r);
          expect(ceiling).toBeGreaterThanOrEqual(initial);
          expect(ceiling).toBeLessThanOrEqual(max);
          expect(backoffCeiling(step + 1, initial, max)).toBeGreaterThanOrEqual(ceiling);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(ceiling);
          expect(Number.isInteger(delay)).toBe(true);
        },
      ),
    );
  });
});
