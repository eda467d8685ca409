import { Piscina } from 'piscina';
import { workerFile } from '../../../worker-file.js';
import { fromWire, SinkError } from '../delivery/sink-error.js';
import type { WorkerReply } from '../delivery/writer-pool.js';
import type { HistoryKey, HistoryPoint, HistoryQuery, HistoryResult, HistorySource } from './history-source.js';
import type { HistoryTask, HistoryWorkerData } from './sqlite-history-worker.js';

/**
 * History from a SQLite value file, read in one worker thread with its own read-only
 * connection. Not in the main thread: a 7-day bucket scan of a 100 ms tag reads every row of
 * the week (6 M of that tag, and the other tags' rows between them: seconds, bench/history.ts),
 * and the event loop polls PLCs meanwhile. The thread keeps a cache of closed buckets
 * (bucket-cache.ts); it starts at the first read and ends after 15 minutes idle, so a
 * collector nobody asks for history carries no extra thread (memory).
 */
export class SqliteHistory implements HistorySource {
  private readonly pool: Piscina;
  private closed = false;

  constructor(readonly path: string) {
    const file = workerFile(import.meta.url, './sqlite-history-worker');
    this.pool = new Piscina({
      filename: file.filename,
      execArgv: file.execArgv,
      minThreads: 0,
      maxThreads: 1,
      // Idle for a quarter of an hour: the thread (and its bucket cache) goes.
      idleTimeout: 900_000,
      workerData: { path } satisfies HistoryWorkerData,
    });
  }

  private async run<T>(task: HistoryTask): Promise<T> {
    if (this.closed) throw new SinkError('SINK_CLOSED', 'the history reader is closed', false);
    let reply: WorkerReply<unknown>;
    try {
      reply = (await this.pool.run(task)) as WorkerReply<unknown>;
    } catch (err) {
      throw new SinkError('SINK_UNKNOWN', `history thread failed: ${err instanceof Error ? err.message : String(err)}`, true, null, { cause: err });
    }
    if (!reply.ok) throw fromWire(reply.error);
    return reply.value as T;
  }

  tagExists(key: HistoryKey): Promise<boolean> {
    return this.run({ op: 'exists', key });
  }

  read(key: HistoryKey, query: HistoryQuery): Promise<HistoryResult> {
    return this.run({ op: 'read', key, query });
  }

  async latest(collector: string, tags: readonly { device: string; tag: string }[]): Promise<Map<string, HistoryPoint>> {
    return new Map(await this.run<[string, HistoryPoint][]>({ op: 'latest', collector, tags: [...tags] }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.destroy();
  }
}
