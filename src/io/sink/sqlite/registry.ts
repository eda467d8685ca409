import { claimDecision, refusalMessage, type Claim, type CollectorIdentity } from '../identity/collector-identity.js';
import type { TagRegistration } from '../identity/tag-ref.js';
import { SinkError } from '../delivery/sink-error.js';
import { applyValuesDdlUnchecked, type Db } from './database.js';
import { migrateValuesV1, valuesVersion, type ValuesMigration } from './migrate.js';

export const VALUES_SCHEMA_VERSION = 2;

interface CollectorRow {
  id: number;
  instance_id: string;
  host: string | null;
  last_seen_at: number | null;
  stopped_at: number | null;
}

/**
 * Tag identity in a SQLite value database (see values.sql). Every function runs on the writer
 * thread; several collectors on one host may share the file (sink.path), so each runs in a
 * BEGIN IMMEDIATE transaction: the second writer waits on the lock, never half-sees the first.
 */

/**
 * Create (or check) the schema and take the collector's name. A version-1 file is migrated here,
 * its rows attributed to this collector (0.1 kept values in the collector's own jsscada.db).
 */
export function claim(db: Db, me: CollectorIdentity, now: number, target: string): Claim & { migrated: ValuesMigration | null } {
  let migrated: ValuesMigration | null = null;
  const result = db.transaction((): Claim => {
    const version = valuesVersion(db);
    if (version !== null && version > VALUES_SCHEMA_VERSION) {
      throw new SinkError('SINK_SCHEMA', `${target} has value schema version ${version}, newer than this release understands (${VALUES_SCHEMA_VERSION}): upgrade jsscada`, false);
    }
    // Version 1's tag_data is version 2's: the DDL adds the identity tables beside it, and the
    // migration below gives every old id a tags row (the DDL's version row is replaced by its own).
    applyValuesDdlUnchecked(db);
    const row = db.prepare('SELECT id, instance_id, host, last_seen_at, stopped_at FROM collectors WHERE name = ?').get(me.name) as CollectorRow | undefined;
    let outcome: Claim;
    if (!row) {
      const id = Number(db.prepare('INSERT INTO collectors (name, instance_id, host, version, started_at, last_seen_at) VALUES (?,?,?,?,?,?)').run(me.name, me.instanceId, me.host, me.version, now, now).lastInsertRowid);
      outcome = { collectorId: id, tookOverFrom: null };
    } else {
      const holder = { id: row.id, instanceId: row.instance_id, host: row.host, idleS: row.last_seen_at === null ? null : (now - row.last_seen_at) / 1000, stopped: row.stopped_at !== null };
      const decision = claimDecision(holder, me);
      if (decision === 'refuse') throw new SinkError('SINK_IDENTITY', refusalMessage(holder, me, target), false);
      db.prepare('UPDATE collectors SET instance_id = ?, host = ?, version = ?, started_at = ?, last_seen_at = ?, stopped_at = NULL WHERE id = ?').run(me.instanceId, me.host, me.version, now, now, row.id);
      outcome = { collectorId: row.id, tookOverFrom: decision === 'take-over' ? { instanceId: row.instance_id, host: row.host } : null };
    }
    if (version === 1) {
      const t0 = performance.now();
      const done = migrateValuesV1(db, outcome.collectorId, now);
      migrated = { ...done, ms: performance.now() - t0 };
      db.prepare('INSERT OR REPLACE INTO schema_version (id, version, updated_at, note) VALUES (1, ?, ?, ?)').run(
        VALUES_SCHEMA_VERSION,
        now,
        `migrated from version 1: ${done.tags} tags and ${done.rows} rows attributed to collector "${me.name}"`,
      );
    }
    return outcome;
  }).immediate();
  return { ...result, migrated };
}

/**
 * Register tags; ids in the order given. A renamedFrom moves the old name's identity to the new
 * name (history stays with it) when the new name is not registered yet. A tag whose group is
 * null (known only from a spool row) is created if missing, never overwritten.
 */
export function register(db: Db, collectorId: number, tags: readonly TagRegistration[], now: number): number[] {
  const rename = db.prepare('UPDATE tags SET name = ?, updated_at = ? WHERE collector_id = ? AND device = ? AND name = ? AND NOT EXISTS (SELECT 1 FROM tags WHERE collector_id = ? AND device = ? AND name = ?)');
  const upsert = db.prepare(
    `INSERT INTO tags (collector_id, device, name, group_name, unit, data_type, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)
     ON CONFLICT (collector_id, device, name) DO UPDATE SET group_name = excluded.group_name, unit = excluded.unit, data_type = excluded.data_type, updated_at = excluded.updated_at
     WHERE excluded.group_name IS NOT NULL AND (group_name, unit, data_type) IS NOT (excluded.group_name, excluded.unit, excluded.data_type)`,
  );
  const idOf = db.prepare('SELECT id FROM tags WHERE collector_id = ? AND device = ? AND name = ?').pluck();
  return db
    .transaction(() =>
      tags.map((t) => {
        if (t.renamedFrom) rename.run(t.name, now, collectorId, t.device, t.renamedFrom, collectorId, t.device, t.name);
        upsert.run(collectorId, t.device, t.name, t.group, t.unit, t.dataType, now, now);
        return idOf.get(collectorId, t.device, t.name) as number;
      }),
    )
    .immediate();
}

export function renew(db: Db, collectorId: number, instanceId: string, now: number): boolean {
  return db.prepare('UPDATE collectors SET last_seen_at = ? WHERE id = ? AND instance_id = ?').run(now, collectorId, instanceId).changes === 1;
}

export function release(db: Db, collectorId: number, instanceId: string, now: number): void {
  db.prepare('UPDATE collectors SET stopped_at = ?, last_seen_at = ? WHERE id = ? AND instance_id = ?').run(now, now, collectorId, instanceId);
}
