import { SinkError } from '../delivery/sink-error.js';

/**
 * What a PostgreSQL failure means for the batch. By SQLSTATE class (PostgreSQL manual,
 * Appendix A "PostgreSQL Error Codes") or, before the server said anything, by the socket
 * error:
 * - unavailable: the server or the network is away or going away -> retry, then spool;
 * - busy: up, but cannot take us now (too many connections, disk full, deadlock) -> retry;
 * - data: THIS batch holds a value the server refuses -> find the row(s), reject them, commit
 *   the rest (retrying the whole batch would fail forever and block everything behind it);
 * - config: needs a person (credentials, missing database or schema, privileges) -> spool now.
 */
export type PgErrorKind = 'unavailable' | 'busy' | 'data' | 'config' | 'unknown';

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);
// node-postgres reports these without a code.
const TERMINATED = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error/i;

export function classifyPgCode(code: string | undefined, message: string): PgErrorKind {
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    if (code === '57P01' || code === '57P02' || code === '57P03' || code === '57014') return 'unavailable'; // admin/crash shutdown, cannot connect now, statement timeout
    if (code.startsWith('08')) return 'unavailable'; // connection exception
    if (code.startsWith('53') || code === '40001' || code === '40P01' || code === '55P03') return 'busy'; // resources (53300 too many connections), serialization, deadlock, lock
    if (code.startsWith('22') || code.startsWith('23')) return 'data'; // data exception, integrity constraint
    if (code.startsWith('28') || code.startsWith('42') || code === '3D000' || code === '3F000' || code === '25006') return 'config'; // auth, syntax/undefined/privilege, no database/schema, read-only
    return 'unknown';
  }
  if (code && SOCKET_CODES.has(code)) return 'unavailable';
  if (TERMINATED.test(message)) return 'unavailable';
  return 'unknown';
}

export function pgErrorKind(err: unknown): PgErrorKind {
  const e = err as { code?: unknown; message?: unknown } | null;
  return classifyPgCode(typeof e?.code === 'string' ? e.code : undefined, typeof e?.message === 'string' ? e.message : String(err));
}

export function pgDriverCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

/** The SinkError a whole-batch failure becomes (data errors are handled row by row instead). */
export function toSinkError(err: unknown): SinkError {
  if (err instanceof SinkError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = pgDriverCode(err);
  switch (pgErrorKind(err)) {
    case 'unavailable':
      return new SinkError('SINK_UNAVAILABLE', message, true, code, { cause: err });
    case 'busy':
      return new SinkError('SINK_BUSY', message, true, code, { cause: err });
    case 'config':
      return new SinkError('SINK_CONFIG', message, false, code, { cause: err });
    case 'data':
    case 'unknown':
      return new SinkError('SINK_UNKNOWN', message, true, code, { cause: err });
  }
}
