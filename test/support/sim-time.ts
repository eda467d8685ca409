import { SimulatedClock } from 'xstate';

/** Let promise callbacks (actor done events) run: a few macrotask-free microtask turns. */
export async function settle(turns = 8): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
}

/**
 * Advance a SimulatedClock by `ms` in steps, letting promises settle between steps, so
 * timers created by promise callbacks fire at their exact simulated times.
 */
export async function advance(clock: SimulatedClock, ms: number, stepMs = 1): Promise<void> {
  const end = clock.now() + ms;
  while (clock.now() < end) {
    clock.increment(Math.min(stepMs, end - clock.now()));
    await settle();
  }
}

/** A promise that resolves when the simulated clock reaches now + ms. */
export function clockDelay(clock: SimulatedClock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
