import { join } from 'node:path';
import { packageRoot } from '../../../package-root.js';
import { workerFile } from '../../../worker-file.js';
import type { RowBatch, Sink, TagInfo } from '../rows.js';
import { ThreadWriterPool, type WriterPool } from '../delivery/writer-pool.js';
import type { PgInsertResult, PgTask } from './pg-writer.js';
import { describeTarget, resolvePostgresSettings, type PostgresSinkOptions } from './settings.js';

/**
 * The PostgreSQL (and TimescaleDB) sink: a pool of writer threads (default 5), each with ONE
 * connection. A batch is one INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING, atomic
 * on its own; rows the server refuses one by one (SQLSTATE 22xxx/23xxx) go to the rejects file
 * and the rest commits. Batches are structured-cloned to the thread (not transferred), so the
 * caller still holds a failed batch to retry or spool. Failures arrive as SinkError.
 */
export class PostgresSink implements Sink {
  readonly kind = 'postgres';
  /** user@host:port/db, safe to log (no password). */
  readonly target: string;
  private readonly pool: WriterPool<PgTask>;

  constructor(options: PostgresSinkOptions, env: NodeJS.ProcessEnv = process.env) {
    const settings = resolvePostgresSettings(options, join(packageRoot(), 'config', 'postgres', 'schema.sql'), env);
    this.target = describeTarget(settings.client);
    this.pool = new ThreadWriterPool<PgTask>(options.poolSize ?? 5, workerFile(import.meta.url, './worker'), settings);
  }

  get poolSize(): number {
    return this.pool.size;
  }

  write(batch: RowBatch): Promise<PgInsertResult> {
    return this.pool.run<PgInsertResult>({ op: 'insert', batch });
  }

  async syncTags(tags: readonly TagInfo[]): Promise<void> {
    await this.pool.run({ op: 'tags', tags });
  }

  /** Connects a writer (applying the schema on its first connect) and runs SELECT 1. */
  async probe(): Promise<void> {
    await this.pool.run({ op: 'probe' });
  }

  close(): Promise<void> {
    return this.pool.destroy({ op: 'close' });
  }
}
