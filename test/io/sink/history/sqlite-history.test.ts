import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryResult } from '../../../../src/io/sink/history/history-source.js';
import { SqliteHistory } from '../../../../src/io/sink/history/sqlite-history.js';
import { createSqliteFixture } from './databases.js';
import { BASE, expectedBuckets, fixtureRows, STEP_MS } from './fixture.js';

let dir: string;
let path: string;
let history: SqliteHistory;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jsscada-history-'));
  path = join(dir, 'values.db');
  createSqliteFixture(path);
  history = new SqliteHistory(path);
});
afterAll(async () => {
  await history.close();
  rmSync(dir, { recursive: true, force: true });
});

const A = { collector: 'line-a', device: 'plc1', tag: 'temp' } as const;
const B = { collector: 'line-b', device: 'plc1', tag: 'temp' } as const;
const range = { from: BASE, to: BASE + 9_999, limit: 1000 };

function buckets(r: HistoryResult) {
  if (r.kind !== 'buckets') throw new Error(`expected buckets, got ${r.kind}`);
  return r;
}
function points(r: HistoryResult) {
  if (r.kind !== 'points') throw new Error(`expected points, got ${r.kind}`);
  return r;
}

describe('SQLite history', () => {
  it('answers exact min/max/avg/count/last/bad per bucket when the range holds more rows than maxPoints', async () => {
    const r = buckets(await history.read(A, { ...range, maxPoints: 10 }));
    expect(r.bucketMs).toBe(1000);
    const want = expectedBuckets(0);
    expect(r.buckets.map(({ avg, ...rest }) => rest)).toEqual(want.map(({ avg, ...rest }) => rest));
    r.buckets.forEach((b, k) => expect(b.avg).toBeCloseTo(want[k]!.avg, 9));
  });

  it('aligns buckets to multiples of the width from the epoch; partial first and last buckets hold only rows in the range', async () => {
    // maxPoints 15 over 10,000 ms: width 667 ms, which does not divide BASE.
    const from = BASE + 250;
    const to = BASE + 9_999;
    const r = buckets(await history.read(A, { from, to, limit: 1000, maxPoints: 15 }));
    expect(r.bucketMs).toBe(Math.ceil((to - from + 1) / 15));
    // A reference computed here from the fixture rows, row by row.
    const mine = fixtureRows().filter((x) => x.tag === 1 && x.ts >= from && x.ts <= to);
    const want = new Map<number, typeof mine>();
    for (const x of mine) {
      const start = Math.floor(x.ts / r.bucketMs) * r.bucketMs;
      want.set(start, [...(want.get(start) ?? []), x]);
    }
    expect(r.buckets.map((b) => b.ts)).toEqual([...want.keys()]);
    for (const b of r.buckets) {
      const rows = want.get(b.ts)!;
      const good = rows.flatMap((x) => (x.value === null ? [] : [x.value]));
      expect(b).toMatchObject({ count: rows.length, bad: rows.length - good.length, min: Math.min(...good), max: Math.max(...good), last: rows.at(-1)!.value });
      expect(b.avg).toBeCloseTo(good.reduce((a, v) => a + v, 0) / good.length, 9);
    }
    expect(r.buckets.length).toBeLessThanOrEqual(16);
  });

  it('returns raw points, oldest first, when the range holds no more rows than maxPoints', async () => {
    const r = points(await history.read(A, { ...range, maxPoints: 100 }));
    expect(r.truncated).toBe(false);
    expect(r.points).toHaveLength(100);
    expect(r.points[0]).toEqual({ ts: BASE, value: 0, text: null, quality: 0 });
    expect(r.points[5]).toEqual({ ts: BASE + 5 * STEP_MS, value: null, text: null, quality: 1 });
    const limited = points(await history.read(A, { ...range, limit: 3 }));
    expect(limited).toEqual({ kind: 'points', truncated: true, points: [97, 98, 99].map((i) => ({ ts: BASE + i * STEP_MS, value: i, text: null, quality: 0 })) });
  });

  it('reads two collectors with the same device and tag names apart', async () => {
    const b = buckets(await history.read(B, { ...range, maxPoints: 10 }));
    expect(b.buckets.map((x) => [x.min, x.max, x.last])).toEqual(expectedBuckets(1000).map((x) => [x.min, x.max, x.last]));
    const raw = points(await history.read(B, { ...range, limit: 1 }));
    expect(raw.points[0]!.value).toBe(1099);
    const latest = await history.latest('line-b', [{ device: 'plc1', tag: 'temp' }]);
    expect([...latest]).toEqual([['plc1\u0000temp', { ts: BASE + 99 * STEP_MS, value: 1099, text: null, quality: 0 }]]);
  });

  it('a null device reads the newest tag of that name; tagExists knows collectors and devices', async () => {
    const r = points(await history.read({ collector: 'line-a', device: null, tag: 'temp' }, { ...range, limit: 1 }));
    expect(r.points[0]!.value).toBe(99);
    const old = points(await history.read({ collector: 'line-a', device: 'old', tag: 'temp' }, { from: 0, to: BASE, limit: 10 }));
    expect(old.points.map((p) => p.value)).toEqual([42]);
    expect(await history.tagExists({ collector: 'line-a', device: null, tag: 'temp' })).toBe(true);
    expect(await history.tagExists({ collector: 'line-b', device: 'plc1', tag: 'other' })).toBe(false);
    expect(await history.tagExists({ collector: 'line-c', device: null, tag: 'temp' })).toBe(false);
    expect(await history.read({ collector: 'line-c', device: null, tag: 'temp' }, range)).toEqual({ kind: 'points', points: [], truncated: false });
  });

  it('latest: the newest row of each named tag of one collector, keyed device NUL tag', async () => {
    const latest = await history.latest('line-a', [
      { device: 'plc1', tag: 'temp' },
      { device: 'old', tag: 'temp' },
      { device: 'plc1', tag: 'other' },
      { device: 'plc1', tag: 'missing' },
    ]);
    expect(Object.fromEntries(latest)).toEqual({
      'plc1\u0000temp': { ts: BASE + 99 * STEP_MS, value: 99, text: null, quality: 0 },
      'old\u0000temp': { ts: BASE - 86_400_000, value: 42, text: null, quality: 0 },
      'plc1\u0000other': { ts: BASE + 99 * STEP_MS, value: -99, text: null, quality: 0 },
    });
  });

  it('a file without the value tables yet reads as empty; a missing file fails as SINK_UNAVAILABLE', async () => {
    const blank = join(dir, 'blank.db');
    new Database(blank).close();
    const h = new SqliteHistory(blank);
    const missing = new SqliteHistory(join(dir, 'nope.db'));
    try {
      expect(await h.tagExists(A)).toBe(false);
      expect(await h.read(A, range)).toEqual({ kind: 'points', points: [], truncated: false });
      await expect(missing.read(A, range)).rejects.toMatchObject({ name: 'SinkError', code: 'SINK_UNAVAILABLE', message: expect.stringContaining('nope.db') });
    } finally {
      await h.close();
      await missing.close();
    }
  });
});

