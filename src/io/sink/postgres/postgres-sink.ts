import { join } from 'node:path';
import { packageRoot } from '../../../package-root.js';
import { workerFile } from '../../../worker-file.js';
import type { RowBatch } from '../rows.js';
import type { CentralStore } from '../identity/central-store.js';
import type { Claim, CollectorIdentity } from '../identity/collector-identity.js';
import type { TagRef, TagRegistration } from '../identity/tag-ref.js';
import { ThreadWriterPool, type WriterPool } from '../delivery/writer-pool.js';
import type { PgInsertResult, PgTask } from './pg-writer.js';
import type { PgMigration } from './registry.js';
import { resolvePostgresSettings, type PostgresSinkOptions } from './settings.js';

/**
 * The PostgreSQL (and TimescaleDB) sink: a pool of writer threads (default 5), each with ONE
 * connection. A batch is one INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING, atomic
 * on its own; rows the server refuses one by one (SQLSTATE 22xxx/23xxx) go to the rejects file
 * and the rest commits. Batches are structured-cloned to the thread (not transferred), so the
 * caller still holds a failed batch to retry or spool. Failures arrive as SinkError.
 * Claims and tag registration run on a writer too (any one: they are transactions of their own).
 */
export class PostgresSink implements CentralStore {
  readonly kind = 'postgres';
  /** user@host:port/db, safe to log (no password). */
  readonly target: string;
  private readonly pool: WriterPool<PgTask>;

  constructor(options: PostgresSinkOptions, env: NodeJS.ProcessEnv = process.env) {
    const settings = resolvePostgresSettings(options, join(packageRoot(), 'config', 'postgres', 'schema.sql'), env);
    this.target = settings.target;
    this.pool = new ThreadWriterPool<PgTask>(options.poolSize ?? 5, workerFile(import.meta.url, './worker'), settings);
  }

  get poolSize(): number {
    return this.pool.size;
  }

  write(batch: RowBatch): Promise<PgInsertResult> {
    return this.pool.run<PgInsertResult>({ op: 'insert', batch });
  }

  claim(identity: CollectorIdentity): Promise<Claim> {
    return this.pool.run<Claim>({ op: 'claim', identity });
  }

  register(collectorId: number, tags: readonly TagRegistration[]): Promise<number[]> {
    return this.pool.run<number[]>({ op: 'register', collectorId, tags });
  }

  renew(collectorId: number, instanceId: string): Promise<boolean> {
    return this.pool.run<boolean>({ op: 'renew', collectorId, instanceId });
  }

  async release(collectorId: number, instanceId: string): Promise<void> {
    await this.pool.run({ op: 'release', collectorId, instanceId });
  }

  /** `jsscada migrate`: version 1 -> 2 (see registry.ts migrateV1); `from` is the version found. */
  migrate(identity: CollectorIdentity, known: readonly TagRef[]): Promise<Partial<PgMigration> & { from: number | null }> {
    return this.pool.run({ op: 'migrate', identity, known });
  }

  /** Connects a writer (applying the schema on its first connect) and runs SELECT 1. */
  async probe(): Promise<void> {
    await this.pool.run({ op: 'probe' });
  }

  close(): Promise<void> {
    return this.pool.destroy({ op: 'close' });
  }
}
