import { workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { applySchema, openDatabase, type Db } from './database.js';
import { deleteOlderThan, TagDataInserter } from './insert.js';
import { writePlant, writePlantChanges, type ImportSummary, type PlantChanges } from '../../config/store-sql.js';
import type { PlantConfig } from '../../config/schema.js';
import type { RowBatch, WriteResult } from '../rows.js';

/**
 * The ONE thread that writes the SQLite file (SQLite allows one writer at a time): value
 * batches, configuration changes and retention all run here, in order.
 */
export type WriterTask =
  | { op: 'insert'; batch: RowBatch }
  | { op: 'plant'; plant: PlantConfig; now: number }
  /** The plant without the tags of `unchanged` groups; the other groups' tags as JSON chunks (cheap to post). */
  | { op: 'plant-changes'; plant: PlantConfig; tagChunks: Record<string, string[]>; unchanged: string[]; now: number }
  | { op: 'retention'; cutoff: number; limit: number }
  | { op: 'checkpoint' }
  | { op: 'close' };

export interface WriterData {
  readonly path: string;
}

let db: Db | null = null;
let inserter: TagDataInserter | null = null;

// Opened lazily, so a worker that piscina replaces after a crash reopens by itself.
function connection(): { db: Db; inserter: TagDataInserter } {
  if (!db || !inserter) {
    // A short busy wait: a locked database fails the attempt quickly, and Delivery retries it or
    // spools it, instead of the buffer stalling 5 s per attempt behind a foreign lock.
    db = openDatabase((workerData as WriterData).path, { busyTimeoutMs: 1000 });
    // Enough page cache for the pages a batch touches, so inserts do not re-read them.
    db.pragma('cache_size = -32768');
    applySchema(db);
    inserter = new TagDataInserter(db);
  }
  return { db, inserter };
}

export default function run(task: WriterTask): WriteResult | ImportSummary | PlantChanges | number | null {
  switch (task.op) {
    case 'insert': {
      const started = performance.now();
      const inserted = connection().inserter.insert(task.batch);
      return { inserted, durationMs: performance.now() - started };
    }
    case 'plant':
      return writePlant(connection().db, task.plant, task.now);
    case 'plant-changes': {
      const groups = task.plant.groups.map((g) => ({ ...g, tags: (task.tagChunks[g.name] ?? []).flatMap((chunk) => JSON.parse(chunk) as PlantConfig['groups'][number]['tags']) }));
      return writePlantChanges(connection().db, { ...task.plant, groups }, new Set(task.unchanged), task.now);
    }
    case 'retention':
      return deleteOlderThan(connection().db, task.cutoff, task.limit);
    case 'checkpoint':
      connection().db.pragma('wal_checkpoint(PASSIVE)');
      return null;
    case 'close':
      db?.close();
      db = null;
      inserter = null;
      return null;
  }
}
