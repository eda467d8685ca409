import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { SinkConfig } from '../io/config/schema.js';
import type { StoredPlant } from '../io/config/store-sql.js';
import { Delivery } from '../io/sink/delivery/delivery.js';
import type { Sink, TagInfo } from '../io/sink/rows.js';
import type { SqliteSink } from '../io/sink/sqlite/sqlite-sink.js';
import { Spool, type SpoolOptions } from '../io/sink/spool/spool.js';

/**
 * The sink the buffer writes to: Delivery (retries, CSV spool under DIR/spool, replay) around
 * the configured database. SQLite's writer thread is both the config store's writer and, with
 * `kind: sqlite`, the value sink.
 */
export async function createDelivery(config: SinkConfig, sqlite: SqliteSink, dataDir: string, deps: { clock: Clock; logger: Logger }, spool: SpoolOptions = {}): Promise<Delivery> {
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
  return new Delivery(inner, new Spool(join(dataDir, 'spool'), deps, spool), { clock: deps.clock, logger: deps.logger.child({ sink: config.kind }) });
}

/** Names for the networked sinks' dimension table (rows carry only tag ids). */
export function tagInfos(stored: StoredPlant): TagInfo[] {
  const out: TagInfo[] = [];
  for (const g of stored.plant.groups) {
    for (const t of g.tags) {
      const id = stored.tagIds.get(t.name);
      if (id !== undefined) out.push({ id, name: t.name, device: g.device, group: g.name, unit: t.unit ?? null });
    }
  }
  return out;
}
