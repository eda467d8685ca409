/**
 * A client's outgoing frames: bounded, and when full the oldest frame goes (a monitoring display
 * wants the newest values, not a backlog). Drops are counted, never silent. `take` hands the
 * writer everything queued as one chunk, so a client that catches up does so in one write.
 */
export class LatestWinsQueue<T> {
  private items: T[] = [];
  private waiter: ((chunk: T | null) => void) | null = null;
  private closed = false;
  dropped = 0;
  sent = 0;

  constructor(
    readonly capacity: number,
    /** Several queued frames as one chunk. */
    private readonly join: (items: T[]) => T,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`LatestWinsQueue: capacity must be a positive integer, got ${capacity}`);
  }

  get length(): number {
    return this.items.length;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  push(frame: T): void {
    if (this.closed) return;
    if (this.waiter) {
      const wake = this.waiter;
      this.waiter = null;
      this.sent++;
      wake(frame);
      return;
    }
    if (this.items.length >= this.capacity) {
      this.items.shift();
      this.dropped++;
    }
    this.items.push(frame);
  }

  /** Everything queued as one chunk; waits when empty; null once closed. One taker at a time. */
  take(): Promise<T | null> {
    if (this.items.length > 0) {
      const chunk = this.items.length === 1 ? this.items[0]! : this.join(this.items);
      this.sent += this.items.length;
      this.items = [];
      return Promise.resolve(chunk);
    }
    if (this.closed) return Promise.resolve(null);
    if (this.waiter) throw new Error('LatestWinsQueue: take() while another take() waits');
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** End: a waiting take() gets null; queued frames are dropped (the client is gone or we are stopping). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.items = [];
    const wake = this.waiter;
    this.waiter = null;
    wake?.(null);
  }
}
