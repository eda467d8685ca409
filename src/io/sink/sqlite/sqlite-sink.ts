import { Piscina } from 'piscina';
import type { PlantConfig } from '../../config/schema.js';
import type { ImportSummary } from '../../config/store-sql.js';
import type { RowBatch, Sink, WriteResult } from '../rows.js';
import type { WriterData, WriterTask } from './worker.js';
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

  private run<T>(task: WriterTask): Promise<T> {
    if (this.closed) return Promise.reject(new Error('SQLite sink is closed'));
    return this.pool.run(task) as Promise<T>;
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
