import type { Clock } from '../../clock.js';
import type { SseLimiter, StreamRequester } from './limiter.js';

/** What every stream shares: time, the client cap and the hub tuning. */
export interface StreamDeps {
  readonly clock: Clock;
  readonly limiter: SseLimiter;
  readonly keepAliveMs: number;
  readonly lingerMs: number;
  readonly retryMs: number;
}

/** The request side of opening a stream. */
export interface OpenRequest {
  readonly lastEventId: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Who asks (remote address, token or not); absent in-process. */
  readonly requester?: StreamRequester | undefined;
}

export const STREAM_DEFAULTS = {
  /** Per the issue: a comment every 15 s keeps proxies and NATs from dropping an idle stream. */
  keepAliveMs: 15_000,
  lingerMs: 60_000,
  retryMs: 3_000,
} as const;
