import { CommError, DeviceError } from '../errors.js';

/** CommError codes the link itself raises (drivers raise their own, e.g. ECONNREFUSED). */
export const LinkErrorCode = {
  /** A job attempt got no reply within requestTimeoutMs. */
  TIMEOUT: 'TIMEOUT',
  /** transport.open did not finish within connectTimeoutMs. */
  CONNECT_TIMEOUT: 'CONNECT_TIMEOUT',
  /** A fresh session was already closed by the peer before any job could use it. */
  CONNECTION_LOST: 'CONNECTION_LOST',
  /** A caller cancelled a job mid-exchange (recorded as the session's error, never thrown). */
  CANCELLED: 'CANCELLED',
  /** The link is in reconnect backoff: the job was not tried. */
  OFFLINE: 'OFFLINE',
  /** The link was closed. */
  CLOSED: 'CLOSED',
} as const;

/**
 * Thrown to callers while the device is in reconnect backoff. Still a CommError (code OFFLINE)
 * so callers that only know CommError treat it as "device unreachable"; the extra fields let
 * the status API say when the link will try again.
 */
export class DeviceOfflineError extends CommError {
  constructor(
    readonly device: string,
    /** Clock ms from which the next connect attempt may start. */
    readonly nextAttemptAt: number,
    now: number,
    cause: unknown,
  ) {
    const why = cause instanceof Error ? ` (${cause.message})` : '';
    const inMs = Math.max(0, Math.round(nextAttemptAt - now));
    super(
      LinkErrorCode.OFFLINE,
      `device "${device}" is offline${why}; next connect attempt at ${isoTime(nextAttemptAt)} (in ${inMs} ms)`,
      { cause },
    );
    this.name = 'DeviceOfflineError';
  }
}

function isoTime(ms: number): string {
  const d = new Date(Math.round(ms));
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

/**
 * Socket-level error codes from node:net / streams. A driver should wrap these in CommError,
 * but one that lets a raw ECONNRESET through must not have it treated as a bug (which would
 * keep a dead session open).
 */
const NET_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENETRESET',
  'ENOTCONN',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_SOCKET_CLOSED',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
]);

/**
 * How the link reacts to a job's error: `comm` closes the session and retries, `device` keeps
 * the session (the device answered), `refused` is a device answer refusing the addresses asked
 * for (the device is fine and stays ONLINE; the read plan isolates the tags), `other` is a bug in the job: reported, nothing else.
 */
export type FailureKind = 'comm' | 'device' | 'refused' | 'other';

export function classifyFailure(err: unknown): FailureKind {
  if (err instanceof DeviceError) return err.addressRefused ? 'refused' : 'device';
  if (err instanceof CommError) return 'comm';
  if (err instanceof Error && 'code' in err && typeof err.code === 'string' && NET_ERROR_CODES.has(err.code)) {
    return 'comm';
  }
  return 'other';
}
