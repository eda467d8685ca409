/**
 * The subset of node-oracledb (v6+, Thin mode: pure JavaScript, no Instant Client, so
 * initOracleClient is never called) that the Oracle sink uses. The sink codes against this
 * interface, so tests can hand it a fake, and the real module is loaded in one place.
 *
 * Drift: the `satisfies` check at the end of this file fails to compile when @types/oracledb
 * (the real driver's types) no longer fits this interface; a run-time shape test
 * (test/io/sink/oracle/driver-shape.test.ts) checks the loaded module too.
 */

/** node-oracledb's DbType objects (oracledb.NUMBER, oracledb.DB_TYPE_BINARY_DOUBLE...). */
export type OracleDbType = number | DbType;

export interface OracleBindDef {
  readonly type: OracleDbType;
  /** Bytes; strings longer than this fail the whole call, so set it to the batch's longest. */
  readonly maxSize?: number;
}

/** One row's error from executeMany({ batchErrors: true }). */
export interface OracleBatchError {
  readonly message: string;
  readonly errorNum?: number | undefined;
  /** The row's index in the call; the types allow it to be missing (then the call fails whole). */
  readonly offset?: number | undefined;
  readonly code?: string | undefined;
}

export interface OracleExecuteManyOptions {
  readonly bindDefs: OracleBindDef[];
  readonly batchErrors: boolean;
  readonly autoCommit: boolean;
}

export interface OracleResult {
  readonly rowsAffected?: number | undefined;
  readonly batchErrors?: OracleBatchError[] | undefined;
  readonly rows?: unknown[] | undefined;
}

export interface OracleConnection {
  /** Per round trip limit in ms (0 = none). */
  callTimeout?: number | undefined;
  executeMany(sql: string, binds: unknown[][], options: OracleExecuteManyOptions): Promise<OracleResult>;
  execute(sql: string, binds?: unknown[], options?: { autoCommit?: boolean }): Promise<OracleResult>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** Back to its pool; drop: true discards it (a broken connection must not be reused). */
  close(options?: { drop?: boolean }): Promise<void>;
}

export interface OraclePoolAttributes {
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  readonly connectString?: string | undefined;
  readonly poolMin: number;
  readonly poolMax: number;
  readonly poolIncrement: number;
  /** ms a getConnection() may wait for the pool's connection (NJS-040 after that). */
  readonly queueTimeout: number;
  /** s to establish a connection. */
  readonly connectTimeout?: number;
  /** s between checks that a checked-out idle connection is alive. */
  readonly poolPingInterval?: number;
}

export interface OraclePool {
  getConnection(): Promise<OracleConnection>;
  close(drainTime?: number): Promise<void>;
}

export interface OracleDriver {
  createPool(attributes: OraclePoolAttributes): Promise<OraclePool>;
  readonly NUMBER: OracleDbType;
  readonly STRING: OracleDbType;
  readonly DB_TYPE_BINARY_DOUBLE: OracleDbType;
}

/** The real node-oracledb module (Thin mode is its default in v6+). */
export async function loadOracleDriver(): Promise<OracleDriver> {
  // A variable specifier: without type declarations a literal import('oracledb') does not compile.
  const specifier = 'oracledb';
  const mod = (await import(specifier)) as { default: OracleDriver };
  return mod.default;
}

import type { DbType } from 'oracledb';
// Compile-time proof that the subset we use (createPool's result, its getConnection() and the
// connection's methods, and the fake built against OracleDriver) matches @types/oracledb.
import type * as OracleDb from 'oracledb';
export const driverFitsTypes = null as unknown as typeof OracleDb satisfies OracleDriver;

/**
 * Option names, not only method names: the interfaces above are ours, and methods are compared
 * bivariantly, so a renamed option (queueTimeout -> queueTimeoutMillis, which the real driver would
 * silently ignore) still type-checked. Each line fails to compile when one of our option objects
 * names a field the real driver's types do not have (test/io/sink/oracle/driver-shape.test.ts).
 */
type Unknown<Ours, Theirs> = Exclude<keyof Ours, keyof Theirs>;
export const poolOptionsKnown: Record<Unknown<OraclePoolAttributes, OracleDb.PoolAttributes>, never> = {};
export const executeManyOptionsKnown: Record<Unknown<OracleExecuteManyOptions, OracleDb.ExecuteManyOptions>, never> = {};
export const bindDefKnown: Record<Unknown<OracleBindDef, OracleDb.BindDefinition>, never> = {};
export const batchErrorKnown: Record<Unknown<OracleBatchError, OracleDb.DBError>, never> = {};
