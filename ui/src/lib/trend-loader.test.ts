import { describe, expect, it } from 'vitest';
import type { History } from './schemas/status.js';
import { maxPointsFor, TrendLoader } from './trend-loader.js';
import { TrendSeries } from './trend-series.js';

const head = { tag: 't', from: '', to: '', limit: 10_000, truncated: false };
const raw = (points: [number, number | null][], truncated = false): History => ({
  ...head,
  mode: 'raw',
  truncated,
  points: points.map(([ts, value]) => ({ ts, timestamp: new Date(ts).toISOString(), value, text: null, quality: value === null ? 'bad_comm' : 'good' })),
});
const buckets = (bucketMs: number, rows: [number, number, number, number][]): History => ({
  ...head,
  mode: 'buckets',
  points: [],
  bucketMs,
  buckets: rows.map(([ts, min, avg, max]) => ({ ts, timestamp: new Date(ts).toISOString(), min, max, avg, count: 10, last: avg, bad: 0 })),
});

describe('TrendLoader', () => {
  it('raw points: the whole window once, then only what came since the last point', () => {
    const s = new TrendSeries();
    const l = new TrendLoader(s);
    const first = l.plan(0, 10_000)!;
    expect(first).toEqual({ from: 0, to: 10_000, whole: true });
    expect(l.apply(first, raw([[1000, 1], [2000, null]], true), 0)).toEqual({ truncated: true });
    const next = l.plan(2000, 12_000)!;
    expect(next).toEqual({ from: 2001, to: 12_000, whole: false });
    l.apply(next, raw([[11_000, 3]]), 2000);
    expect(s.ts).toEqual([2000, 11_000]);
    expect(s.values).toEqual([null, 3]);
    expect(s.mins).toEqual([null, null]);
  });

  it('buckets: the series holds avg and the min/max band; the window is asked again once per bucket width, not every refresh', () => {
    const s = new TrendSeries();
    const l = new TrendLoader(s);
    const first = l.plan(0, 14_400_000)!;
    l.apply(first, buckets(14_400, [[0, 1, 2, 3], [14_400, 4, 5, 6]]), 0);
    expect(s.bucketMs).toBe(14_400);
    expect([s.ts, s.values, s.mins, s.maxs]).toEqual([[0, 14_400], [2, 5], [1, 4], [3, 6]]);
    expect(l.plan(2000, 14_402_000)).toBeNull(); // 2 s later: the last bucket has not moved on
    expect(l.plan(14_400, 14_414_400)).toEqual({ from: 14_400, to: 14_414_400, whole: true });
  });

  it('switches between raw and buckets as the answers do', () => {
    const s = new TrendSeries();
    const l = new TrendLoader(s);
    l.apply(l.plan(0, 1000)!, raw([[500, 1]]), 0);
    // More arrived in one refresh than the chart can show: start over with the whole window.
    const incremental = l.plan(0, 3000)!;
    expect(incremental.whole).toBe(false);
    l.apply(incremental, buckets(10, [[600, 0, 1, 2]]), 0);
    expect(s.length).toBe(0);
    const whole = l.plan(0, 3000)!;
    expect(whole.whole).toBe(true);
    l.apply(whole, buckets(10, [[0, 0, 1, 2]]), 0);
    expect(s.bucketMs).toBe(10);
    // A shorter window comes back raw: the buckets are replaced, never mixed with points.
    l.apply(l.plan(0, 100_000)!, raw([[50, 7]]), 0);
    expect([s.bucketMs, s.ts, s.values, s.maxs]).toEqual([null, [50], [7], [null]]);
  });

  it('asks for about one point per pixel', () => {
    expect(maxPointsFor(1234.4)).toBe(1234);
    expect(maxPointsFor(0)).toBe(100);
    expect(maxPointsFor(10_000)).toBe(4000);
  });
});
