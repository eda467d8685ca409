import type { Logger } from 'pino';
import type { Clock } from '../../../clock.js';
import { WriteStats } from '../../../actors/buffer/write-stats.js';
import { backoffDelay } from '../../../machines/schedule.js';
import type { RowBatch, Sink, SinkHealth } from '../rows.js';
import type { Spool } from '../spool/spool.js';
import type { TagRef } from '../identity/tag-ref.js';
import { rejectedOf, type DeliveryMetrics, type DeliveryWriteResult } from './metrics.js';
import { replaySpool } from './replay.js';
import { errorText, isRetryable, SinkError } from './sink-error.js';

export interface DeliveryOptions {
  /** Tries per batch before it goes to the spool (default 3). */
  readonly attempts?: number;
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  /** How often to look for spool files to replay, and to probe a sink that is down (default 5 s). */
  readonly probeIntervalMs?: number;
  /** Rows per replayed batch (default 5,000). */
  readonly replayBatchRows?: number;
  readonly random?: () => number;
}

/**
 * Delivery: a Sink around a Sink, so the buffer's write(batch) is unchanged. Each batch is
 * tried up to `attempts` times with backoff; then it is appended to the CSV spool and write()
 * resolves, because the rows are safe on disk. Only if the spool fails too (disk full) does
 * write() reject, and the buffer keeps the batch.
 *
 * Health: ok (the sink takes batches, spool empty), degraded (retrying, or replaying the
 * spool), down (the last batch went to the spool). While down the circuit is open: batches go
 * straight to the spool instead of waiting out `attempts` failures each, which would stall
 * the buffer and overflow it during a long outage. A timer probes the sink and replays the
 * spool (replay's first batch is the probe when the sink has no probe()); the first commit
 * closes the circuit. A successful live write with files pending also starts a replay.
 */
export class Delivery implements Sink {
  readonly kind: string;
  private health: SinkHealth = 'unknown';
  private lastError: { message: string; at: number } | null = null;
  /** The sink's own last failure, kept apart so that a spool failure does not hide it. */
  private sinkError: string | null = null;
  private readonly stats: WriteStats;
  private readonly n = { rowsWritten: 0, rowsInserted: 0, retries: 0, spooledRows: 0, spooledBatches: 0, replayedRows: 0, rejectedRows: 0, spoolFailures: 0, quarantined: 0 };
  private replaying: Promise<void> | null = null;
  /** When a live batch last tried the sink while the circuit was open. */
  private lastTry = 0;
  private timer: unknown = null;
  private readonly sleepers = new Set<() => void>();
  private closing = false;
  private tags: readonly TagRef[] | null = null;
  private tagsSynced = true;
  private readonly o: Required<Omit<DeliveryOptions, 'random'>> & { random: () => number };

  constructor(
    private readonly sink: Sink,
    private readonly spool: Spool,
    private readonly deps: { clock: Clock; logger: Logger },
    options: DeliveryOptions = {},
  ) {
    this.kind = sink.kind;
    this.stats = new WriteStats(deps.clock);
    this.o = {
      attempts: options.attempts ?? 3,
      retryInitialMs: options.retryInitialMs ?? 250,
      retryMaxMs: options.retryMaxMs ?? 2_000,
      probeIntervalMs: options.probeIntervalMs ?? 5_000,
      replayBatchRows: options.replayBatchRows ?? 5_000,
      random: options.random ?? Math.random,
    };
  }

  /** Open the spool; files left by an earlier run are replayed right away if the sink is up. */
  async start(): Promise<void> {
    await this.spool.open();
    this.schedule();
    if (this.spool.pending().files > 0) void this.runReplay();
  }

