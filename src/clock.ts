import { performance } from 'node:perf_hooks';

/**
 * Time for machines, links and schedules. Production uses the system clock; tests pass
 * XState's SimulatedClock (it has the same three methods), so no test sleeps for real.
 */
export interface Clock {
  /** Milliseconds; monotonic in production so a wall-clock jump never shifts a poll schedule. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/** Wall-clock epoch ms, kept monotonic: anchored once, then advanced by performance.now(). */
const origin = Date.now() - performance.now();

export const systemClock: Clock = {
  now: () => origin + performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as NodeJS.Timeout),
};
