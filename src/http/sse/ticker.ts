import type { Clock } from '../../clock.js';

/**
 * A repeating timer on the injectable Clock (XState's SimulatedClock in tests). Each tick is
 * scheduled after the previous one ran, so a slow tick never piles up overlapping ones.
 */
export class Ticker {
  private handle: unknown = null;

  constructor(
    private readonly clock: Clock,
    private readonly periodMs: number,
    private readonly tick: () => void,
  ) {
    if (!(periodMs > 0)) throw new Error(`Ticker: period must be positive, got ${periodMs}`);
  }

  get running(): boolean {
    return this.handle !== null;
  }

  start(): void {
    if (this.handle !== null) return;
    this.schedule();
  }

  stop(): void {
    if (this.handle === null) return;
    this.clock.clearTimeout(this.handle);
    this.handle = null;
  }

  private schedule(): void {
    const handle = this.clock.setTimeout(() => {
      this.tick();
      // Only the timer still current reschedules (a tick may have stopped or restarted us).
      if (this.handle === handle) this.schedule();
    }, this.periodMs);
    // A stream timer alone must not keep the process alive (shutdown, tests).
    (handle as { unref?: () => void } | null)?.unref?.();
    this.handle = handle;
  }
}
