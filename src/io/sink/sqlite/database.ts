import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { packageRoot } from '../../../package-root.js';

export type Db = Database.Database;

/**
 * Open the plant database with the settings every connection needs.
 * WAL lets the HTTP layer read while the writer thread writes; busy_timeout rides out the
 * brief lock of a checkpoint instead of failing a batch. synchronous=NORMAL in WAL is
 * durable against a process crash (a power cut can lose the last commits, not corrupt).
 */
export function openDatabase(path: string, options: { readonly?: boolean; busyTimeoutMs?: number } = {}): Db {
  if (!options.readonly) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
  }
  return db;
}

let schemaSql: string | undefined;
/** The DDL shipped in config/sqlite/schema.sql (idempotent). */
export function applySchema(db: Db): void {
  schemaSql ??= readFileSync(join(packageRoot(), 'config', 'sqlite', 'schema.sql'), 'utf8');
  db.exec(schemaSql);
}
