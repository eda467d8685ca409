import { Piscina } from 'piscina';
import type { PlantConfig } from '../../config/schema.js';
import type { ImportSummary, PlantChanges } from '../../config/store-sql.js';
import { Slicer } from '../../config/slices.js';
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

  /**
   * A running collector's configuration change: only the groups not named in `unchanged` carry
   * their tags, as JSON chunks built in slices (posting a 100,000-tag plant as objects would
   * structured-clone it on the event loop in one block of several hundred milliseconds).
   */
  async writePlantChanges(plant: PlantConfig, unchanged: ReadonlySet<string>, now = Date.now()): Promise<PlantChanges> {
    const slicer = new Slicer();
    const tagChunks: Record<string, string[]> = {};
    for (const g of plant.groups) {
      if (unchanged.has(g.name)) continue;
      const chunks: string[] = (tagChunks[g.name] = []);
      for (let i = 0; i < g.tags.length; i += 1000) {
        chunks.push(JSON.stringify(g.tags.slice(i, i + 1000)));
        await slicer.pause();
      }
    }
    const skeleton: PlantConfig = { ...plant, groups: plant.groups.map((g) => ({ ...g, tags: [] })) };
    return this.run({ op: 'plant-changes', plant: skeleton, tagChunks, unchanged: [...unchanged], now });
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
