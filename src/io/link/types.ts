import type { DeviceState, DeviceStatus } from '../driver.js';

/**
 * The device link: ONE connection per device shared by all its groups, a request queue,
 * connect and request timeouts, retries, reconnect with backoff + jitter, and the
 * device status (ONLINE / OFFLINE / ERROR). Protocol drivers give it a way to open a
 * session and run jobs on it; they never touch reconnect logic themselves.
 */

/** What a protocol gives the link: how to open and close its session (a connected client). */
export interface LinkTransport<S> {
  /** Open a connection. Reject (CommError) when it cannot; honour `signal` (connect timeout). */
  open(signal: AbortSignal): Promise<S>;
  /** Close a session; must not throw. Called after a comm error, on close(), or on timeout. */
  close(session: S): Promise<void>;
  /**
   * True when the session is known dead (socket closed by the peer) so the link reopens it
   * before the next job instead of failing a job first.
   */
  isClosed?(session: S): boolean;
}

export interface LinkOptions {
  /** Device name, for logs and errors. */
  readonly name: string;
  /** Connect timeout (default 10 s). */
  readonly connectTimeoutMs: number;
  /** Timeout of one job attempt (request + reply). */
  readonly requestTimeoutMs: number;
  /** Extra attempts after the first one fails with a comm error (default 3). */
  readonly retries: number;
  /** Wait between attempts. */
  readonly retryDelayMs: number;
  /** Reconnect backoff after all attempts failed: initial, cap (e.g. 500 ms .. 30 s), with jitter. */
  readonly reconnectInitialMs?: number;
  readonly reconnectMaxMs?: number;
  /**
   * How many jobs may run at once on the session. 1 for MC 3E and Modbus via modbus-serial
   * (one request in flight); >1 only for MC 4E with pipelining.
   */
  readonly concurrency?: number;
}

/** A unit of work run on an open session: one request/reply exchange (or a few, for one read plan). */
export type LinkJob<S, T> = (session: S, signal: AbortSignal) => Promise<T>;

export interface DeviceLink<S> {
  /**
   * Queue a job. It runs when a session is open and a slot is free; each attempt gets
   * `requestTimeoutMs` (its signal aborts then). A CommError (or timeout) closes the session,
   * waits retryDelayMs and retries up to `retries` times, reconnecting as needed; a DeviceError
   * (the device answered with an error) is returned at once and the session stays open.
   * While the device is in reconnect backoff, jobs fail fast with a CommError (no queue growth).
   * `signal` cancels the job (removed from the queue, or aborted if running).
   */
  execute<T>(job: LinkJob<S, T>, signal?: AbortSignal): Promise<T>;
  status(): DeviceStatus;
  /** Called once per status change (not every cycle). */
  onStatus(listener: (status: DeviceStatus, previous: DeviceState) => void): () => void;
  /** Jobs waiting + running, for the queue status. */
  queueDepth(): number;
  /** Reject queued jobs, close the session, stop reconnecting. */
  close(): Promise<void>;
}
