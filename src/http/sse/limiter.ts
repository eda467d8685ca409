import { ApiError } from '../errors.js';

/** The cap on SSE clients across all streams (server.maxSseClients). */
export class SseLimiter {
  private count = 0;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`SseLimiter: max must be a positive integer, got ${max}`);
  }

  get active(): number {
    return this.count;
  }

  /** Take a slot or throw the 503 the client sees. Pair with exactly one release(). */
  acquire(): void {
    if (this.count >= this.max) {
      throw new ApiError(503, 'TOO_MANY_STREAMS', `too many live stream clients: ${this.count} of at most ${this.max} are connected (server.maxSseClients); close another stream or raise the limit`, undefined, { 'Retry-After': '5' });
    }
    this.count++;
  }

  release(): void {
    if (this.count > 0) this.count--;
  }
}
