import { Piscina } from 'piscina';
import type { PlantConfig } from '../../config/schema.js';
import type { ImportSummary } from '../../config/store-sql.js';
import type { RowBatch, Sink, WriteResult } from '../rows.js';
import type { WorkerFailure, WriterData, WriterTask } from './worker.js';
import { errorMessage } from '../../errors.js';
import { SinkError } from '../delivery/sink-error.js';
import { workerFile } from '../../../worker-file.js';

/**
 * The SQLite sink: a piscina pool with exactly one worker that owns the write connection.
 * Batches are structured-cloned (not transferred) so that the caller still holds a failed
 * batch and can retry or spool it.
 */
export class SqliteSink implements Sink {
  readonly kind = 'sqlite';
  private readonly pool: Piscina;
  private closed = false;

  constructor(readonly path: string) {
    const file = workerFile(import.meta.url, './worker');
    this.pool = new Piscina({
      filename: file.filename,
      execArgv: file.execArgv,
      minThreads: 1,
      maxThreads: 1,
      idleTimeout: Number.POSITIVE_INFINITY,
      workerData: { path } satisfies WriterData,
    });
  }

  private async run<T>(task: WriterTask): Promise<T> {
    if (this.closed) throw new SinkError('SINK_CLOSED', 'SQLite sink is closed', false);
    try {
      return (await this.pool.run(task)) as T;
    } catch (err) {
      throw sqliteSinkError(err, this.path);
    }
  }

  /** Open the file and apply the schema (any task does; this one says so by name). */
  async open(): Promise<void> {
    await this.run({ op: 'checkpoint' });
  }

  write(batch: RowBatch): Promise<WriteResult> {
    return this.run({ op: 'insert', batch });
  }

  /** Configuration writes share the one writer thread with the value batches. */
  writePlant(plant: PlantConfig, now = Date.now()): Promise<ImportSummary> {
    return this.run({ op: 'plant', plant, now });
  }

  /** Delete rows older than `days`, 5,000 at a time. Returns rows deleted. */
  async applyRetention(days: number, now = Date.now()): Promise<number> {
    if (days <= 0) return 0;
    const cutoff = now - days * 86_400_000;
    let total = 0;
    for (;;) {
      const n = await this.run<number>({ op: 'retention', cutoff, limit: 5000 });
      total += n;
      if (n < 5000) return total;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.run({ op: 'close' }).catch(() => undefined);
    this.closed = true;
    await this.pool.destroy();
  }
}

/**
 * A task's failure as a SinkError naming the file and SQLite's code (SQLITE_FULL,
 * SQLITE_READONLY, SQLITE_NOTADB, ...). Busy/locked is the one "try again soon" case; every
 * failure stays retryable for Delivery, which spools and probes rather than give rows up.
 */
function sqliteSinkError(err: unknown, path: string): SinkError {
  const failure = err as Partial<WorkerFailure> | null;
  const code = typeof failure?.code === 'string' ? failure.code : null;
  const busy = code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code?.startsWith('SQLITE_BUSY_') === true;
  const message = typeof failure?.message === 'string' && failure.message !== '' ? failure.message : errorMessage(err);
  return new SinkError(busy ? 'SINK_BUSY' : 'SINK_UNKNOWN', `${message} (${code && !message.includes(code) ? `${code}, ` : ''}${path})`, true, code, { cause: err });
}
