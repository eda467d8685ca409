import type { ClientConfig } from 'pg';
import { readSecretFile } from '../../config/secrets.js';
import { SinkError } from '../delivery/sink-error.js';

/** The postgres sink's options, as the config file (or the caller) gives them. */
export interface PostgresSinkOptions {
  /** postgres://user:password@host:port/db. Else the fields below; else env JSSCADA_PG_URL; else node-postgres's PG* variables. */
  readonly url?: string | undefined;
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  /** A file holding the password (read here, at start). */
  readonly passwordFile?: string | undefined;
  readonly database?: string | undefined;
  readonly ssl?: boolean | undefined;
  /** Schema for the tables (search_path); created if missing. Default public. */
  readonly schema?: string | undefined;
  /** Writer threads, one connection each (default 5). */
  readonly poolSize?: number | undefined;
  /** JSON-lines file for rows the database refuses one by one. */
  readonly rejectsPath: string;
  readonly connectTimeoutMs?: number | undefined;
  /** Client and server side limit on one statement (default 30 s): a hung network fails, not stalls. */
  readonly queryTimeoutMs?: number | undefined;
  /** 'unnest' (default, fast) or 'values' (plain multi-row VALUES, for the benchmark). */
  readonly insertMode?: 'unnest' | 'values' | undefined;
  /** Apply config/postgres/schema.sql at each writer's first connect (default true). */
  readonly applySchema?: boolean | undefined;
}

/** What a writer thread gets (workerData). Holds the password: never log it; log describeTarget(). */
export interface PgWorkerSettings {
  readonly client: ClientConfig;
  readonly schema: string;
  readonly rejectsPath: string;
  readonly insertMode: 'unnest' | 'values';
  readonly applySchema: boolean;
  readonly schemaSqlPath: string;
  /** user@host:port/db (no password), for messages. */
  readonly target: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function resolvePostgresSettings(options: PostgresSinkOptions, schemaSqlPath: string, env: NodeJS.ProcessEnv = process.env): PgWorkerSettings {
  const schema = options.schema ?? 'public';
  if (!IDENT.test(schema)) throw new SinkError('SINK_CONFIG', `postgres schema "${schema}" must be a plain identifier (letters, digits, _)`, false);
  const queryTimeoutMs = options.queryTimeoutMs ?? 30_000;
  const url = options.url ?? env.JSSCADA_PG_URL;
  const password = options.password ?? (options.passwordFile !== undefined ? readSecretFile(options.passwordFile) : undefined);
  const client: ClientConfig = {
    ...(url ? { connectionString: url } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.user !== undefined ? { user: options.user } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(options.database !== undefined ? { database: options.database } : {}),
    ...(options.ssl ? { ssl: true } : {}),
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    query_timeout: queryTimeoutMs,
    statement_timeout: queryTimeoutMs,
    keepAlive: true,
    application_name: 'jsscada',
  };
  return { client, schema, rejectsPath: options.rejectsPath, insertMode: options.insertMode ?? 'unnest', applySchema: options.applySchema ?? true, schemaSqlPath, target: describeTarget(client) };
}

/** user@host:port/db, for logs: the password never appears. */
export function describeTarget(client: ClientConfig): string {
  let user = client.user;
  let host = client.host;
  let port: string | number | undefined = client.port;
  let database = client.database;
  if (client.connectionString) {
    try {
      const u = new URL(client.connectionString);
      user ??= decodeURIComponent(u.username);
      host ??= u.hostname;
      port ??= u.port;
      database ??= u.pathname.replace(/^\//, '');
    } catch {
      return 'postgres://(unparsable url)';
    }
  }
  return `postgres://${user ?? '(PGUSER)'}@${host ?? '(PGHOST)'}:${port || 5432}/${database ?? '(PGDATABASE)'}`;
}
