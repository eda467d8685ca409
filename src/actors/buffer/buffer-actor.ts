import { createActor, fromPromise, type Actor, type InspectionEvent } from 'xstate';
import type { Logger } from 'pino';
import { bufferMachine, type FlushOutput } from '../../machines/buffer.js';
import type { Clock } from '../../clock.js';
import type { PollBatch } from '../../io/types.js';
import type { RowBatch, Sink } from '../../io/sink/rows.js';
import { RowRing } from './row-ring.js';
import { WriteStats } from './write-stats.js';

export interface BufferOptions {
  readonly capacity: number;
  readonly flushIntervalMs: number;
  readonly flushRows: number;
  /** Rows one write may carry. */
  readonly batchMaxRows: number;
}

export interface BufferStatus {
  readonly size: number;
  readonly capacity: number;
  readonly state: string;
  /** Rows handed to the buffer, written by the sink, dropped by overflow. */
  readonly produced: number;
  readonly written: number;
  readonly dropped: number;
  /** Rows taken from the ring but not yet committed (a batch in flight or being retried). */
  readonly inFlight: number;
  readonly batches: number;
  readonly failedWrites: number;
  readonly lastError: string | null;
  readonly writeLatencyMs: { readonly avg: number; readonly p95: number };
  readonly rowsPerSecond: number;
}

/**
 * The buffer actor: a RowRing for the rows, the pure buffer machine for when to flush, and a
 * flush that writes one batch to the sink. A batch whose write fails is kept and retried first,
 * so a row leaves the buffer only when the sink has committed it.
 */
export class BufferActor {
  private readonly ring: RowRing;
  private pending: RowBatch | null = null;
  private readonly actor: Actor<typeof bufferMachine>;
  private readonly stats: WriteStats;
  private written = 0;

  constructor(
    private readonly sink: Sink,
    private readonly options: BufferOptions,
    private readonly deps: { logger: Logger; clock: Clock; inspect?: ((event: InspectionEvent) => void) | undefined },
  ) {
    this.ring = new RowRing(options.capacity);
    this.stats = new WriteStats(deps.clock);
    const machine = bufferMachine.provide({
      actors: { flush: fromPromise<FlushOutput>(() => this.flushOnce()) },
    });
    this.actor = createActor(machine, {
      clock: deps.clock,
      input: { flushIntervalMs: options.flushIntervalMs, flushRows: options.flushRows },
      ...(deps.inspect ? { inspect: deps.inspect } : {}),
    });
  }

  start(): void {
    this.actor.start();
  }

  /** Hot path: one call per poll. */
  push(batch: PollBatch): void {
    const droppedBefore = this.ring.dropped;
    this.ring.push(batch);
    if (this.ring.dropped !== droppedBefore && droppedBefore === 0) {
      this.deps.logger.warn({ capacity: this.ring.capacity }, 'buffer full: dropping the oldest rows (counted in buffer.dropped)');
    }
    this.actor.send({ type: 'buffer.rows', size: this.waiting() });
  }

  private waiting(): number {
    return this.ring.size + (this.pending?.length ?? 0);
  }

  private async flushOnce(): Promise<FlushOutput> {
    const batch = this.pending ?? this.ring.take(this.options.batchMaxRows);
    if (batch) {
      this.pending = batch;
      const started = this.deps.clock.now();
      try {
        await this.sink.write(batch);
      } catch (err) {
        this.stats.failed();
        this.deps.logger.warn({ err, rows: batch.length, sink: this.sink.kind }, 'write failed; the batch is kept and retried');
        throw err;
      }
      this.pending = null;
      this.written += batch.length;
      this.stats.written(batch.length, this.deps.clock.now() - started);
    }
    return { remaining: this.waiting() };
  }

  /** Write out everything; resolves true when empty, false if `timeoutMs` passed first. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.actor.send({ type: 'buffer.drain' });
    return new Promise<boolean>((resolve) => {
      if (this.actor.getSnapshot().status === 'done') return resolve(true);
      const timer = this.deps.clock.setTimeout(() => {
        sub.unsubscribe();
        resolve(false);
      }, timeoutMs);
      const sub = this.actor.subscribe((snap) => {
        if (snap.status === 'done') {
          this.deps.clock.clearTimeout(timer);
          sub.unsubscribe();
          resolve(true);
        }
      });
    });
  }

  stop(): void {
    this.actor.stop();
  }

  status(): BufferStatus {
    const snap = this.actor.getSnapshot();
    return {
      size: this.ring.size,
      capacity: this.ring.capacity,
      state: typeof snap.value === 'string' ? snap.value : Object.keys(snap.value)[0] ?? 'unknown',
      produced: this.ring.produced,
      written: this.written,
      dropped: this.ring.dropped,
      inFlight: this.pending?.length ?? 0,
      batches: this.stats.batches,
      failedWrites: this.stats.failures,
      lastError: snap.context.lastError,
      writeLatencyMs: this.stats.latency(),
      rowsPerSecond: this.stats.rowsPerSecond(),
    };
  }
}
