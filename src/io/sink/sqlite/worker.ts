import { workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { applySchema, openDatabase, type Db } from './database.js';
import { deleteOlderThan, TagDataInserter } from './insert.js';
import { writePlant, type ImportSummary } from '../../config/store-sql.js';
import type { PlantConfig } from '../../config/schema.js';
import type { RowBatch, WriteResult } from '../rows.js';
import { errorMessage } from '../../errors.js';

/**
 * The ONE thread that writes the SQLite file (SQLite allows one writer at a time): value
 * batches, configuration changes and retention all run here, in order.
 */
export type WriterTask =
  | { op: 'insert'; batch: RowBatch }
  | { op: 'plant'; plant: PlantConfig; now: number }
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

/**
 * What a failed task rejects with. A thrown SqliteError cannot cross the thread as is: it is an
 * Error by prototype only, so structured clone copies its own enumerable fields, and its message
 * is not one of them (the caller got `{ code: 'SQLITE_FULL' }`, shown as "[object Object]").
 */
export interface WorkerFailure {
  readonly message: string;
  readonly code: string | null;
}

export default function run(task: WriterTask): WriteResult | ImportSummary | number | null {
  try {
    return runTask(task);
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    throw { message: errorMessage(err), code: typeof code === 'string' ? code : null } satisfies WorkerFailure;
  }
}

function runTask(task: WriterTask): WriteResult | ImportSummary | number | null {
  switch (task.op) {
    case 'insert': {
      const started = performance.now();
      const inserted = connection().inserter.insert(task.batch);
      return { inserted, durationMs: performance.now() - started };
    }
    case 'plant':
      return writePlant(connection().db, task.plant, task.now);
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
