/**
 * The one error type networked sinks throw, and what Delivery needs to know about it:
 * `retryable` (the database or the network is away: try again, then spool) versus not
 * (a missing table, bad credentials: retrying now is pointless, spool at once and let the
 * periodic probe find out when someone fixed it). Either way the rows are kept.
 */
import { errorMessage } from '../../errors.js';

export type SinkErrorCode =
  /** Connection refused, reset, terminated, timed out, or the server is shutting down. */
  | 'SINK_UNAVAILABLE'
  /** The server is up but refused us for now: too many connections, pool queue timeout. */
  | 'SINK_BUSY'
  /** Credentials, missing table, privileges, bad SQL: needs a person, not a retry. */
  | 'SINK_CONFIG'
  /** The collector's name is held by another running collector on this database (a lease). */
  | 'SINK_IDENTITY'
  /** The database's schema is one this release cannot write to (older: the message names the migration). */
  | 'SINK_SCHEMA'
  /** The sink was closed by us. */
  | 'SINK_CLOSED'
  /** Anything not classified: treated as retryable (a lost value costs more than a retry). */
  | 'SINK_UNKNOWN'
  /** Delivery could not append a failed batch to the spool (disk full): the buffer keeps it. */
  | 'SPOOL_FAILED';

export class SinkError extends Error {
  override readonly name = 'SinkError';
  constructor(
    readonly code: SinkErrorCode,
    message: string,
    readonly retryable: boolean,
    /** The driver's own code (SQLSTATE, ORA-xxxxx, NJS-xxx, ECONNREFUSED), for logs. */
    readonly driverCode: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * An error as it crosses the worker boundary. Structured clone keeps an Error's message but
 * drops its own fields (code, retryable), so workers send this plain object instead.
 */
export interface WireError {
  readonly code: SinkErrorCode;
  readonly message: string;
  readonly retryable: boolean;
  readonly driverCode: string | null;
}

export function toWire(err: SinkError): WireError {
  return { code: err.code, message: err.message, retryable: err.retryable, driverCode: err.driverCode };
}

export function fromWire(wire: WireError): SinkError {
  return new SinkError(wire.code, wire.message, wire.retryable, wire.driverCode);
}

/** Unknown errors count as retryable: giving up early would only move rows to the spool sooner. */
export function isRetryable(err: unknown): boolean {
  return err instanceof SinkError ? err.retryable : true;
}

export function errorText(err: unknown): string {
  if (err instanceof SinkError) return err.driverCode && !err.message.includes(err.driverCode) ? `${err.code} (${err.driverCode}): ${err.message}` : `${err.code}: ${err.message}`;
  return errorMessage(err);
}