  async write(batch: RowBatch): Promise<DeliveryWriteResult> {
    // Circuit open only while spooled rows wait: the replay that drains them is what probes the
    // sink and closes the circuit. (Down with nothing spooled, e.g. the spool failed from the
    // start, must try the sink, or nothing would ever find out that it is back.)
    if (this.isDown() && this.spool.pending().files > 0) return this.halfOpen(batch);
    const started = this.deps.clock.now();
    for (let attempt = 1; ; attempt++) {
      const t0 = this.deps.clock.now();
      try {
        const result = await this.sink.write(batch);
        return this.written(batch, result.inserted, rejectedOf(result), this.deps.clock.now() - t0, started);
      } catch (err) {
        this.noteError(err);
        this.stats.failed();
        if (attempt >= this.o.attempts || !isRetryable(err) || this.closing) break;
        this.n.retries++;
        if (!this.isDown()) this.health = 'degraded';
        await this.sleep(backoffDelay(attempt, this.o.retryInitialMs, this.o.retryMaxMs, this.o.random));
        if (this.isDown()) break; // a concurrent write found the sink down meanwhile
      }
    }
    return this.toSpool(batch, started);
  }

  /**
   * Circuit open: the batch goes to the spool. A sink without probe() (SQLite) gets one live
   * batch per probe interval first: that attempt is its probe, which the replay cannot do for
   * it without sealing the open spool file (a new file every interval). Sinks with probe()
   * (PostgreSQL, Oracle) are probed by the replay timer and never wait on a live attempt.
   */
  private async halfOpen(batch: RowBatch): Promise<DeliveryWriteResult> {
    const started = this.deps.clock.now();
    if (this.sink.probe || this.replaying || started - this.lastTry < this.o.probeIntervalMs) return this.toSpool(batch, started);
    this.lastTry = started;
    try {
      const result = await this.sink.write(batch);
      this.deps.logger.info({ sink: this.kind }, 'sink is back: replaying the spool');
      return this.written(batch, result.inserted, rejectedOf(result), this.deps.clock.now() - started, started);
    } catch (err) {
      this.noteError(err);
      this.stats.failed();
      return this.toSpool(batch, started);
    }
  }

  /** A method, not a field read: health changes across awaits, which narrowing cannot see. */
  private isDown(): boolean {
    return this.health === 'down';
  }

  private written(batch: RowBatch, inserted: number, rejected: number, latencyMs: number, started: number): DeliveryWriteResult {
    this.n.rowsWritten += batch.length;
    this.n.rowsInserted += inserted;
    this.n.rejectedRows += rejected;
    this.stats.written(batch.length, latencyMs);
    const pending = this.spool.pending().files > 0;
    this.health = pending ? 'degraded' : 'ok';
    if (pending) void this.runReplay();
    return { inserted, durationMs: this.deps.clock.now() - started, spooled: 0, rejected };
  }

  private async toSpool(batch: RowBatch, started: number): Promise<DeliveryWriteResult> {
    try {
      await this.spool.append(batch);
    } catch (err) {
      this.n.spoolFailures++;
      this.noteSpoolError(err);
      this.health = 'down';
      this.deps.logger.error({ err, rows: batch.length, dir: this.spool.dir }, 'the sink is down AND the spool failed: the buffer keeps the batch');
      throw new SinkError('SPOOL_FAILED', `sink down and spool failed: ${errorText(err)}`, true, null, { cause: err });
    }
    if (this.health !== 'down') {
      this.lastTry = this.deps.clock.now();
      this.deps.logger.warn({ sink: this.kind, lastError: this.lastError?.message, dir: this.spool.dir }, 'sink down: batches go to the CSV spool until it is back');
    }
    this.health = 'down';
    this.n.spooledRows += batch.length;
    this.n.spooledBatches++;
    return { inserted: 0, durationMs: this.deps.clock.now() - started, spooled: batch.length, rejected: 0 };
  }

  /**
   * Replay the spool now (if no replay runs) and resolve when it ends. True when the spool is
   * empty afterwards. Never rejects: a failure is recorded in health and lastError.
   */
  async replayNow(): Promise<boolean> {
    await this.runReplay();
    return this.spool.pending().files === 0;
  }

  private runReplay(): Promise<void> {
    this.replaying ??= this.replayOnce().finally(() => {
      this.replaying = null;
    });
    return this.replaying;
  }

