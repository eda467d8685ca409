import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { packageRoot } from '../../../package-root.js';
import { migrateStoreV1, valuesVersion } from './migrate.js';
import { createPrivateFile, PRIVATE_DIR_MODE } from '../../private-files.js';

export type Db = Database.Database;

/**
 * Open the plant database with the settings every connection needs.
 * WAL lets the HTTP layer read while the writer thread writes; busy_timeout rides out the
 * brief lock of a checkpoint instead of failing a batch. synchronous=NORMAL in WAL is
 * durable against a process crash (a power cut can lose the last commits, not corrupt).
 */
export function openDatabase(path: string, options: { readonly?: boolean; busyTimeoutMs?: number } = {}): Db {
  if (!options.readonly) {
    mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
    // SQLite would create it 0644; its -wal and -shm files copy the database file's mode.
    if (path !== ':memory:' && path !== '') createPrivateFile(path);
  }
  let db: Db | undefined;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
    } else db.pragma('schema_version'); // reads the header: a file that is no database fails here, by name
    return db;
  } catch (err) {
    db?.close();
    throw storeOpenError(path, err);
  }
}

const CORRUPT = /^SQLITE_(NOTADB|CORRUPT)/;

/**
 * A store that SQLite cannot read gets a message that names the file and what to do, in one
 * line (it crosses the writer thread as a plain Error, so it carries no class of its own).
 */
export function storeOpenError(path: string, err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !CORRUPT.test(code)) return err;
  const reason = err instanceof Error && err.message !== code ? `${err.message}, ${code}` : code;
  return new Error(
    `${path} is not a readable SQLite database (${reason}): restore it from a backup, or move it aside and start on a fresh data dir ` +
      '(jsscada import PLANT.yaml --data NEWDIR, then jsscada run --data NEWDIR)',
    { cause: err },
  );
}

const sql = new Map<string, string>();
function ddl(file: 'store.sql' | 'values.sql'): string {
  let text = sql.get(file);
  if (text === undefined) sql.set(file, (text = readFileSync(join(packageRoot(), 'config', 'sqlite', file), 'utf8')));
  return text;
}

/** The config store's DDL (config/sqlite/store.sql, idempotent), after renaming a 0.1 store's tables. */
export function applyStoreSchema(db: Db): void {
  migrateStoreV1(db);
  db.exec(ddl('store.sql'));
}

/**
 * The value schema's DDL (config/sqlite/values.sql, idempotent). Never over a version-1 file:
 * its rows carry local ids and must be migrated first (the collector's claim does that).
 */
export function applyValuesDdl(db: Db): void {
  if (valuesVersion(db) === 1) throw new Error('this file holds version-1 values (jsscada 0.1): start the collector on it to migrate them first');
  db.exec(ddl('values.sql'));
}

/** Both, on a fresh file: for tests and benchmarks that want the whole database. */
export function applySchema(db: Db): void {
  applyStoreSchema(db);
  applyValuesDdl(db);
}

export function tableExists(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?").get(name) !== undefined;
}

/** The DDL without the version-1 guard: only for the migration, inside its transaction. */
export function applyValuesDdlUnchecked(db: Db): void {
  db.exec(ddl('values.sql'));
}
