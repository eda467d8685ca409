import type { RowBatch, Sink, WriteResult } from '../../../../src/io/sink/rows.js';
import type { TagRef } from '../../../../src/io/sink/identity/tag-ref.js';
import { SinkError } from '../../../../src/io/sink/delivery/sink-error.js';

/**
 * A sink with the real sinks' contract in memory: a batch commits whole or not at all, and a
 * row whose natural key (tag_id, ts) is stored already is ignored. `fail` decides, per
 * attempt, whether it throws (and what).
 */
export class MemorySink implements Sink {
  readonly kind = 'memory';
  readonly rows = new Map<string, { value: number; text: string | null }>();
  attempts = 0;
  /** Every row ever offered to a commit, duplicates included. */
  offered = 0;
  tags: readonly TagRef[] = [];
  fail: (attempt: number) => Error | null = () => null;
  probeFails = false;
  probes = 0;

  async write(batch: RowBatch): Promise<WriteResult> {
    this.attempts++;
    const err = this.fail(this.attempts);
    if (err) throw err;
    let inserted = 0;
    for (let i = 0; i < batch.length; i++) {
      const key = `${batch.tagIds[i]}:${batch.ts[i]}`;
      this.offered++;
      if (this.rows.has(key)) continue;
      this.rows.set(key, { value: batch.values[i]!, text: batch.texts ? (batch.texts[i] ?? null) : null });
      inserted++;
    }
    return { inserted, durationMs: 1 };
  }

  async probe(): Promise<void> {
    this.probes++;
    if (this.probeFails) throw unavailable();
  }

  async syncTags(tags: readonly TagRef[]): Promise<void> {
    const err = this.fail(++this.attempts);
    if (err) throw err;
    this.tags = tags;
  }

  async close(): Promise<void> {}
}

export function unavailable(): SinkError {
  return new SinkError('SINK_UNAVAILABLE', 'connection refused', true, 'ECONNREFUSED');
}

export function batchOf(n: number, first = 0, ts0 = 1_000_000): RowBatch {
  return {
    length: n,
    tagIds: Int32Array.from({ length: n }, (_, i) => 1 + ((first + i) % 50)),
    ts: Float64Array.from({ length: n }, (_, i) => ts0 + Math.floor((first + i) / 50)),
    values: Float64Array.from({ length: n }, (_, i) => (first + i) / 4),
    quality: new Uint8Array(n),
    texts: null,
  };
}
