import { workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { SinkError, toWire } from '../delivery/sink-error.js';
import type { WorkerReply } from '../delivery/writer-pool.js';
import type { HistoryKey, HistoryQuery } from './history-source.js';
import { SqliteHistoryQueries } from './sqlite-queries.js';

/** The history thread: its own READ-ONLY connection (a WAL reader never blocks the writer thread). */
export type HistoryTask =
  | { op: 'exists'; key: HistoryKey }
  | { op: 'read'; key: HistoryKey; query: HistoryQuery }
  | { op: 'latest'; collector: string; tags: { device: string; tag: string }[] }
  | { op: 'close' };

export interface HistoryWorkerData {
  readonly path: string;
}

let db: Database.Database | null = null;
let queries: SqliteHistoryQueries | null = null;

// Opened at the first task (the file may not exist yet when the collector starts), and again
// after any failure: the next task starts from a fresh connection.
function open(): SqliteHistoryQueries {
  if (queries) return queries;
  const path = (workerData as HistoryWorkerData).path;
  db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 2000');
  queries = new SqliteHistoryQueries(db);
  return queries;
}

function close(): void {
  db?.close();
  db = null;
  queries = null;
}

export default function run(task: HistoryTask): WorkerReply<unknown> {
  try {
    switch (task.op) {
      case 'exists':
        return { ok: true, value: open().tagId(task.key) !== null };
      case 'read':
        return { ok: true, value: open().read(task.key, task.query) };
      case 'latest':
        // A Map crosses the thread boundary as entries.
        return { ok: true, value: [...open().latest(task.collector, task.tags)] };
      case 'close':
        close();
        return { ok: true, value: null };
    }
  } catch (err) {
    close();
    if (err instanceof Error && /no such table/i.test(err.message)) return { ok: true, value: empty(task) };
    const message = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: unknown } | null)?.code;
    // The file is unreadable, locked or broken.
    return { ok: false, error: toWire(new SinkError('SINK_UNAVAILABLE', `SQLite history (${(workerData as HistoryWorkerData).path}): ${message}`, true, typeof code === 'string' ? code : null)) };
  }
}

/** No values tables yet (a file the writer has not set up): nothing is known. */
function empty(task: HistoryTask): unknown {
  switch (task.op) {
    case 'exists':
      return false;
    case 'read':
      return { kind: 'points', points: [], truncated: false };
    case 'latest':
      return [];
    case 'close':
      return null;
  }
}
