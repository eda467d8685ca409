import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { BufferActor } from '../../src/actors/buffer/buffer-actor.js';
import { silentLogger } from '../../src/log.js';
import type { RowBatch, Sink, WriteResult } from '../../src/io/sink/rows.js';
import type { PollBatch } from '../../src/io/types.js';
import { advance, settle } from '../support/sim-time.js';

/** A sink that records batches and fails while `down` is true. */
class FakeSink implements Sink {
  readonly kind = 'fake';
  batches: RowBatch[] = [];
  down = false;
  attempts = 0;
  async write(batch: RowBatch): Promise<WriteResult> {
    this.attempts++;
    if (this.down) throw new Error('database is down');
    this.batches.push(batch);
    return { inserted: batch.length, durationMs: 1 };
  }
  get rows(): number {
    return this.batches.reduce((n, b) => n + b.length, 0);
  }
  async close(): Promise<void> {}
}

function poll(n: number, ts: number, firstId = 1): PollBatch {
  return { ts, tagIds: Int32Array.from({ length: n }, (_, i) => firstId + i), values: new Float64Array(n), quality: new Uint8Array(n) };
}

function setup(capacity = 10_000) {
  const clock = new SimulatedClock();
  const sink = new FakeSink();
  const buffer = new BufferActor(sink, { capacity, flushIntervalMs: 500, flushRows: 500, batchMaxRows: 5000 }, { logger: silentLogger(), clock });
  buffer.start();
  return { clock, sink, buffer };
}

describe('BufferActor', () => {
  it('flushes every 500 ms when fewer than 500 rows wait', async () => {
    const { clock, sink, buffer } = setup();
    buffer.push(poll(10, 0));
    await advance(clock, 499, 1);
    expect(sink.rows).toBe(0);
    await advance(clock, 1, 1);
    expect(sink.rows).toBe(10);
  });

  it('flushes at once when 500 rows wait', async () => {
    const { sink, buffer } = setup();
    buffer.push(poll(300, 0));
    buffer.push(poll(300, 1));
    await settle();
    expect(sink.rows).toBe(600);
    expect(sink.batches).toHaveLength(1);
  });

  it('keeps a failed batch and retries it first, losing nothing', async () => {
    const { clock, sink, buffer } = setup();
    sink.down = true;
    buffer.push(poll(600, 0));
    await settle();
    expect(buffer.status().inFlight).toBe(600);
    buffer.push(poll(100, 1, 1000));
    await advance(clock, 2000, 10);
    expect(sink.attempts).toBeGreaterThan(1);
    sink.down = false;
    await advance(clock, 20_000, 50);
    expect(sink.rows).toBe(700);
    expect(Array.from(sink.batches[0]!.tagIds.subarray(0, 3))).toEqual([1, 2, 3]);
    const s = buffer.status();
    expect(s.written).toBe(700);
    expect(s.failedWrites).toBeGreaterThan(0);
    expect(s.lastError).toBe('database is down');
  });

  it('counts overflow: produced = written + dropped', async () => {
    const { clock, sink, buffer } = setup(1000);
    sink.down = true;
    for (let i = 0; i < 30; i++) buffer.push(poll(100, i, i * 100));
    sink.down = false;
    await advance(clock, 30_000, 100);
    const s = buffer.status();
    expect(s.produced).toBe(3000);
    expect(s.dropped).toBeGreaterThan(0);
    expect(s.written + s.dropped).toBe(s.produced);
    expect(sink.rows).toBe(s.written);
  });

  it('drains everything on stop', async () => {
    const { sink, buffer } = setup();
    buffer.push(poll(7, 0));
    buffer.push(poll(3, 1, 100));
    expect(await buffer.drain(1000)).toBe(true);
    expect(sink.rows).toBe(10);
  });
});