describe('SQLite history: the closed-bucket cache', () => {
  it('serves whole buckets that are over from the cache, recomputes the open one and expired ones', async () => {
    const { SqliteHistoryQueries } = await import('../../../../src/io/sink/history/sqlite-queries.js');
    const { BucketCache } = await import('../../../../src/io/sink/history/bucket-cache.js');
    const file = join(dir, 'cache.db');
    createSqliteFixture(file);
    const db = new Database(file);
    let now = BASE + 9_500; // the last bucket [BASE + 9000, BASE + 9999] is still open
    const cache = new BucketCache({ maxEntries: 100, ttlMs: 60_000, settleMs: 0 }, () => now);
    const q = new SqliteHistoryQueries(db, cache);
    const query = { ...range, maxPoints: 10 };
    const before = buckets(q.read(A, query));
    expect(before.buckets).toHaveLength(10);
    expect(cache.size).toBe(9); // the nine that ended before `now`

    // A late row lands in a closed bucket (a replayed spool) and one in the open bucket.
    const tagId = (db.prepare("SELECT t.id FROM tags t JOIN collectors c ON c.id = t.collector_id WHERE c.name = 'line-a' AND t.device = 'plc1' AND t.name = 'temp'").get() as { id: number }).id;
    db.prepare('INSERT INTO tag_data (tag_id, ts, value, quality) VALUES (?, ?, ?, 0)').run(tagId, BASE + 50, 500);
    db.prepare('INSERT INTO tag_data (tag_id, ts, value, quality) VALUES (?, ?, ?, 0)').run(tagId, BASE + 9_950, 600);
    const cached = buckets(q.read(A, query));
    expect(cached.buckets[0]).toEqual(before.buckets[0]); // from the cache: the late row is not seen yet
    expect(cached.buckets[9]).toMatchObject({ count: 11, max: 600 }); // the open bucket is recomputed

    now += 60_001; // the cached entries expire
    expect(buckets(q.read(A, query)).buckets[0]).toMatchObject({ count: 11, max: 500 });
    db.close();
  });

  it('never caches a bucket cut by the range (first or last), so another range gets its own rows', async () => {
    const { SqliteHistoryQueries } = await import('../../../../src/io/sink/history/sqlite-queries.js');
    const { BucketCache } = await import('../../../../src/io/sink/history/bucket-cache.js');
    const db = new Database(path, { readonly: true });
    const cache = new BucketCache({ maxEntries: 100, ttlMs: 60_000, settleMs: 0 }, () => BASE + 100_000);
    const q = new SqliteHistoryQueries(db, cache);
    const cut = buckets(q.read(A, { from: BASE + 500, to: BASE + 9_999, limit: 1000, maxPoints: 10 }));
    expect(cut.bucketMs).toBe(950);
    const whole = buckets(q.read(A, { from: BASE - 450, to: BASE + 9_049, limit: 1000, maxPoints: 10 })); // same width, other cuts
    expect(whole.bucketMs).toBe(950);
    const fresh = buckets(new SqliteHistoryQueries(db, new BucketCache()).read(A, { from: BASE - 450, to: BASE + 9_049, limit: 1000, maxPoints: 10 }));
    expect(whole).toEqual(fresh);
    expect(whole.buckets.reduce((n, b) => n + b.count, 0)).toBe(91); // i = 0 .. 90
    expect(cut.buckets.reduce((n, b) => n + b.count, 0)).toBe(95); // i = 5 .. 99
    db.close();
  });
});
