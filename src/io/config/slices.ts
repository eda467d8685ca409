import { performance } from 'node:perf_hooks';

/**
 * Work on 100,000 tags, done on the event loop in slices: a slice runs for at most `budgetMs`,
 * then yields (setImmediate) so timers (FIXED polls), sockets and the writer's replies get their
 * turn. Slicing keeps the objects on the main thread: handing a 100k-tag plant to a worker costs a
 * structured clone, itself a block of several hundred milliseconds.
 */
export const SLICE_BUDGET_MS = 8;

export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A clock for one sliced job: `due()` is true once the current slice has used its budget. */
export class Slicer {
  private started = performance.now();

  constructor(private readonly budgetMs = SLICE_BUDGET_MS) {}

  due(): boolean {
    return performance.now() - this.started >= this.budgetMs;
  }

  /** Yield when the slice is used up (cheap to call on every item). */
  async pause(): Promise<void> {
    if (!this.due()) return;
    await yieldToLoop();
    this.started = performance.now();
  }
}
