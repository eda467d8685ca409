import { storeOpenError, type Db } from '../sink/sqlite/database.js';
import type { TagRef } from '../sink/identity/tag-ref.js';
import type { CollectorConfig, DeviceConfig, GroupConfig, PlantConfig, SinkConfig, TagConfig } from './schema.js';
import { collectorSchema, deviceSchema, groupSchema, serverSchema, sinkSchema, tagSchema, type ServerConfig } from './schema.js';
import { hasRedacted, restoreSecrets } from './secrets.js';

/**
 * The configuration tables as plain SQL functions on a connection. Writes run on the
 * writer thread (SQLite allows one writer); reads run anywhere.
 */

/** The plant as stored, with the stable id of every live tag (by tag name, unique in the plant). */
export interface StoredPlant {
  readonly plant: PlantConfig;
  readonly tagIds: ReadonlyMap<string, number>;
}

export interface ImportSummary {
  readonly devices: Counts;
  readonly groups: Counts;
  readonly tags: Counts;
}
interface Counts {
  added: number;
  updated: number;
  retired: number;
}

interface DeviceRow { id: number; name: string; protocol: string; host: string; port: number; enabled: number; options: string }
interface GroupRow { id: number; name: string; device_id: number; mode: string; interval_ms: number; enabled: number; options: string }
interface TagRow { id: number; name: string; group_id: number; address: string; data_type: string; unit: string | null; options: string }

export function isStoreEmpty(db: Db): boolean {
  return named(db, () => storeIsEmpty(db));
}

/** A store found damaged while reading it gets the same message as one that cannot be opened. */
function named<T>(db: Db, read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw storeOpenError(db.name, err);
  }
}

function storeIsEmpty(db: Db): boolean {
  const row = db.prepare('SELECT COUNT(*) AS n FROM config_devices WHERE retired_at IS NULL').get() as { n: number };
  const meta = db.prepare("SELECT COUNT(*) AS n FROM meta WHERE key = 'plant.imported_at'").get() as { n: number };
  return row.n === 0 && meta.n === 0;
}

/** Read the live configuration. Rows are re-validated so a hand-edited table cannot start a bad plant. */
export function readPlant(db: Db): StoredPlant {
  return named(db, () => readStoredPlant(db));
}

function readStoredPlant(db: Db): StoredPlant {
  const devices = db.prepare('SELECT * FROM config_devices WHERE retired_at IS NULL ORDER BY position, id').all() as DeviceRow[];
  const groups = db.prepare('SELECT * FROM config_groups WHERE retired_at IS NULL ORDER BY position, id').all() as GroupRow[];
  const tags = db.prepare('SELECT * FROM config_tags WHERE retired_at IS NULL ORDER BY position, id').all() as TagRow[];
  const deviceName = new Map(devices.map((d) => [d.id, d.name]));
  const tagsByGroup = new Map<number, TagConfig[]>();
  const tagIds = new Map<string, number>();
  for (const t of tags) {
    const tag = tagSchema.parse({ ...JSON.parse(t.options), name: t.name, address: t.address, type: t.data_type, ...(t.unit !== null ? { unit: t.unit } : {}) });
    let list = tagsByGroup.get(t.group_id);
    if (!list) tagsByGroup.set(t.group_id, (list = []));
    list.push(tag);
    tagIds.set(t.name, t.id);
  }
  const plant: PlantConfig = {
    devices: devices.map((d) => deviceSchema.parse({ ...JSON.parse(d.options), name: d.name, protocol: d.protocol, host: d.host, port: d.port, enabled: d.enabled === 1 })),
    groups: groups
      .filter((g) => deviceName.has(g.device_id) && tagsByGroup.has(g.id))
      .map((g) =>
        groupSchema.parse({ ...JSON.parse(g.options), name: g.name, device: deviceName.get(g.device_id), mode: g.mode, intervalMs: g.interval_ms, enabled: g.enabled === 1, tags: tagsByGroup.get(g.id) }),
      ),
    sink: sinkSchema.parse(readMeta(db, 'plant.sink') ?? { kind: 'sqlite' }),
    collector: collectorSchema.parse(readMeta(db, 'plant.collector') ?? {}),
    server: serverSchema.parse(readMeta(db, 'plant.server') ?? {}),
  };
  return { plant, tagIds };
}

