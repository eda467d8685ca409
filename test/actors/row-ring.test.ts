import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RowRing } from '../../src/actors/buffer/row-ring.js';
import type { PollBatch } from '../../src/io/types.js';

function batch(ids: number[], ts: number, texts?: (string | null)[]): PollBatch {
  return {
    ts,
    tagIds: Int32Array.from(ids),
    values: Float64Array.from(ids.map((i) => i * 1.5)),
    quality: new Uint8Array(ids.length),
    texts,
  };
}

describe('RowRing', () => {
  it('returns rows in FIFO order across the wrap-around', () => {
    const ring = new RowRing(5);
    ring.push(batch([1, 2, 3], 10));
    expect(ring.take(2)?.tagIds).toEqual(Int32Array.from([1, 2]));
    ring.push(batch([4, 5, 6], 20));
    const out = ring.take(10)!;
    expect(Array.from(out.tagIds)).toEqual([3, 4, 5, 6]);
    expect(Array.from(out.ts)).toEqual([10, 20, 20, 20]);
    expect(Array.from(out.values)).toEqual([4.5, 6, 7.5, 9]);
    expect(ring.size).toBe(0);
    expect(ring.take(1)).toBeNull();
  });

  it('drops the oldest rows when full and counts every one', () => {
    const ring = new RowRing(4);
    ring.push(batch([1, 2, 3], 1));
    ring.push(batch([4, 5, 6], 2));
    expect(ring.dropped).toBe(2);
    expect(ring.produced).toBe(6);
    expect(Array.from(ring.take(10)!.tagIds)).toEqual([3, 4, 5, 6]);
  });

  it('carries strings only where a batch had them', () => {
    const ring = new RowRing(8);
    ring.push(batch([1, 2], 1));
    ring.push(batch([3, 4], 2, [null, 'AB']));
    const out = ring.take(8)!;
    expect(out.texts).toEqual([null, null, null, 'AB']);
    ring.push(batch([5], 3));
    expect(ring.take(8)!.texts).toBeNull();
  });

  // Mutation check (issue 13): with the text-row counter not decremented on overflow, every later
  // batch carried a text column of nulls (and the sinks' slower text path) for ever.
  it('forgets the strings of rows dropped on overflow: later batches carry no text column', () => {
    const ring = new RowRing(4);
    ring.push(batch([1, 2], 1, ['A', 'B']));
    ring.push(batch([3, 4, 5, 6], 2)); // drops rows 1 and 2, the only ones with text
    expect(ring.dropped).toBe(2);
    const first = ring.take(2)!; // the ring is not empty after this take
    expect(Array.from(first.tagIds)).toEqual([3, 4]);
    expect(first.texts).toBeNull();
    ring.push(batch([7], 3));
    expect(ring.take(1)!.texts).toBeNull();
    // A string that is still there is still carried.
    ring.push(batch([8, 9, 10, 11], 4, [null, null, null, 'Z']));
    expect(ring.take(8)!.texts).toEqual([null, null, null, 'Z']);
  });

  it('accounts for every row: produced = taken + dropped + size (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.oneof(fc.record({ push: fc.integer({ min: 0, max: 40 }) }), fc.record({ take: fc.integer({ min: 0, max: 60 }) })), { maxLength: 60 }),
        (capacity, ops) => {
          const ring = new RowRing(capacity);
          let next = 0;
          const expected: number[] = [];
          for (const op of ops) {
            if ('push' in op) {
              const ids = Array.from({ length: op.push }, () => next++);
              ring.push(batch(ids, 0));
              expected.push(...ids);
              while (expected.length > capacity) expected.shift();
            } else {
              const out = ring.take(op.take);
              const want = expected.splice(0, op.take);
              expect(out ? Array.from(out.tagIds) : []).toEqual(want);
            }
            expect(ring.produced).toBe(ring.taken + ring.dropped + ring.size);
          }
        },
      ),
    );
  });
});
