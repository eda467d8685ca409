/**
 * Reconnect delays: exponential from `initialMs`, capped at `maxMs`, with jitter so a hundred
 * panels that lost the same server do not all come back in the same millisecond.
 * delay(n) = min(max, initial * 2^(n-1)) scaled into [1 - jitter, 1].
 */
export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  /** 0 = none, 0.5 = up to half of the delay is taken off at random. */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1_000, maxMs: 30_000, jitter: 0.3 };

export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(attempt));
  // 2^30 is far past any cap: keeps the power finite for a connection down for days.
  const base = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(n - 1, 30));
  const jitter = Math.min(1, Math.max(0, options.jitter));
  return Math.round(base * (1 - jitter * random()));
}