function readMeta(db: Db, key: string): unknown {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row ? JSON.parse(row.value) : undefined;
}

function writeMeta(db: Db, key: string, value: unknown): void {
  db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
}

/** Fields kept in the JSON `options` column: everything but the ones with their own column. */
function rest<T extends object, K extends keyof T>(obj: T, keys: readonly K[]): Omit<T, K> {
  const out = { ...obj };
  for (const k of keys) delete out[k];
  return out;
}

/**
 * Make the store hold exactly `plant` (already validated), in one transaction.
 * Rows are matched by name: a tag keeps its id (and its history) across imports and edits;
 * what the plant no longer has is retired, never deleted.
 */
export function writePlant(db: Db, input: PlantConfig, now: number = Date.now()): ImportSummary {
  const summary: ImportSummary = { devices: zero(), groups: zero(), tags: zero() };
  const plant = withStoredSecrets(db, input, 'store');
  db.transaction(() => {
    const deviceIds = syncDevices(db, plant.devices, now, summary.devices);
    const groupIds = syncGroups(db, plant.groups, deviceIds, now, summary.groups);
    syncTags(db, plant.groups, groupIds, now, summary.tags);
    writeMeta(db, 'plant.sink', plant.sink satisfies SinkConfig);
    writeMeta(db, 'plant.collector', plant.collector satisfies CollectorConfig);
    writeMeta(db, 'plant.server', plant.server satisfies ServerConfig);
    writeMeta(db, 'plant.imported_at', now);
  })();
  return summary;
}

/**
 * A plant from an export shows its secrets as the redaction marker: they are taken from what
 * the store holds at the same place (devices by name, the sink, the server), or refused naming
 * the field. Only the parts that can hold secrets are compared (not 100,000 tags).
 */
export function withStoredSecrets(db: Db, plant: PlantConfig, source: string): PlantConfig {
  const parts = { devices: plant.devices, sink: plant.sink, server: plant.server };
  if (!hasRedacted(parts)) return plant;
  const devices = (db.prepare('SELECT name, options FROM config_devices WHERE retired_at IS NULL').all() as { name: string; options: string }[]).map((d) => ({ ...(JSON.parse(d.options) as object), name: d.name }));
  const stored = { devices, sink: readMeta(db, 'plant.sink'), server: readMeta(db, 'plant.server') };
  return { ...plant, ...restoreSecrets(parts, stored, source) };
}

/** What writePlantChanges did to the tags, for the caller's tag id map. */
export interface PlantChanges {
  readonly summary: ImportSummary;
  /** Tags inserted: names and their new ids (same order). */
  readonly added: { readonly names: string[]; readonly ids: number[] };
  /** Names of the tags retired. */
  readonly retired: string[];
}

/**
 * writePlant for a running collector's edits: the same end state, but the tags of the groups
 * named in `unchanged` are neither sent nor touched, and a tag row is written only when it
 * differs. A one-field PATCH on a plant of 100,000 tags then writes one row, not 100,000.
 * Tag positions count within their group (readPlant orders by position inside each group).
 */
