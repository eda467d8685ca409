import type pg from 'pg';
import { claimDecision, refusalMessage, type Claim, type CollectorIdentity } from '../identity/collector-identity.js';
import type { TagRef, TagRegistration } from '../identity/tag-ref.js';
import { SinkError } from '../delivery/sink-error.js';

/**
 * Tag identity in the central PostgreSQL database (config/postgres/schema.sql): claims, tag
 * registration, leases, and the version-1 migration. Times are the database's (now()), so the
 * collectors' clocks never decide a lease.
 */

export const PG_SCHEMA_VERSION = 2;

/** Text array literal elements, quoted (node-postgres's serializer would do it per element anyway). */
function textArray(items: readonly (string | null)[]): string {
  return `{${items.map((s) => (s === null ? 'NULL' : `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`)).join(',')}}`;
}

/**
 * The schema version of the database in the current search_path: null = nothing yet,
 * 1 = the 0.1 release (tags keyed by a collector's local tag_id, no schema_version).
 */
export async function schemaVersion(c: pg.Client): Promise<number | null> {
  const r = await c.query<{ sv: boolean; tags: boolean }>("SELECT to_regclass('schema_version') IS NOT NULL AS sv, to_regclass('tags') IS NOT NULL AS tags");
  const { sv, tags } = r.rows[0]!;
  if (sv) {
    const v = await c.query<{ version: number }>('SELECT version FROM schema_version WHERE id = 1');
    if (v.rows[0]) return v.rows[0].version;
  }
  if (tags) {
    const cols = await c.query("SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'tags' AND column_name = 'tag_id'");
    if (cols.rowCount) return 1;
  }
  return null;
}

export function versionRefusal(version: number, target: string): SinkError {
  if (version < PG_SCHEMA_VERSION) {
    return new SinkError(
      'SINK_SCHEMA',
      `${target} holds the jsscada 0.1 schema (version ${version}: tag ids local to one collector). ` +
        `Run \`jsscada migrate --data DIR\` once, from the collector whose values these are (its data directory): ` +
        `the tags and rows are attributed to that collector and kept.`,
      false,
    );
  }
  return new SinkError('SINK_SCHEMA', `${target} has schema version ${version}, newer than this release understands (${PG_SCHEMA_VERSION}): upgrade jsscada`, false);
}

interface HolderRow {
  id: number;
  instance_id: string;
  host: string | null;
  idle_s: number | null;
  stopped: boolean;
}

