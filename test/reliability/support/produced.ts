import { BufferActor } from '../../../src/actors/buffer/buffer-actor.js';
import type { PollBatch } from '../../../src/io/types.js';
import { onCleanup, type StoredRow } from './harness.js';

/**
 * Every row the collector hands to its buffer, recorded by wrapping BufferActor.push (the one
 * entry of values into the buffer) for this test file's process, until the test ends. What the database must hold is
 * then known row by row, not only by count.
 */
export interface ProducedLog {
  readonly rows: StoredRow[];
  /** Stop recording (restores push). */
  restore(): void;
}

export function recordProduced(): ProducedLog {
  const original = BufferActor.prototype.push;
  const rows: StoredRow[] = [];
  BufferActor.prototype.push = function push(this: BufferActor, batch: PollBatch): void {
    const ts = Math.round(batch.ts);
    for (let i = 0; i < batch.tagIds.length; i++) {
      const v = batch.values[i]!;
      rows.push({ tagId: batch.tagIds[i]!, ts, value: Number.isNaN(v) ? null : v, text: batch.texts?.[i] ?? null, quality: batch.quality[i]! });
    }
    original.call(this, batch);
  };
  const restore = (): void => {
    BufferActor.prototype.push = original;
  };
  onCleanup('dirs', restore);
  return { rows, restore };
}
