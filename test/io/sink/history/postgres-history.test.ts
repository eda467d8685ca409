import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryResult } from '../../../../src/io/sink/history/history-source.js';
import { PostgresHistory } from '../../../../src/io/sink/history/postgres-history.js';
import { bucketFlavour, bucketsSql, type BucketFlavour } from '../../../../src/io/sink/history/postgres-sql.js';
import { dropSchema, NO_PG, PG_URL, SKIP_REASON, uniqueSchema, withClient } from '../postgres/pg-env.js';
import { createPgFixture } from './databases.js';
import { BASE, expectedBuckets, STEP_MS } from './fixture.js';

const schema = uniqueSchema('hist');
let history: PostgresHistory;
let tagIds: number[] = [];

beforeAll(async () => {
  if (NO_PG) return;
  tagIds = await createPgFixture(PG_URL!, schema);
  history = new PostgresHistory({ url: PG_URL, schema });
});
afterAll(async () => {
  if (NO_PG) return;
  await history.close();
  await dropSchema(PG_URL!, schema);
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

describe('PostgreSQL history SQL', () => {
  it('uses time_bucket when TimescaleDB is in the database, date_bin from PG 14, arithmetic before', () => {
    expect(bucketFlavour(150004, true)).toBe('time_bucket');
    expect(bucketFlavour(150004, false)).toBe('date_bin');
    expect(bucketFlavour(140000, false)).toBe('date_bin');
    expect(bucketFlavour(130012, false)).toBe('arithmetic');
    // Aligned to the epoch like the others (TimescaleDB's default origin is 2000-01-03).
    expect(bucketsSql('time_bucket')).toContain("time_bucket(($4::bigint * INTERVAL '1 millisecond'), ts, TIMESTAMPTZ 'epoch')");
  });
});

describe.skipIf(NO_PG)(`PostgreSQL history ${NO_PG ? SKIP_REASON : ''}`, () => {
  it('answers exact min/max/avg/count/last/bad per bucket when the range holds more rows than maxPoints', async () => {
    const r = buckets(await history.read(A, { ...range, maxPoints: 10 }));
    expect(r.bucketMs).toBe(1000);
    const want = expectedBuckets(0);
    expect(r.buckets.map(({ avg, ...rest }) => rest)).toEqual(want.map(({ avg, ...rest }) => rest));
    r.buckets.forEach((b, k) => expect(b.avg).toBeCloseTo(want[k]!.avg, 9));
  });

  it('date_bin (PG 14+) and the arithmetic fallback bucket alike, aligned to the epoch', async () => {
    const flavours: BucketFlavour[] = ['date_bin', 'arithmetic'];
    // A width that does not divide BASE: buckets start at multiples of 700 ms from the epoch.
    const params = [tagIds[1], BASE, BASE + 9_999, 700];
    const answers = await withClient(PG_URL!, async (c) => {
      await c.query(`SET search_path TO "${schema}"`);
      return Promise.all(flavours.map(async (f) => (await c.query(bucketsSql(f), params)).rows));
    });
    expect(answers[1]).toEqual(answers[0]);
    const starts = answers[0]!.map((b: { ts: number }) => b.ts);
    expect(starts.every((ts: number) => ts % 700 === 0)).toBe(true);
    expect(starts[0]).toBe(Math.floor(BASE / 700) * 700);
    expect(answers[0]!.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBe(100);
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
    expect(points(await history.read(B, { ...range, limit: 1 })).points[0]!.value).toBe(1099);
    expect(points(await history.read(A, { ...range, limit: 1 })).points[0]!.value).toBe(99);
  });

  it('a null device reads the newest tag of that name; tagExists knows collectors and devices', async () => {
    expect(points(await history.read({ collector: 'line-a', device: null, tag: 'temp' }, { ...range, limit: 1 })).points[0]!.value).toBe(99);
    expect(points(await history.read({ collector: 'line-a', device: 'old', tag: 'temp' }, { from: 0, to: BASE, limit: 10 })).points.map((p) => p.value)).toEqual([42]);
    expect(await history.tagExists({ collector: 'line-a', device: null, tag: 'temp' })).toBe(true);
    expect(await history.tagExists({ collector: 'line-b', device: 'plc1', tag: 'other' })).toBe(false);
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

  it('fails fast with SINK_UNAVAILABLE when the server is down (a closed port), never hangs', async () => {
    const { createServer } = await import('node:net');
    // A port that was free a moment ago: nothing listens on it.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const down = new PostgresHistory({ host: '127.0.0.1', port, user: 'x', database: 'x', schema });
    try {
      await expect(down.read(A, range)).rejects.toMatchObject({ name: 'SinkError', code: 'SINK_UNAVAILABLE', message: expect.stringMatching(/^PostgreSQL history: .*ECONNREFUSED/) });
    } finally {
      await down.close();
    }
  });
});
