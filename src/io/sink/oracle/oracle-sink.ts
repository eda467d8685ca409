import { workerFile } from '../../../worker-file.js';
import type { RowBatch } from '../rows.js';
import type { CentralStore } from '../identity/central-store.js';
import type { Claim, CollectorIdentity } from '../identity/collector-identity.js';
import type { TagRegistration } from '../identity/tag-ref.js';
import { InlineWriterPool, ThreadWriterPool, type WriterPool } from '../delivery/writer-pool.js';
import type { OracleDriver } from './driver.js';
import { OracleWriter, type OraInsertResult, type OraTask } from './ora-writer.js';
import { resolveOracleSettings, type OracleSinkOptions } from './settings.js';

/**
 * The Oracle sink: a pool of writers (default 5), each with ONE connection, in worker threads
 * with the real node-oracledb (Thin mode). Pass `driver` to run the writers in this thread
 * with that driver instead (tests give a fake). Failures arrive as SinkError.
 */
export class OracleSink implements CentralStore {
  readonly kind = 'oracle';
  /** user@connectString, safe to log (no password). */
  readonly target: string;
  private readonly pool: WriterPool<OraTask>;

  constructor(options: OracleSinkOptions, deps: { driver?: OracleDriver; env?: NodeJS.ProcessEnv } = {}) {
    const settings = resolveOracleSettings(options, deps.env);
    this.target = settings.target;
    const size = options.poolSize ?? 5;
    const driver = deps.driver;
    this.pool = driver
      ? new InlineWriterPool<OraTask>(size, () => new OracleWriter(() => Promise.resolve(driver), settings))
      : new ThreadWriterPool<OraTask>(size, workerFile(import.meta.url, './worker'), settings);
  }

  write(batch: RowBatch): Promise<OraInsertResult> {
    return this.pool.run<OraInsertResult>({ op: 'insert', batch });
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

  async probe(): Promise<void> {
    await this.pool.run({ op: 'probe' });
  }

  close(): Promise<void> {
    return this.pool.destroy({ op: 'close' });
  }
}
