import type { Logger } from 'pino';
import type { Clock } from '../clock.js';

export interface AuthThrottleOptions {
  /** Wrong tokens a client may send within a window (server.authFailureLimit). */
  readonly limit: number;
  /** The window, and how long a client is refused once over the limit (server.authFailureWindowMs). */
  readonly windowMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Clients remembered at most; the oldest are forgotten first (an address flood cannot grow memory). */
  readonly maxClients?: number | undefined;
}

interface Burst {
  /** When the window of this burst started. */
  since: number;
  failures: number;
  /** Refused (429) until then; 0 while not blocked. */
  blockedUntil: number;
  /** Requests answered 429 during the block. */
  refused: number;
}

/**
 * Wrong tokens per remote address: after `limit` failures within `windowMs` the client's requests
 * that need the token are answered 429 until the window has passed again. One warning per burst
 * (when the block starts), so a flood of guesses cannot flood the log either; the token a client
 * sent is never logged. A request with the right token clears the client's count.
 */
export class AuthThrottle {
  private readonly bursts = new Map<string, Burst>();
  private readonly maxClients: number;
  private totals = { failures: 0, refused: 0, blocks: 0 };

  constructor(private readonly options: AuthThrottleOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new Error(`AuthThrottle: limit must be a positive integer, got ${options.limit}`);
    if (!(options.windowMs > 0)) throw new Error(`AuthThrottle: windowMs must be positive, got ${options.windowMs}`);
    this.maxClients = options.maxClients ?? 10_000;
  }

  /** Milliseconds until the client may try again (counted as a refused attempt), or 0. */
  refuse(client: string): number {
    const burst = this.bursts.get(client);
    if (burst === undefined) return 0;
    const left = burst.blockedUntil - this.options.clock.now();
    if (left <= 0) return 0;
    burst.refused++;
    this.totals.refused++;
    return left;
  }

  /** A wrong (or malformed) token from the client. */
  failed(client: string): void {
    const now = this.options.clock.now();
    this.totals.failures++;
    let burst = this.bursts.get(client);
    if (burst === undefined || now - burst.since >= this.options.windowMs) {
      if (burst !== undefined) this.bursts.delete(client); // re-insert: the map stays in age order
      burst = { since: now, failures: 0, blockedUntil: 0, refused: 0 };
      this.remember(client, burst, now);
    }
    burst.failures++;
    if (burst.failures >= this.options.limit && burst.blockedUntil <= now) {
      burst.blockedUntil = now + this.options.windowMs;
      this.totals.blocks++;
      const seconds = Math.round(this.options.windowMs / 100) / 10;
      this.options.logger.warn(
        { client, failures: burst.failures, windowMs: this.options.windowMs, blockedForMs: this.options.windowMs },
        `${burst.failures} wrong API tokens from ${client} within ${seconds} s (server.authFailureLimit): its requests that need the token are answered 429 for ${seconds} s`,
      );
    }
  }

  /** The right token: the client's earlier mistakes are forgiven. */
  succeeded(client: string): void {
    this.bursts.delete(client);
  }

  stats(): { clients: number; blocked: number; failures: number; refused: number; blocks: number } {
    const now = this.options.clock.now();
    let blocked = 0;
    for (const burst of this.bursts.values()) if (burst.blockedUntil > now) blocked++;
    return { clients: this.bursts.size, blocked, ...this.totals };
  }

  private remember(client: string, burst: Burst, now: number): void {
    if (this.bursts.size >= this.maxClients) {
      for (const [key, old] of this.bursts) {
        if (now - old.since >= this.options.windowMs && old.blockedUntil <= now) this.bursts.delete(key);
      }
      // Still full of live bursts: forget the oldest (they are the closest to expiring anyway).
      for (const key of this.bursts.keys()) {
        if (this.bursts.size < this.maxClients) break;
        this.bursts.delete(key);
      }
    }
    this.bursts.set(client, burst);
  }
}
