import type { Logger } from 'pino';
import { BufferActor, type BufferStatus } from '../../../../src/actors/buffer/buffer-actor.js';
import { systemClock } from '../../../../src/clock.js';
import { Delivery, type DeliveryOptions } from '../../../../src/io/sink/delivery/delivery.js';
import type { DeliveryMetrics } from '../../../../src/io/sink/delivery/metrics.js';
import type { Sink } from '../../../../src/io/sink/rows.js';
import { Spool } from '../../../../src/io/sink/spool/spool.js';
import type { PollBatch } from '../../../../src/io/types.js';
import { silentLogger } from '../../../../src/log.js';

/**
 * A small plant for the no-loss tests: a producer polls `tags` numeric tags plus one string tag
 * every `periodMs` into a real BufferActor whose sink is a Delivery around the sink under test;
 * the sink fails for `outage.ms` in the middle; then the buffer is drained and the spool
 * replayed. Real time (the outage is a real server or a real lock), short runs.
 */
export interface PlantRun {
  readonly sink: Sink;
  readonly spoolDir: string;
  readonly tags?: number;
  readonly periodMs?: number;
  readonly beforeMs: number;
  readonly outage: { readonly ms: number; begin(): Promise<void> | void; end(): Promise<void> | void };
  readonly afterMs: number;
  readonly capacity?: number;
  readonly delivery?: DeliveryOptions;
  readonly logger?: Logger;
}

export interface ProducedRow {
  readonly tagId: number;
  readonly ts: number;
  readonly value: number;
  readonly text: string | null;
}

export interface PlantReport {
  readonly buffer: BufferStatus;
  readonly delivery: DeliveryMetrics;
  /** Every row produced, in order (drops, if any, are the oldest rows at an overflow). */
  readonly rows: ProducedRow[];
  readonly spoolFilesLeft: number;
}

export const T0 = Date.UTC(2024, 4, 1, 8);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runPlant(o: PlantRun): Promise<PlantReport> {
  const logger = o.logger ?? silentLogger();
  const tags = o.tags ?? 50;
  const periodMs = o.periodMs ?? 50;
  const spool = new Spool(o.spoolDir, { clock: systemClock, logger });
  const delivery = new Delivery(o.sink, spool, { clock: systemClock, logger }, { probeIntervalMs: 500, retryInitialMs: 100, ...o.delivery });
  await delivery.start();
  const buffer = new BufferActor(delivery, { capacity: o.capacity ?? 100_000, flushIntervalMs: 200, flushRows: 500, batchMaxRows: 5000 }, { logger, clock: systemClock });
  buffer.start();

  const rows: ProducedRow[] = [];
  let k = 0;
  const poll = (): void => {
    const ts = T0 + k * periodMs;
    const n = tags + 1;
    const batch: PollBatch = {
      ts,
      tagIds: Int32Array.from({ length: n }, (_, i) => i + 1),
      values: Float64Array.from({ length: n }, (_, i) => (i === tags ? Number.NaN : k * 1000 + i + 0.1)),
      quality: new Uint8Array(n),
      texts: Array.from({ length: n }, (_, i) => (i === tags ? `poll ${k}, "quoted"\nline 2` : null)),
    };
    for (let i = 0; i < n; i++) rows.push({ tagId: i + 1, ts, value: batch.values[i]!, text: batch.texts![i] ?? null });
    buffer.push(batch);
    k++;
  };
  const producer = setInterval(poll, periodMs);
  await sleep(o.beforeMs);
  await o.outage.begin();
  await sleep(o.outage.ms);
  await o.outage.end();
  await sleep(o.afterMs);
  clearInterval(producer);

  if (!(await buffer.drain(60_000))) throw new Error('the buffer did not drain');
  let empty = false;
  for (let i = 0; i < 60 && !empty; i++) {
    empty = await delivery.replayNow();
    if (!empty) await sleep(500);
  }
  const report = { buffer: buffer.status(), delivery: delivery.metrics(), rows, spoolFilesLeft: spool.pending().files };
  buffer.stop();
  await delivery.close();
  return report;
}

/** The figures a no-loss run reports, one line, for the test log and the closing note. */
export function summary(name: string, r: PlantReport, stored: number): string {
  const b = r.buffer;
  const d = r.delivery;
  return `${name}: produced=${b.produced} written(buffer->delivery)=${b.written} dropped=${b.dropped} | sink rows written=${d.rowsWritten} spooled=${d.spooledRows} replayed=${d.replayedRows} retries=${d.retries} | stored=${stored} spool files left=${r.spoolFilesLeft}`;
}
