import type { LinkOptions } from './types.js';

/** Defaults for the optional link options (the issue: connect 10 s, 3 retries, 500 ms .. 30 s). */
export const LINK_DEFAULTS = {
  connectTimeoutMs: 10_000,
  retries: 3,
  reconnectInitialMs: 500,
  reconnectMaxMs: 30_000,
  concurrency: 1,
} as const;

export type ResolvedLinkOptions = Required<LinkOptions>;

/**
 * Validate once, at creation: a NaN timeout would make a timer fire at once and turn into a
 * reconnect storm, so bad numbers fail loudly with the device and the field.
 */
export function resolveLinkOptions(options: LinkOptions): ResolvedLinkOptions {
  const name = options.name;
  const check = (field: string, value: number, min: number, integer = false): number => {
    if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
      const kind = integer ? 'an integer' : 'a number';
      throw new RangeError(`device link "${name}": ${field} must be ${kind} >= ${min}, got ${String(value)}`);
    }
    return value;
  };
  const reconnectInitialMs = check('reconnectInitialMs', options.reconnectInitialMs ?? LINK_DEFAULTS.reconnectInitialMs, 1);
  return {
    name,
    connectTimeoutMs: check('connectTimeoutMs', options.connectTimeoutMs, 1),
    requestTimeoutMs: check('requestTimeoutMs', options.requestTimeoutMs, 1),
    retries: check('retries', options.retries, 0, true),
    retryDelayMs: check('retryDelayMs', options.retryDelayMs, 0),
    reconnectInitialMs,
    reconnectMaxMs: check('reconnectMaxMs', options.reconnectMaxMs ?? LINK_DEFAULTS.reconnectMaxMs, reconnectInitialMs),
    concurrency: check('concurrency', options.concurrency ?? LINK_DEFAULTS.concurrency, 1, true),
  };
}