export function writePlantChanges(db: Db, input: PlantConfig, unchanged: ReadonlySet<string>, now: number = Date.now()): PlantChanges {
  const summary: ImportSummary = { devices: zero(), groups: zero(), tags: zero() };
  const plant = withStoredSecrets(db, input, 'store');
  const added = { names: [] as string[], ids: [] as number[] };
  const retired: string[] = [];
  db.transaction(() => {
    const deviceIds = syncDevices(db, plant.devices, now, summary.devices);
    const groupIds = syncGroups(db, plant.groups, deviceIds, now, summary.groups);
    const keepGroups = new Set<number>();
    for (const name of unchanged) {
      const id = groupIds.get(name);
      if (id !== undefined) keepGroups.add(id);
    }
    // Only the rows of the groups that changed (and of groups no longer there): a tag cannot
    // leave an unchanged group, whose tag list is by definition the same.
    const keep = [...keepGroups];
    const rows = db
      .prepare(`SELECT id, name, group_id, address, data_type, unit, options, position FROM config_tags WHERE retired_at IS NULL${keep.length > 0 ? ` AND group_id NOT IN (${keep.map(() => '?').join(',')})` : ''}`)
      .all(...keep) as (TagRow & { position: number })[];
    const live = new Map<string, TagRow & { position: number }>();
    for (const row of rows) live.set(row.name, row);
    const update = db.prepare('UPDATE config_tags SET group_id=?, address=?, data_type=?, unit=?, options=?, position=?, updated_at=? WHERE id=?');
    const insert = db.prepare('INSERT INTO config_tags(name, group_id, address, data_type, unit, options, position, updated_at) VALUES (?,?,?,?,?,?,?,?)');
    for (const g of plant.groups) {
      if (unchanged.has(g.name)) continue;
      const groupId = groupIds.get(g.name)!;
      g.tags.forEach((t, position) => {
        const options = JSON.stringify(rest(t, ['name', 'address', 'type', 'unit']));
        const unit = t.unit ?? null;
        const row = live.get(t.name);
        if (row) {
          live.delete(t.name);
          if (row.group_id === groupId && row.address === t.address && row.data_type === t.type && row.unit === unit && row.options === options && row.position === position) return;
          update.run(groupId, t.address, t.type, unit, options, position, now, row.id);
          summary.tags.updated++;
        } else {
          added.names.push(t.name);
          added.ids.push(Number(insert.run(t.name, groupId, t.address, t.type, unit, options, position, now).lastInsertRowid));
          summary.tags.added++;
        }
      });
    }
    const left = new Map([...live.values()].map((r) => [r.name, r.id]));
    retired.push(...left.keys());
    summary.tags.retired = retire(db, 'config_tags', left, now);
    writeMeta(db, 'plant.sink', plant.sink satisfies SinkConfig);
    writeMeta(db, 'plant.collector', plant.collector satisfies CollectorConfig);
    writeMeta(db, 'plant.server', plant.server satisfies ServerConfig);
    writeMeta(db, 'plant.imported_at', now);
  })();
  return { summary, added, retired };
}

function zero(): Counts {
  return { added: 0, updated: 0, retired: 0 };
}

function syncDevices(db: Db, devices: readonly DeviceConfig[], now: number, counts: Counts): Map<string, number> {
  const live = new Map((db.prepare('SELECT id, name FROM config_devices WHERE retired_at IS NULL').all() as { id: number; name: string }[]).map((r) => [r.name, r.id]));
  const update = db.prepare('UPDATE config_devices SET protocol=?, host=?, port=?, enabled=?, options=?, position=?, updated_at=? WHERE id=?');
  const insert = db.prepare('INSERT INTO config_devices(name, protocol, host, port, enabled, options, position, updated_at) VALUES (?,?,?,?,?,?,?,?)');
  const ids = new Map<string, number>();
  devices.forEach((d, position) => {
    const options = JSON.stringify(rest(d, ['name', 'protocol', 'host', 'port', 'enabled']));
    const id = live.get(d.name);
    if (id !== undefined) {
      update.run(d.protocol, d.host, d.port, d.enabled ? 1 : 0, options, position, now, id);
      counts.updated++;
      ids.set(d.name, id);
      live.delete(d.name);
    } else {
      ids.set(d.name, Number(insert.run(d.name, d.protocol, d.host, d.port, d.enabled ? 1 : 0, options, position, now).lastInsertRowid));
      counts.added++;
    }
  });
  counts.retired = retire(db, 'config_devices', live, now);
  return ids;
}

