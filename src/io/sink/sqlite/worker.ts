import { randomUUID } from 'node:crypto';
import { workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { applyStoreSchema, applyValuesDdl, openDatabase, type Db } from './database.js';
import { valuesVersion } from './migrate.js';
import { deleteOlderThan, TagDataInserter } from './insert.js';
import { claim, register, release, renew } from './registry.js';
import { writePlant, writePlantChanges, type ImportSummary, type PlantChanges } from '../../config/store-sql.js';
import type { PlantConfig } from '../../config/schema.js';
import type { RowBatch, WriteResult } from '../rows.js';
import type { Claim, CollectorIdentity } from '../identity/collector-identity.js';
import type { TagRegistration } from '../identity/tag-ref.js';
import { SinkError, toWire, type WireError } from '../delivery/sink-error.js';
import { errorMessage } from '../../errors.js';

/**
 * The ONE thread that writes the SQLite files (SQLite allows one writer at a time): the config
 * store (DIR/jsscada.db) and the value database (the same file by default, or sink.path): value
 * batches, tag registration, configuration changes and retention all run here, in order.
 */
export type WriterTask =
  | { op: 'insert'; batch: RowBatch }
  | { op: 'plant'; plant: PlantConfig; now: number }
  /** The plant without the tags of `unchanged` groups; the other groups' tags as JSON chunks (cheap to post). */
  | { op: 'plant-changes'; plant: PlantConfig; tagChunks: Record<string, string[]>; unchanged: string[]; now: number }
  | { op: 'retention'; cutoff: number; limit: number }
  | { op: 'values'; path: string }
  | { op: 'claim'; identity: CollectorIdentity; now: number }
  | { op: 'register'; collectorId: number; tags: readonly TagRegistration[]; now: number }
  | { op: 'renew'; collectorId: number; instanceId: string; now: number }
  | { op: 'release'; collectorId: number; instanceId: string; now: number }
  | { op: 'instance-id' }
  | { op: 'checkpoint' }
  | { op: 'close' };

export interface WriterData {
  readonly path: string;
}

/** Value-database tasks answer with this, so a SinkError keeps its code across the thread boundary. */
export type ValuesReply<T> = { ok: true; value: T } | { ok: false; error: WireError };

let store: Db | null = null;
let values: { db: Db; path: string; inserter: TagDataInserter } | null = null;
let valuesPath: string | null = null;

// Opened lazily, so a worker that piscina replaces after a crash reopens by itself.
function storeDb(): Db {
  if (!store) {
    // A short busy wait: a locked database fails the attempt quickly, and Delivery retries it or
    // spools it, instead of the buffer stalling 5 s per attempt behind a foreign lock.
    store = openDatabase((workerData as WriterData).path, { busyTimeoutMs: 1000 });
    // Enough page cache for the pages a batch touches, so inserts do not re-read them.
    store.pragma('cache_size = -32768');
    applyStoreSchema(store);
  }
  return store;
}

function valuesDb(): { db: Db; path: string; inserter: TagDataInserter } {
  if (!values) {
    valuesPath ??= (workerData as WriterData).path;
    const same = valuesPath === (workerData as WriterData).path;
    const db = same ? storeDb() : openDatabase(valuesPath, { busyTimeoutMs: 1000 });
    if (!same) db.pragma('cache_size = -32768');
    values = { db, path: valuesPath, inserter: null as unknown as TagDataInserter };
  }
  return values;
}

function inserter(): TagDataInserter {
  const v = valuesDb();
  // A file nobody claimed yet (tests, benchmarks) gets the value tables here; a version-1 file is
  // left to the claim, which migrates it.
  if (!v.inserter && valuesVersion(v.db) === null) applyValuesDdl(v.db);
  // Prepared after the claim created tag_data.
  v.inserter ??= new TagDataInserter(v.db);
  return v.inserter;
}

function guarded<T>(fn: () => T): ValuesReply<T> {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    if (err instanceof SinkError) return { ok: false, error: toWire(err) };
    const e = err as { code?: unknown; message?: unknown };
    const code = typeof e.code === 'string' ? e.code : null;
    // SQLITE_BUSY / LOCKED: another writer holds the file: retry. Anything else: say what SQLite said.
    const retryable = code === null || /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN)/.test(code);
    return { ok: false, error: toWire(new SinkError(retryable ? 'SINK_UNAVAILABLE' : 'SINK_CONFIG', errorMessage(err), retryable, code)) };
  }
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

type TaskResult = WriteResult | ImportSummary | PlantChanges | number | string | null | ValuesReply<unknown>;

export default function run(task: WriterTask): TaskResult {
  try {
    return runTask(task);
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    throw { message: errorMessage(err), code: typeof code === 'string' ? code : null } satisfies WorkerFailure;
  }
}

function runTask(task: WriterTask): TaskResult {
  switch (task.op) {
    case 'insert': {
      const started = performance.now();
      const inserted = inserter().insert(task.batch);
      return { inserted, durationMs: performance.now() - started };
    }
    case 'plant':
      return writePlant(storeDb(), task.plant, task.now);
    case 'plant-changes': {
      const groups = task.plant.groups.map((g) => ({ ...g, tags: (task.tagChunks[g.name] ?? []).flatMap((chunk) => JSON.parse(chunk) as PlantConfig['groups'][number]['tags']) }));
      return writePlantChanges(storeDb(), { ...task.plant, groups }, new Set(task.unchanged), task.now);
    }
    case 'retention':
      return deleteOlderThan(valuesDb().db, task.cutoff, task.limit);
    case 'values':
      if (values && values.path !== task.path && values.db !== store) values.db.close();
      if (values?.path !== task.path) values = null;
      valuesPath = task.path;
      return null;
    case 'claim':
      return guarded((): Claim & { migrated: unknown } => claim(valuesDb().db, task.identity, task.now, valuesDb().path));
    case 'register':
      return guarded(() => register(valuesDb().db, task.collectorId, task.tags, task.now));
    case 'renew':
      return guarded(() => renew(valuesDb().db, task.collectorId, task.instanceId, task.now));
    case 'release':
      return guarded(() => release(valuesDb().db, task.collectorId, task.instanceId, task.now));
    case 'instance-id': {
      const db = storeDb();
      const row = db.prepare("SELECT value FROM meta WHERE key = 'collector.instance_id'").get() as { value: string } | undefined;
      if (row) return JSON.parse(row.value) as string;
      const id = randomUUID();
      db.prepare("INSERT INTO meta(key, value) VALUES ('collector.instance_id', ?)").run(JSON.stringify(id));
      return id;
    }
    case 'checkpoint':
      storeDb().pragma('wal_checkpoint(PASSIVE)');
      return null;
    case 'close':
      if (values && values.db !== store) values.db.close();
      values = null;
      store?.close();
      store = null;
      return null;
  }
}
