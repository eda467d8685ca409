import { SinkError } from '../delivery/sink-error.js';

/**
 * What an Oracle failure means for the batch (node-oracledb NJS-xxx codes, Oracle ORA-nnnnn):
 * retry (the database or network is away or busy), or a person must act (credentials, missing
 * table, privileges). Per-row data errors come back in batchErrors and never reach here.
 */

/** node-oracledb Thin network errors (lib/errors.js: "Oracle Net layer errors start from 500"). */
const NJS_UNAVAILABLE = new Set([
  'NJS-500', // connection closed or broken
  'NJS-501', // connection terminated unexpectedly
  'NJS-503', // connection could not be established (ECONNREFUSED)
  'NJS-510', // connect timed out
  'NJS-511', // refused by the listener
  'NJS-521', // EOF from the server
  'NJS-003', // invalid or closed connection
]);
const NJS_BUSY = new Set([
  'NJS-040', // pool queue timeout: no connection came free in queueTimeout
  'NJS-076', // pool queue is full
]);

const ORA_UNAVAILABLE = new Set([
  28, // your session has been killed
  1033, // initialization or shutdown in progress
  1034, // ORACLE not available
  1089, // immediate shutdown in progress
  1090, // shutdown in progress
  1092, // instance terminated, disconnection forced
  3113, // end-of-file on communication channel
  3114, // not connected
  3135, // connection lost contact
  12170, // connect timeout
  12514, // listener does not know the service (database still starting, or a switchover)
  12528, // listener: all handlers blocked
  12537, // TNS connection closed
  12541, // no listener
  12547, // lost contact
  12570, // packet reader failure
]);
const ORA_BUSY = new Set([
  18, // maximum number of sessions exceeded
  20, // maximum number of processes exceeded
  60, // deadlock
  1653, // unable to extend table (tablespace full)
  1654, // unable to extend index
  12516, // listener could not find an available handler
  12519, // no appropriate service handler
  12520, // no handler for the requested server type
  30036, // unable to extend undo segment
]);
const ORA_CONFIG = new Set([
  942, // table or view does not exist
  904, // invalid identifier
  1017, // invalid username/password
  1031, // insufficient privileges
  1045, // lacks CREATE SESSION
  28000, // account locked
  28001, // password expired
]);

/** ORA number from errorNum, or from an "ORA-03113: ..." message. */
export function oraNumber(err: unknown): number | null {
  const e = err as { errorNum?: unknown; message?: unknown } | null;
  if (typeof e?.errorNum === 'number' && e.errorNum > 0) return e.errorNum;
  const m = typeof e?.message === 'string' ? /ORA-(\d{5})/.exec(e.message) : null;
  return m ? Number(m[1]) : null;
}

export function njsCode(err: unknown): string | null {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (typeof e?.code === 'string' && /^NJS-\d{3}$/.test(e.code)) return e.code;
  const m = typeof e?.message === 'string' ? /^(NJS-\d{3}):/.exec(e.message) : null;
  return m ? m[1]! : null;
}

export function oraCodeText(n: number): string {
  return `ORA-${String(n).padStart(5, '0')}`;
}

export function toOracleSinkError(err: unknown): SinkError {
  if (err instanceof SinkError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const njs = njsCode(err);
  const ora = oraNumber(err);
  const code = njs ?? (ora !== null ? oraCodeText(ora) : ((err as { code?: unknown } | null)?.code as string | undefined) ?? null);
  if ((njs && NJS_UNAVAILABLE.has(njs)) || (ora !== null && ORA_UNAVAILABLE.has(ora))) return new SinkError('SINK_UNAVAILABLE', message, true, code, { cause: err });
  if ((njs && NJS_BUSY.has(njs)) || (ora !== null && ORA_BUSY.has(ora))) return new SinkError('SINK_BUSY', message, true, code, { cause: err });
  if (ora !== null && ORA_CONFIG.has(ora)) return new SinkError('SINK_CONFIG', message, false, code, { cause: err });
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return new SinkError('SINK_UNAVAILABLE', message, true, code, { cause: err }); // ECONNRESET...
  return new SinkError('SINK_UNKNOWN', message, true, code, { cause: err });
}
