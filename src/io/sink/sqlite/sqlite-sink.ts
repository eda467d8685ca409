import { Piscina } from 'piscina';
import type { PlantConfig } from '../../config/schema.js';
import type { ImportSummary, PlantChanges } from '../../config/store-sql.js';
import { Slicer } from '../../config/slices.js';
import type { RowBatch, WriteResult } from '../rows.js';
import type { CentralStore } from '../identity/central-store.js';
import type { Claim, CollectorIdentity } from '../identity/collector-identity.js';
import type { TagRegistration } from '../identity/tag-ref.js';
import { fromWire, SinkError } from '../delivery/sink-error.js';
import { errorMessage } from '../../errors.js';
import type { ValuesReply, WorkerFailure, WriterData, WriterTask } from './worker.js';
import type { ValuesMigration } from './migrate.js';
import { workerFile } from '../../../worker-file.js';

/**
 * The SQLite writer: a piscina pool with exactly one worker that owns the write connections of
 * the config store (DIR/jsscada.db) and, with `sink: {kind: sqlite}`, of the value database
 * (`valueStore(path)`; the same file by default). Batches are structured-cloned (not transferred)
 * so that the caller still holds a failed batch and can retry or spool it.
 */
export class SqliteSink {
  readonly kind = 'sqlite';
  private readonly pool: Piscina;
  private closed = false;
  /** The last claim's migration of a version-1 file, for the start-up log. */
  lastMigration: ValuesMigration | null = null;

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

  private async values<T>(task: WriterTask): Promise<T> {
    const reply = await this.run<ValuesReply<T>>(task);
    if (reply.ok) return reply.value;
    throw fromWire(reply.error);
  }

  /** Open the store file and apply its schema (any task does; this one says so by name). */
  async open(): Promise<void> {
    await this.run({ op: 'checkpoint' });
  }

  /** This data directory's id (created on first use): how a value database recognises its collector. */
  instanceId(): Promise<string> {
    return this.run({ op: 'instance-id' });
  }

  /** The value database at `path` (absolute), written by this same thread. */
  async valueStore(path: string): Promise<CentralStore> {
    await this.run({ op: 'values', path });
    const now = (): number => Date.now();
    return {
      kind: 'sqlite',
      target: path,
      write: (batch: RowBatch) => this.write(batch),
      claim: async (identity: CollectorIdentity) => {
        const result = await this.values<Claim & { migrated: ValuesMigration | null }>({ op: 'claim', identity, now: now() });
        this.lastMigration = result.migrated;
        return { collectorId: result.collectorId, tookOverFrom: result.tookOverFrom };
      },
      register: (collectorId: number, tags: readonly TagRegistration[]) => this.values<number[]>({ op: 'register', collectorId, tags, now: now() }),
      renew: (collectorId: number, instanceId: string) => this.values<boolean>({ op: 'renew', collectorId, instanceId, now: now() }),
      release: (collectorId: number, instanceId: string) => this.values<void>({ op: 'release', collectorId, instanceId, now: now() }),
      // The writer thread lives as long as the store; closing the value store closes nothing.
      close: () => Promise.resolve(),
    };
  }

  /**
   * Insert a batch into the value database as it is: its tag ids must be that database's
   * (CentralSink translates; tests and benchmarks that manage ids themselves call this directly).
   * Until valueStore() names another file, the value database is the store's own file.
   */
  write(batch: RowBatch): Promise<WriteResult> {
    return this.run<WriteResult>({ op: 'insert', batch });
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

  /** Delete rows older than `days` from the value database, 5,000 at a time. Returns rows deleted. */
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
