import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { GroupConfig, SinkConfig } from '../io/config/schema.js';
import type { StoredPlant } from '../io/config/store-sql.js';
import { Delivery } from '../io/sink/delivery/delivery.js';
import type { Sink, TagInfo } from '../io/sink/rows.js';
import type { SqliteSink } from '../io/sink/sqlite/sqlite-sink.js';
import { Spool } from '../io/sink/spool/spool.js';

/**
 * The sink the buffer writes to: Delivery (retries, CSV spool under DIR/spool, replay) around
 * the configured database. SQLite's writer thread is both the config store's writer and, with
 * `kind: sqlite`, the value sink.
 */
export async function createDelivery(config: SinkConfig, sqlite: SqliteSink, dataDir: string, deps: { clock: Clock; logger: Logger }): Promise<Delivery> {
  const rejectsPath = join(dataDir, 'rejects', `${config.kind}.jsonl`);
  let inner: Sink;
  switch (config.kind) {
    case 'sqlite':
      inner = sqlite;
      break;
    // Loaded only when configured: a plant on SQLite never loads pg or oracledb (memory).
    case 'postgres': {
      const { PostgresSink } = await import('../io/sink/postgres/postgres-sink.js');
      inner = new PostgresSink({ ...config, rejectsPath });
      break;
    }
    case 'oracle': {
      const { OracleSink } = await import('../io/sink/oracle/oracle-sink.js');
      inner = new OracleSink({ ...config, rejectsPath });
      break;
    }
  }
  return new Delivery(inner, new Spool(join(dataDir, 'spool'), deps), { clock: deps.clock, logger: deps.logger.child({ sink: config.kind }) });
}

/** Per group, what tagInfos made of it last time (a group object is never modified, only replaced). */
const infosOf = new WeakMap<GroupConfig, { readonly tagIds: ReadonlyMap<string, number>; readonly infos: readonly TagInfo[] }>();

/**
 * Names for the networked sinks' dimension table (rows carry only tag ids). Runs on every
 * configuration change: groups that did not change reuse their list, so a one-field edit in a
 * plant of 100,000 tags builds a few objects, not 100,000.
 */
export function tagInfos(stored: StoredPlant): TagInfo[] {
  const out: TagInfo[] = [];
  for (const g of stored.plant.groups) for (const info of groupInfos(g, stored.tagIds)) out.push(info);
  return out;
}

function groupInfos(g: GroupConfig, tagIds: ReadonlyMap<string, number>): readonly TagInfo[] {
  let cached = infosOf.get(g);
  if (!cached || cached.tagIds !== tagIds) {
    const infos: TagInfo[] = [];
    for (const t of g.tags) {
      const id = tagIds.get(t.name);
      if (id !== undefined) infos.push({ id, name: t.name, device: g.device, group: g.name, unit: t.unit ?? null });
    }
    infosOf.set(g, (cached = { tagIds, infos }));
  }
  return cached.infos;
}

/** tagInfos of the groups of a change, built ahead in slices (the collector then finds them ready). */
export async function prepareTagInfos(stored: StoredPlant, pause: () => Promise<void>): Promise<void> {
  for (const g of stored.plant.groups) {
    const cached = infosOf.get(g);
    if (cached && cached.tagIds === stored.tagIds) continue;
    const infos: TagInfo[] = [];
    for (const t of g.tags) {
      const id = stored.tagIds.get(t.name);
      if (id !== undefined) infos.push({ id, name: t.name, device: g.device, group: g.name, unit: t.unit ?? null });
      await pause();
    }
    infosOf.set(g, { tagIds: stored.tagIds, infos });
  }
}
