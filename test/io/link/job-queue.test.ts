import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JobQueue } from '../../../src/io/link/job-queue.js';

interface Item {
  readonly seq: number;
}

describe('JobQueue', () => {
  it('behaves like a FIFO with ordered re-insertion and removal, against a plain array model', () => {
    const op = fc.oneof(
      fc.constant({ kind: 'push' as const }),
      fc.constant({ kind: 'shift' as const }),
      fc.record({ kind: fc.constant('requeue' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
      fc.constant({ kind: 'drain' as const }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
        const queue = new JobQueue<Item>();
        const model: Item[] = [];
        const taken: Item[] = [];
        let seq = 0;
        for (const o of ops) {
          if (o.kind === 'push') {
            const item = { seq: seq++ };
            queue.push(item);
            model.push(item);
          } else if (o.kind === 'shift') {
            const item = queue.shift();
            expect(item).toBe(model.shift());
            if (item) taken.push(item);
          } else if (o.kind === 'requeue' && taken.length > 0) {
            const item = taken.splice(o.pick % taken.length, 1)[0]!;
            queue.insertInOrder(item);
            const at = model.findIndex((m) => m.seq > item.seq);
            model.splice(at < 0 ? model.length : at, 0, item);
          } else if (o.kind === 'remove' && model.length > 0) {
            const item = model.splice(o.pick % model.length, 1)[0]!;
            expect(queue.remove(item)).toBe(true);
            expect(queue.remove(item)).toBe(false);
          } else if (o.kind === 'drain') {
            expect(queue.drain()).toEqual(model.splice(0));
          }
          expect(queue.length).toBe(model.length);
        }
        expect(queue.drain()).toEqual(model);
      }),
      { numRuns: 200 },
    );
  });

  it('dequeues 200,000 queued items in order', () => {
    const queue = new JobQueue<Item>();
    for (let i = 0; i < 200_000; i++) queue.push({ seq: i });
    let last = -1;
    for (let item = queue.shift(); item; item = queue.shift()) {
      expect(item.seq).toBe(last + 1);
      last = item.seq;
    }
    expect(last).toBe(199_999);
    expect(queue.length).toBe(0);
  });
});
