import type { Db } from './database.js';

/**
 * Upgrades of a 0.1 (schema version 1) jsscada.db, in place, each in one transaction.
 *
 * Version 1 kept the configuration in `devices`, `polling_groups` and `tags`, and stored values
 * under the config store's local tag ids. Version 2 renames the config tables (config_*), and
 * gives values a database-owned tag identity (collectors, tags: see values.sql).
 */

function has(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?").get(name) !== undefined;
}

function columns(db: Db, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
}

/** The config tables of a version-1 store get their version-2 names. Nothing else changes; ids stay. */
export function migrateStoreV1(db: Db): boolean {
  if (!has(db, 'devices') || has(db, 'config_devices') || !has(db, 'polling_groups')) return false;
  db.transaction(() => {
    // The old view names the old tables; the value schema creates its own.
    db.exec('DROP VIEW IF EXISTS tag_values');
    db.exec('DROP INDEX IF EXISTS devices_live_name; DROP INDEX IF EXISTS polling_groups_live_name; DROP INDEX IF EXISTS tags_live_name;');
    db.exec('ALTER TABLE devices RENAME TO config_devices');
    db.exec('ALTER TABLE polling_groups RENAME TO config_groups');
    if (has(db, 'tags') && columns(db, 'tags').includes('address')) db.exec('ALTER TABLE tags RENAME TO config_tags');
    db.prepare("INSERT INTO meta(key, value) VALUES ('store.migrated_v1', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(JSON.stringify(Date.now()));
  })();
  return true;
}

/** 1: tag_data keyed by local ids, no identity tables; 2: this release; null: no value tables yet. */
export function valuesVersion(db: Db): number | null {
  if (has(db, 'schema_version')) {
    const row = db.prepare('SELECT version FROM schema_version WHERE id = 1').get() as { version: number } | undefined;
    if (row) return row.version;
  }
  if (has(db, 'tag_data') && !has(db, 'collectors')) return 1;
  return null;
}

export interface ValuesMigration {
  readonly tags: number;
  readonly rows: number;
  /** Rows of an older tag with the same (device, name) moved onto the newest one. */
  readonly merged: number;
  readonly ms: number;
}

/**
 * Version 1 -> 2 for the values of a jsscada.db that also holds its config store (in 0.1 the
 * values were always in jsscada.db). Every tag the store has known (retired ones too) becomes a
 * tag of collector `collectorId` with its old id, so tag_data is not rewritten: its ids already
 * are the new tags' ids. Two old tags with the same (device, name) (a name retired and reused)
 * become one: the older one's rows are moved onto the newer id (UPDATE OR IGNORE: none collide,
 * two ids of one name were never live at once); a row that would collide stays, counted.
 * The caller runs this inside its transaction, after the version-2 DDL and the collector row.
 */
export function migrateValuesV1(db: Db, collectorId: number, now: number): Omit<ValuesMigration, 'ms'> {
  const known = db
    .prepare(
      `SELECT t.id, t.name, t.unit, t.data_type, g.name AS group_name, d.name AS device
       FROM config_tags t JOIN config_groups g ON g.id = t.group_id JOIN config_devices d ON d.id = g.device_id
       ORDER BY t.id DESC`,
    )
    .all() as { id: number; name: string; unit: string | null; data_type: string; group_name: string; device: string }[];
  const keeper = new Map<string, number>();
  const insert = db.prepare('INSERT INTO tags (id, collector_id, device, name, group_name, unit, data_type, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)');
  const move = db.prepare('UPDATE OR IGNORE tag_data SET tag_id = ? WHERE tag_id = ?');
  let merged = 0;
  for (const t of known) {
    const key = `${t.device}\u0000${t.name}`;
    const newer = keeper.get(key);
    if (newer === undefined) {
      keeper.set(key, t.id);
      insert.run(t.id, collectorId, t.device, t.name, t.group_name, t.unit, t.data_type, now, now);
    } else merged += move.run(newer, t.id).changes;
  }
  const rows = (db.prepare('SELECT COUNT(*) AS n FROM tag_data').get() as { n: number }).n;
  return { tags: keeper.size, rows, merged };
}