/** Take the name (in one transaction, the row locked): see claimDecision. */
export async function claimCollector(c: pg.Client, me: CollectorIdentity, target: string): Promise<Claim> {
  await c.query('BEGIN');
  try {
    const claim = await claimInTransaction(c, me, target);
    await c.query('COMMIT');
    return claim;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** The claim's statements, inside the caller's transaction. */
export async function claimInTransaction(c: pg.Client, me: CollectorIdentity, target: string): Promise<Claim> {
  await c.query('INSERT INTO collectors (name, instance_id, host, version, started_at, last_seen_at) VALUES ($1, $2, $3, $4, now(), now()) ON CONFLICT (name) DO NOTHING', [me.name, me.instanceId, me.host, me.version]);
  const r = await c.query<HolderRow>(
    'SELECT id, instance_id, host, extract(epoch FROM now() - last_seen_at)::float8 AS idle_s, stopped_at IS NOT NULL AS stopped FROM collectors WHERE name = $1 FOR UPDATE',
    [me.name],
  );
  const row = r.rows[0]!;
  const holder = { id: row.id, instanceId: row.instance_id, host: row.host, idleS: row.idle_s, stopped: row.stopped };
  const decision = claimDecision(holder, me);
  if (decision === 'refuse') throw new SinkError('SINK_IDENTITY', refusalMessage(holder, me, target), false);
  await c.query('UPDATE collectors SET instance_id = $2, host = $3, version = $4, started_at = now(), last_seen_at = now(), stopped_at = NULL WHERE id = $1', [row.id, me.instanceId, me.host, me.version]);
  return { collectorId: row.id, tookOverFrom: decision === 'take-over' ? { instanceId: row.instance_id, host: row.host } : null };
}

const RENAME = `UPDATE tags t SET name = u.name, updated_at = now()
FROM unnest($2::text[], $3::text[], $4::text[]) AS u(device, name, old)
WHERE t.collector_id = $1 AND t.device = u.device AND t.name = u.old
  AND NOT EXISTS (SELECT 1 FROM tags x WHERE x.collector_id = $1 AND x.device = u.device AND x.name = u.name)`;

// group_name NULL = a tag known only from a spool row: created if missing, never overwrites.
const UPSERT = `INSERT INTO tags (collector_id, device, name, group_name, unit, data_type)
SELECT $1, u.device, u.name, u.group_name, u.unit, u.data_type
FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(device, name, group_name, unit, data_type)
ON CONFLICT (collector_id, device, name) DO UPDATE
  SET group_name = EXCLUDED.group_name, unit = EXCLUDED.unit, data_type = EXCLUDED.data_type, updated_at = now()
  WHERE EXCLUDED.group_name IS NOT NULL
    AND (tags.group_name, tags.unit, tags.data_type) IS DISTINCT FROM (EXCLUDED.group_name, EXCLUDED.unit, EXCLUDED.data_type)`;

const IDS = `SELECT t.id, u.ord FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS u(device, name, ord)
JOIN tags t ON t.collector_id = $1 AND t.device = u.device AND t.name = u.name`;

/** Register tags (one transaction); ids in the order given. ON CONFLICT makes concurrent starts race-free. */
export async function registerTags(c: pg.Client, collectorId: number, tags: readonly TagRegistration[]): Promise<number[]> {
  if (tags.length === 0) return [];
  const devices = textArray(tags.map((t) => t.device));
  const names = textArray(tags.map((t) => t.name));
  await c.query('BEGIN');
  try {
    const renamed = tags.filter((t) => t.renamedFrom);
    if (renamed.length > 0) await c.query(RENAME, [collectorId, textArray(renamed.map((t) => t.device)), textArray(renamed.map((t) => t.name)), textArray(renamed.map((t) => t.renamedFrom))]);
    await c.query(UPSERT, [collectorId, devices, names, textArray(tags.map((t) => t.group)), textArray(tags.map((t) => t.unit)), textArray(tags.map((t) => t.dataType))]);
    const r = await c.query<{ id: number; ord: string }>(IDS, [collectorId, devices, names]);
    await c.query('COMMIT');
    const ids = new Array<number>(tags.length);
    for (const row of r.rows) ids[Number(row.ord) - 1] = row.id;
    if (ids.some((id) => id === undefined)) throw new SinkError('SINK_UNKNOWN', 'tag registration returned fewer ids than tags', true);
    return ids;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

export async function renewLease(c: pg.Client, collectorId: number, instanceId: string): Promise<boolean> {
  const r = await c.query('UPDATE collectors SET last_seen_at = now() WHERE id = $1 AND instance_id = $2', [collectorId, instanceId]);
  return r.rowCount === 1;
}

export async function releaseLease(c: pg.Client, collectorId: number, instanceId: string): Promise<void> {
  await c.query('UPDATE collectors SET stopped_at = now(), last_seen_at = now() WHERE id = $1 AND instance_id = $2', [collectorId, instanceId]);
}

export interface PgMigration {
  readonly tags: number;
  readonly rows: number;
  readonly merged: number;
  readonly unnamed: number;
  readonly ms: number;
}

/**
 * Version 1 -> 2, in place, in ONE transaction (the caller holds the schema lock and runs the
 * v2 DDL inside it). Version 1's `tags` (tag_id = a collector's local id) is renamed tags_v1 and
 * kept; every tag the migrating collector's store has known (`known`, retired ones too) becomes a
 * tag of that collector with its old id, so tag_data is not rewritten. Names only tags_v1 has are
 * kept too; ids that neither names get a placeholder tag ("tag-<id>" on device "(unknown)"), so no
 * row loses its way. Two ids of one (device, name) become one: the older's rows move to the newer.
 */
export async function migrateV1(c: pg.Client, collectorId: number, known: readonly TagRef[]): Promise<Omit<PgMigration, 'ms'>> {
  const v1 = await c.query<{ tag_id: number; name: string; device: string; group_name: string; unit: string | null }>('SELECT tag_id, name, device, group_name, unit FROM tags_v1');
  const byId = new Map<number, { device: string; name: string; group: string | null; unit: string | null; dataType: string | null }>();
  for (const r of v1.rows) byId.set(r.tag_id, { device: r.device, name: r.name, group: r.group_name, unit: r.unit, dataType: null });
  for (const k of known) if (k.localId > 0) byId.set(k.localId, { device: k.device, name: k.name, group: k.group, unit: k.unit, dataType: k.dataType });
  const used = await c.query<{ tag_id: number }>('SELECT DISTINCT tag_id FROM tag_data');
  let unnamed = 0;
  for (const r of used.rows) {
    if (!byId.has(r.tag_id)) {
      byId.set(r.tag_id, { device: '(unknown)', name: `tag-${r.tag_id}`, group: null, unit: null, dataType: null });
      unnamed++;
    }
  }
  const keeper = new Map<string, number>();
  let merged = 0;
  for (const id of [...byId.keys()].sort((a, b) => b - a)) {
    const t = byId.get(id)!;
    const key = `${t.device}\u0000${t.name}`;
    const newer = keeper.get(key);
    if (newer === undefined) {
      keeper.set(key, id);
      await c.query('INSERT INTO tags (id, collector_id, device, name, group_name, unit, data_type) VALUES ($1, $2, $3, $4, $5, $6, $7)', [id, collectorId, t.device, t.name, t.group, t.unit, t.dataType]);
    } else {
      const moved = await c.query('UPDATE tag_data d SET tag_id = $1 WHERE tag_id = $2 AND NOT EXISTS (SELECT 1 FROM tag_data x WHERE x.tag_id = $1 AND x.ts = d.ts)', [newer, id]);
      merged += moved.rowCount ?? 0;
    }
  }
  // Identity columns do not follow explicit ids: new tags start above the migrated ones.
  await c.query("SELECT setval(pg_get_serial_sequence('tags', 'id'), GREATEST((SELECT max(id) FROM tags), 1))");
  const rows = await c.query<{ n: string }>('SELECT count(*) AS n FROM tag_data');
  return { tags: keeper.size, rows: Number(rows.rows[0]!.n), merged, unnamed };
}
