import { describe, expect, it } from 'vitest';
import { BucketCache, readBuckets } from '../../../../src/io/sink/history/bucket-cache.js';
import type { HistoryBucket } from '../../../../src/io/sink/history/history-source.js';

/** One row a second, value = its second; the "database" aggregates a span as a GROUP BY would. */
function database() {
  const calls: [number, number][] = [];
  const fetch = async (from: number, to: number, width: number): Promise<HistoryBucket[]> => {
    calls.push([from, to]);
    const out = new Map<number, HistoryBucket>();
    for (let ts = Math.ceil(from / 1000) * 1000; ts <= to; ts += 1000) {
      const start = Math.floor(ts / width) * width;
      const v = ts / 1000;
      const b = out.get(start) ?? { ts: start, min: v, max: v, avg: 0, count: 0, last: v, bad: 0 };
      b.avg = (b.avg! * b.count + v) / (b.count + 1);
      b.count++;
      b.min = Math.min(b.min!, v);
      b.max = Math.max(b.max!, v);
      b.last = v;
      out.set(start, b);
    }
    return [...out.values()];
  };
  return { calls, fetch };
}

describe('readBuckets with the closed-bucket cache', () => {
  it('asks the database only for buckets not cached: the cut first one and the newest, as the window moves', async () => {
    let now = 1_000_000;
    const cache = new BucketCache({ maxEntries: 1000, ttlMs: 600_000, settleMs: 5_000 }, () => now);
    const db = database();
    const width = 10_000;
    const first = await readBuckets(cache, 7, 500_500, 999_999, width, (a, b) => db.fetch(a, b, width));
    expect(db.calls).toEqual([[500_500, 999_999]]);
    expect(cache.size).toBe(48); // whole (500,000 is cut) and ended by 995,000: 510,000 .. 980,000

    now = 1_060_000;
    db.calls.length = 0;
    const moved = await readBuckets(cache, 7, 560_500, 1_059_999, width, (a, b) => db.fetch(a, b, width));
    expect(db.calls).toEqual([
      [560_500, 569_999],
      [990_000, 1_059_999],
    ]);
    const fresh = await readBuckets(new BucketCache(undefined, () => now), 7, 560_500, 1_059_999, width, (a, b) => database().fetch(a, b, width));
    expect(moved).toEqual(fresh);
    expect(moved.reduce((n, b) => n + b.count, 0)).toBe(499); // seconds 561 .. 1059
    expect(first.at(-1)!.count).toBe(10);
  });

  it('keeps tags and widths apart, forgets entries after the TTL, and stays within maxEntries', async () => {
    let now = 100_000;
    const cache = new BucketCache({ maxEntries: 5, ttlMs: 1_000, settleMs: 0 }, () => now);
    const db = database();
    await readBuckets(cache, 1, 0, 49_999, 10_000, (a, b) => db.fetch(a, b, 10_000));
    expect(cache.size).toBe(5);
    db.calls.length = 0;
    await readBuckets(cache, 2, 0, 49_999, 10_000, (a, b) => db.fetch(a, b, 10_000)); // another tag: nothing cached
    await readBuckets(cache, 2, 0, 49_999, 5_000, (a, b) => db.fetch(a, b, 5_000)); // another width
    expect(db.calls).toEqual([
      [0, 49_999],
      [0, 49_999],
    ]);
    expect(cache.size).toBe(5);
    db.calls.length = 0;
    await readBuckets(cache, 2, 0, 49_999, 5_000, (a, b) => db.fetch(a, b, 5_000));
    expect(db.calls).toEqual([[0, 24_999]]); // the 5 newest entries are cached, the 5 oldest were evicted
    now += 1_001;
    db.calls.length = 0;
    await readBuckets(cache, 2, 0, 49_999, 5_000, (a, b) => db.fetch(a, b, 5_000));
    expect(db.calls).toEqual([[0, 49_999]]);
  });
});
