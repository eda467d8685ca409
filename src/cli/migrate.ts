import { hostname } from 'node:os';
import { join } from 'node:path';
import { databasePath } from '../app.js';
import { sinkFilePath } from '../io/config/sink-path.js';
import { collectorName } from '../io/config/collector-name.js';
import { isStoreEmpty, readAllTagRefs, readPlant } from '../io/config/store-sql.js';
import type { CollectorIdentity } from '../io/sink/identity/collector-identity.js';
import { openDatabase } from '../io/sink/sqlite/database.js';
import { SqliteSink } from '../io/sink/sqlite/sqlite-sink.js';
import { errorText } from '../io/sink/delivery/sink-error.js';
import { VERSION } from '../version.js';
import type { CliIo } from './main.js';

/**
 * `jsscada migrate`: upgrade the value database named in the stored configuration from the 0.1
 * schema (version 1: tag ids local to one collector) to version 2, in place, in one transaction
 * under the schema lock; tags and rows are attributed to this collector. Idempotent.
 */
export async function migrateCommand(dataDir: string, io: CliIo): Promise<number> {
  const dbPath = databasePath(dataDir);
  const sqlite = new SqliteSink(dbPath);
  try {
    await sqlite.open();
    const reader = openDatabase(dbPath, { readonly: true });
    let stored, known;
    try {
      if (isStoreEmpty(reader)) throw new Error(`the store at ${dbPath} holds no configuration: import the plant file first (jsscada import FILE)`);
      stored = readPlant(reader);
      known = readAllTagRefs(reader);
    } finally {
      reader.close();
    }
    const identity: CollectorIdentity = { name: collectorName(stored.plant), instanceId: await sqlite.instanceId(), host: hostname(), version: VERSION, leaseS: stored.plant.collector.leaseS };
    const sink = stored.plant.sink;
    switch (sink.kind) {
      case 'sqlite': {
        const path = sinkFilePath(dataDir, sink.path);
        const store = await sqlite.valueStore(path);
        const claim = await store.claim(identity);
        await store.release(claim.collectorId, identity.instanceId);
        const m = sqlite.lastMigration;
        io.out(m ? `migrated ${path} to schema version 2 in ${Math.round(m.ms)} ms: ${m.tags} tags and ${m.rows} rows attributed to collector "${identity.name}"` : `${path} is at schema version 2: nothing to migrate`);
        return 0;
      }
      case 'postgres': {
        const { PostgresSink } = await import('../io/sink/postgres/postgres-sink.js');
        const pg = new PostgresSink({ ...sink, poolSize: 1, rejectsPath: join(dataDir, 'rejects', 'postgres.jsonl') });
        try {
          const m = await pg.migrate(identity, known);
          if (m.from !== 1) {
            io.out(`${pg.target} is at schema version ${m.from ?? 'none (empty)'}: nothing to migrate`);
            return 0;
          }
          io.out(
            `migrated ${pg.target} to schema version 2 in ${Math.round(m.ms ?? 0)} ms: ${m.tags} tags and ${m.rows} rows attributed to collector "${identity.name}"` +
              `${m.unnamed ? ` (${m.unnamed} ids no configuration named: tags "tag-<id>" on device "(unknown)")` : ''}; the old tags table is kept as tags_v1`,
          );
          return 0;
        } finally {
          await pg.close();
        }
      }
      case 'oracle':
        io.err(`jsscada: an Oracle schema is migrated by its owner: run config/oracle/migrate-v1-v2.sql (SQL*Plus or SQLcl) with COLLECTOR_NAME set to "${identity.name}", then start the collector`);
        return 2;
    }
  } catch (err) {
    io.err(`jsscada: migrate failed, nothing was changed: ${errorText(err)}`);
    return 1;
  } finally {
    await sqlite.close();
  }
}