function syncGroups(db: Db, groups: readonly GroupConfig[], deviceIds: Map<string, number>, now: number, counts: Counts): Map<string, number> {
  const live = new Map((db.prepare('SELECT id, name FROM config_groups WHERE retired_at IS NULL').all() as { id: number; name: string }[]).map((r) => [r.name, r.id]));
  const update = db.prepare('UPDATE config_groups SET device_id=?, mode=?, interval_ms=?, enabled=?, options=?, position=?, updated_at=? WHERE id=?');
  const insert = db.prepare('INSERT INTO config_groups(name, device_id, mode, interval_ms, enabled, options, position, updated_at) VALUES (?,?,?,?,?,?,?,?)');
  const ids = new Map<string, number>();
  groups.forEach((g, position) => {
    const deviceId = deviceIds.get(g.device);
    if (deviceId === undefined) throw new Error(`group "${g.name}" names unknown device "${g.device}"`);
    const options = JSON.stringify(rest(g, ['name', 'device', 'mode', 'intervalMs', 'enabled', 'tags']));
    const id = live.get(g.name);
    if (id !== undefined) {
      update.run(deviceId, g.mode, g.intervalMs, g.enabled ? 1 : 0, options, position, now, id);
      counts.updated++;
      ids.set(g.name, id);
      live.delete(g.name);
    } else {
      ids.set(g.name, Number(insert.run(g.name, deviceId, g.mode, g.intervalMs, g.enabled ? 1 : 0, options, position, now).lastInsertRowid));
      counts.added++;
    }
  });
  counts.retired = retire(db, 'config_groups', live, now);
  return ids;
}

function syncTags(db: Db, groups: readonly GroupConfig[], groupIds: Map<string, number>, now: number, counts: Counts): void {
  const live = new Map((db.prepare('SELECT id, name FROM config_tags WHERE retired_at IS NULL').all() as { id: number; name: string }[]).map((r) => [r.name, r.id]));
  const update = db.prepare('UPDATE config_tags SET group_id=?, address=?, data_type=?, unit=?, options=?, position=?, updated_at=? WHERE id=?');
  const insert = db.prepare('INSERT INTO config_tags(name, group_id, address, data_type, unit, options, position, updated_at) VALUES (?,?,?,?,?,?,?,?)');
  let position = 0;
  for (const g of groups) {
    const groupId = groupIds.get(g.name)!;
    for (const t of g.tags) {
      const options = JSON.stringify(rest(t, ['name', 'address', 'type', 'unit']));
      const id = live.get(t.name);
      if (id !== undefined) {
        update.run(groupId, t.address, t.type, t.unit ?? null, options, position, now, id);
        counts.updated++;
        live.delete(t.name);
      } else {
        insert.run(t.name, groupId, t.address, t.type, t.unit ?? null, options, position, now);
        counts.added++;
      }
      position++;
    }
  }
  counts.retired = retire(db, 'config_tags', live, now);
}

function retire(db: Db, table: 'config_devices' | 'config_groups' | 'config_tags', left: Map<string, number>, now: number): number {
  const stmt = db.prepare(`UPDATE ${table} SET retired_at = ? WHERE id = ?`);
  for (const id of left.values()) stmt.run(now, id);
  return left.size;
}

/**
 * Every tag this store has known, retired ones too, with its device and group as last
 * configured: rows of an earlier run (a version-1 spool file) name tags by these ids.
 */
export function readAllTagRefs(db: Db): TagRef[] {
  const rows = db
    .prepare(
      `SELECT t.id, t.name, t.unit, t.data_type, g.name AS group_name, d.name AS device
       FROM config_tags t JOIN config_groups g ON g.id = t.group_id JOIN config_devices d ON d.id = g.device_id`,
    )
    .all() as { id: number; name: string; unit: string | null; data_type: string; group_name: string; device: string }[];
  return rows.map((r) => ({ localId: r.id, device: r.device, name: r.name, group: r.group_name, unit: r.unit, dataType: r.data_type, renamedFrom: null }));
}
