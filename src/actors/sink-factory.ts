import { join } from 'node:path';
import { sinkFilePath } from '../io/config/sink-path.js';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { GroupConfig, SinkConfig } from '../io/config/schema.js';
import type { StoredPlant } from '../io/config/store-sql.js';
import { Delivery } from '../io/sink/delivery/delivery.js';
import { CentralSink } from '../io/sink/identity/central-sink.js';
import type { CentralStore } from '../io/sink/identity/central-store.js';
import type { CollectorIdentity } from '../io/sink/identity/collector-identity.js';
import type { TagCatalog } from '../io/sink/identity/tag-catalog.js';
import type { TagRef } from '../io/sink/identity/tag-ref.js';
import type { SqliteSink } from '../io/sink/sqlite/sqlite-sink.js';
import type { OracleDriver } from '../io/sink/oracle/driver.js';
import { Spool, type SpoolOptions } from '../io/sink/spool/spool.js';

/**
 * The sink the buffer writes to: Delivery (retries, CSV spool under DIR/spool, replay) around
 * CentralSink (the database's tag ids) around the configured database. SQLite's writer thread
 * is both the config store's writer and, with `kind: sqlite`, the value database's.
 */
export async function createDelivery(
  config: SinkConfig,
  sqlite: SqliteSink,
  dataDir: string,
  identity: CollectorIdentity,
  catalog: TagCatalog,
  deps: { clock: Clock; logger: Logger; oracleDriver?: OracleDriver | undefined },
  spool: SpoolOptions = {},
): Promise<{ delivery: Delivery; central: CentralSink }> {
  const rejectsPath = join(dataDir, 'rejects', `${config.kind}.jsonl`);
  let store: CentralStore;
  switch (config.kind) {
    case 'sqlite':
      store = await sqlite.valueStore(sinkFilePath(dataDir, config.path));
      break;
    // Loaded only when configured: a plant on SQLite never loads pg or oracledb (memory).
    case 'postgres': {
      const { PostgresSink } = await import('../io/sink/postgres/postgres-sink.js');
      store = new PostgresSink({ ...config, rejectsPath });
      break;
    }
    case 'oracle': {
      const { OracleSink } = await import('../io/sink/oracle/oracle-sink.js');
      store = new OracleSink({ ...config, rejectsPath }, deps.oracleDriver ? { driver: deps.oracleDriver } : {});
      break;
    }
  }
  const logger = deps.logger.child({ sink: config.kind });
  const central = new CentralSink(store, catalog, identity, { clock: deps.clock, logger });
  const delivery = new Delivery(central, new Spool(join(dataDir, 'spool'), { clock: deps.clock, logger: deps.logger, keys: catalog }, spool), { clock: deps.clock, logger });
  return { delivery, central };
}

/** Per group, what tagRefs made of it last time (a group object is never modified, only replaced). */
const refsOf = new WeakMap<GroupConfig, { readonly tagIds: ReadonlyMap<string, number>; readonly refs: readonly TagRef[] }>();

function refOf(g: GroupConfig, t: GroupConfig['tags'][number], id: number): TagRef {
  return { localId: id, device: g.device, name: t.name, group: g.name, unit: t.unit ?? null, dataType: t.type, renamedFrom: t.renamedFrom ?? null };
}

/**
 * The running plant's tags as the value database knows them (key, descriptive fields, local id).
 * Runs on every configuration change: groups that did not change reuse their list, so a one-field
 * edit in a plant of 100,000 tags builds a few objects, not 100,000.
 */
export function tagRefs(stored: StoredPlant): TagRef[] {
  const out: TagRef[] = [];
  for (const g of stored.plant.groups) for (const ref of groupRefs(g, stored.tagIds)) out.push(ref);
  return out;
}

function groupRefs(g: GroupConfig, tagIds: ReadonlyMap<string, number>): readonly TagRef[] {
  let cached = refsOf.get(g);
  if (!cached || cached.tagIds !== tagIds) {
    const refs: TagRef[] = [];
    for (const t of g.tags) {
      const id = tagIds.get(t.name);
      if (id !== undefined) refs.push(refOf(g, t, id));
    }
    refsOf.set(g, (cached = { tagIds, refs }));
  }
  return cached.refs;
}

/** tagRefs of the groups of a change, built ahead in slices (the collector then finds them ready). */
export async function prepareTagRefs(stored: StoredPlant, pause: () => Promise<void>): Promise<void> {
  for (const g of stored.plant.groups) {
    const cached = refsOf.get(g);
    if (cached && cached.tagIds === stored.tagIds) continue;
    const refs: TagRef[] = [];
    for (const t of g.tags) {
      const id = stored.tagIds.get(t.name);
      if (id !== undefined) refs.push(refOf(g, t, id));
      await pause();
    }
    refsOf.set(g, { tagIds: stored.tagIds, refs });
  }
}
