import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { readSecretFile } from '../../config/secrets.js';
import { SinkError } from '../delivery/sink-error.js';

/** The Oracle sink's options, as the config file (or the caller) gives them. */
export interface OracleSinkOptions {
  /** Else env ORACLE_USER / ORACLE_PASSWORD / ORACLE_CONNECT_STRING (a .env file is read too). */
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  /** A file holding the password (read here, at start); else ORACLE_PASSWORD. */
  readonly passwordFile?: string | undefined;
  /** Easy Connect (host:port/service) or a TNS alias. */
  readonly connectString?: string | undefined;
  /** Writer threads, one connection each (default 5). */
  readonly poolSize?: number | undefined;
  /** JSON-lines file for rows Oracle refuses one by one. */
  readonly rejectsPath: string;
  /** Rows per executeMany (default and maximum 500). */
  readonly batchRows?: number | undefined;
  /** How long a writer waits for its connection (NJS-040 after; default 10 s). */
  readonly queueTimeoutMs?: number | undefined;
  /** Limit on each round trip (default 30 s): a hung network fails, not stalls. */
  readonly callTimeoutMs?: number | undefined;
  readonly connectTimeoutS?: number | undefined;
  /** .env file to read (default ./.env); variables already in the environment win. */
  readonly envFile?: string | undefined;
}

/** What a writer gets (workerData). Holds the password: never log it; log describeOracleTarget(). */
export interface OraWorkerSettings {
  readonly user: string;
  readonly password: string;
  readonly connectString: string;
  readonly rejectsPath: string;
  readonly batchRows: number;
  readonly queueTimeoutMs: number;
  readonly callTimeoutMs: number;
  readonly connectTimeoutS: number;
  /** oracle://user@connectString (no password), for messages. */
  readonly target: string;
}

export const MAX_BATCH_ROWS = 500;

/** Settings from options, else the environment, else the .env file. */
export function resolveOracleSettings(options: OracleSinkOptions, env: NodeJS.ProcessEnv = process.env): OraWorkerSettings {
  const file = resolve(options.envFile ?? '.env');
  const dotenv = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  const pick = (value: string | undefined, name: string): string => {
    const v = value ?? env[name] ?? dotenv[name];
    if (!v) throw new SinkError('SINK_CONFIG', `Oracle sink: ${name} is not set (sink config, environment or ${file})`, false);
    return v;
  };
  const user = pick(options.user, 'ORACLE_USER');
  const connectString = pick(options.connectString, 'ORACLE_CONNECT_STRING');
  return {
    user,
    password: pick(options.password ?? (options.passwordFile !== undefined ? readSecretFile(options.passwordFile) : undefined), 'ORACLE_PASSWORD'),
    connectString,
    target: describeOracleTarget({ user, connectString }),
    rejectsPath: options.rejectsPath,
    batchRows: Math.max(1, Math.min(MAX_BATCH_ROWS, options.batchRows ?? MAX_BATCH_ROWS)),
    queueTimeoutMs: options.queueTimeoutMs ?? 10_000,
    callTimeoutMs: options.callTimeoutMs ?? 30_000,
    connectTimeoutS: options.connectTimeoutS ?? 10,
  };
}

export function describeOracleTarget(s: { user: string; connectString: string }): string {
  return `oracle://${s.user}@${s.connectString}`;
}
