import { workerFile } from '../../../worker-file.js';
import type { RowBatch, Sink, TagInfo } from '../rows.js';
import { InlineWriterPool, ThreadWriterPool, type WriterPool } from '../delivery/writer-pool.js';
import type { OracleDriver } from './driver.js';
import { OracleWriter, type OraInsertResult, type OraTask } from './ora-writer.js';
import { describeOracleTarget, resolveOracleSettings, type OracleSinkOptions } from './settings.js';

/**
 * The Oracle sink: a pool of writers (default 5), each with ONE connection, in worker threads
 * with the real node-oracledb (Thin mode). Pass `driver` to run the writers in this thread
 * with that driver instead (tests give a fake). Failures arrive as SinkError.
 */
export class OracleSink implements Sink {
  readonly kind = 'oracle';
  /** user@connectString, safe to log (no password). */
  readonly target: string;
  private readonly pool: WriterPool<OraTask>;

  constructor(options: OracleSinkOptions, deps: { driver?: OracleDriver; env?: NodeJS.ProcessEnv } = {}) {
    const settings = resolveOracleSettings(options, deps.env);
    this.target = describeOracleTarget(settings);
    const size = options.poolSize ?? 5;
    const driver = deps.driver;
    this.pool = driver
      ? new InlineWriterPool<OraTask>(size, () => new OracleWriter(() => Promise.resolve(driver), settings))
      : new ThreadWriterPool<OraTask>(size, workerFile(import.meta.url, './worker'), settings);
  }

  write(batch: RowBatch): Promise<OraInsertResult> {
    return this.pool.run<OraInsertResult>({ op: 'insert', batch });
  }

  async syncTags(tags: readonly TagInfo[]): Promise<void> {
    await this.pool.run({ op: 'tags', tags });
  }

  async probe(): Promise<void> {
    await this.pool.run({ op: 'probe' });
  }

  close(): Promise<void> {
    return this.pool.destroy({ op: 'close' });
  }
}