  private async replayOnce(): Promise<void> {
    try {
      // The open file may be sealed (and replayed) only once the sink is known to take
      // batches: by its probe, by a committed batch, or because it never went down.
      let proven = this.health !== 'down';
      if (!proven && this.sink.probe) {
        await this.sink.probe();
        proven = true;
      }
      await replaySpool(this.spool, this.sink, {
        maxRows: this.o.replayBatchRows,
        logger: this.deps.logger,
        shouldStop: () => this.closing,
        maySealOpenFile: () => proven || !this.isDown(),
        hooks: {
          onCommitted: (batch, result) => {
            this.n.replayedRows += batch.length;
            this.n.rowsInserted += result.inserted;
            this.n.rejectedRows += rejectedOf(result);
            if (this.health === 'down') {
              this.health = 'degraded'; // the sink took a batch: close the circuit
              this.deps.logger.info({ sink: this.kind }, 'sink is back: replaying the spool');
            }
          },
          onFileDone: (file, stats) => this.deps.logger.info({ file, ...stats }, 'spool file replayed and deleted'),
          onQuarantined: (_file, err) => {
            this.n.quarantined++;
            this.noteError(err);
          },
        },
      });
      if (this.health !== 'down' && this.spool.pending().files === 0) this.health = 'ok';
      if (!this.tagsSynced) await this.syncTags(this.tags ?? []);
    } catch (err) {
      this.noteError(err);
      this.deps.logger.warn({ err: errorText(err), pending: this.spool.pending() }, 'spool replay stopped; it resumes at the next probe');
    }
  }

  /** Upsert the tags dimension table. Never rejects: while the sink is down the tags are kept and synced after recovery. */
  async syncTags(tags: readonly TagRef[]): Promise<void> {
    this.tags = tags;
    if (!this.sink.syncTags) return;
    try {
      await this.sink.syncTags(tags);
      this.tagsSynced = true;
    } catch (err) {
      this.tagsSynced = false;
      this.noteError(err);
      this.deps.logger.warn({ err: errorText(err), tags: tags.length }, 'could not sync the tags table; retried when the sink is back');
    }
  }

  async probe(): Promise<void> {
    await this.sink.probe?.();
  }

  private schedule(): void {
    if (this.closing) return;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = null;
      if (this.spool.pending().files > 0) void this.runReplay().finally(() => this.schedule());
      else this.schedule();
    }, this.o.probeIntervalMs);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.sleepers.delete(wake);
        this.deps.clock.clearTimeout(id);
        resolve();
      };
      const id = this.deps.clock.setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private noteError(err: unknown): void {
    const message = errorText(err);
    this.sinkError = message;
    this.lastError = { message, at: this.deps.clock.now() };
  }

  /** Both reasons: why the sink would not take the batch, and why the spool would not either. */
  private noteSpoolError(err: unknown): void {
    const spool = `the spool cannot write: ${errorText(err)}`;
    this.lastError = { message: this.sinkError ? `${this.sinkError}; and ${spool}` : spool, at: this.deps.clock.now() };
  }

  metrics(): DeliveryMetrics {
    const pending = this.spool.pending();
    return {
      sink: this.kind,
      health: this.health,
      lastError: this.lastError,
      rowsWritten: this.n.rowsWritten,
      rowsInserted: this.n.rowsInserted,
      batches: this.stats.batches,
      retries: this.n.retries,
      spooledRows: this.n.spooledRows,
      spooledBatches: this.n.spooledBatches,
      replayedRows: this.n.replayedRows,
      rejectedRows: this.n.rejectedRows,
      spoolFailures: this.n.spoolFailures,
      spoolQuarantined: this.n.quarantined,
      spoolPending: { files: pending.files, bytes: pending.bytes },
      spoolRows: pending.rows,
      spoolMaxBytes: this.spool.maxBytes,
      spoolDroppedRows: this.spool.droppedRows,
      spoolDroppedFiles: this.spool.droppedFiles,
      writeLatencyMs: this.stats.latency(),
      rowsPerSecond: this.stats.rowsPerSecond(),
      tagsSynced: this.tagsSynced,
    };
  }

  /** Stop timers and retries (a retrying batch goes to the spool), finish a replay, close spool and sink. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.timer !== null) this.deps.clock.clearTimeout(this.timer);
    for (const wake of [...this.sleepers]) wake();
    await this.replaying;
    await this.spool.close();
    await this.sink.close();
  }
}
