import { describe, expect, it } from 'vitest';
import { loadSelection, saveSelection, TREND_KEY, WINDOWS } from './trend-selection.js';
import { TrendSeries } from './trend-series.js';

describe('TrendSeries', () => {
  it('appends newer points in order', () => {
    const s = new TrendSeries();
    s.merge([{ ts: 1, value: 1 }, { ts: 2, value: 2 }]);
    s.merge([{ ts: 3, value: 3 }]);
    expect(s.ts).toEqual([1, 2, 3]);
    expect(s.values).toEqual([1, 2, 3]);
    expect(s.lastTs).toBe(3);
  });

  it('merges overlapping and out-of-order points without duplicates; a newer answer for a time wins', () => {
    const s = new TrendSeries();
    s.merge([{ ts: 10, value: 1 }, { ts: 30, value: 3 }]);
    s.merge([{ ts: 40, value: 4 }, { ts: 20, value: 2 }, { ts: 30, value: 33 }, { ts: 5, value: 0 }]);
    expect(s.ts).toEqual([5, 10, 20, 30, 40]);
    expect(s.values).toEqual([0, 1, 2, 33, 4]);
  });

  it('keeps gaps (null) and forgets what fell out of the window', () => {
    const s = new TrendSeries();
    s.merge([{ ts: 1, value: 1 }, { ts: 2, value: null }, { ts: 3, value: 3 }]);
    s.trimBefore(2);
    expect(s.ts).toEqual([2, 3]);
    expect(s.values).toEqual([null, 3]);
    s.clear();
    expect(s.length).toBe(0);
  });

  it('merges 10,000 points into 10,000 quickly', () => {
    const s = new TrendSeries();
    s.merge(Array.from({ length: 10_000 }, (_, i) => ({ ts: i * 2, value: i })));
    const t0 = performance.now();
    s.merge(Array.from({ length: 10_000 }, (_, i) => ({ ts: i * 2 + 1, value: -i })));
    expect(performance.now() - t0).toBeLessThan(100);
    expect(s.length).toBe(20_000);
    expect(s.ts[1]).toBe(1);
  });
});

describe('trend selection', () => {
  it('offers long windows (downsampled by the server) and keeps them across a reload', () => {
    const m = new Map<string, string>();
    const storage: Storage = { length: 0, clear: () => m.clear(), getItem: (k) => m.get(k) ?? null, key: () => null, removeItem: (k) => void m.delete(k), setItem: (k, v) => void m.set(k, v) };
    expect(WINDOWS.map((w) => w.label)).toEqual(['5 min', '15 min', '1 h', '4 h', '24 h', '7 d']);
    saveSelection(storage, { tags: ['temp1'], windowMs: 7 * 86_400_000 });
    expect(loadSelection(storage).windowMs).toBe(604_800_000);
  });


  it('survives a reload, and a corrupt or foreign value falls back to the default', () => {
    const m = new Map<string, string>();
    const storage: Storage = { length: 0, clear: () => m.clear(), getItem: (k) => m.get(k) ?? null, key: () => null, removeItem: (k) => void m.delete(k), setItem: (k, v) => void m.set(k, v) };
    saveSelection(storage, { tags: ['temp1', 'flow'], windowMs: 900_000 });
    expect(loadSelection(storage)).toEqual({ tags: ['temp1', 'flow'], windowMs: 900_000 });
    m.set(TREND_KEY, '{"tags":[1,"x"],"windowMs":7}');
    expect(loadSelection(storage)).toEqual({ tags: ['x'], windowMs: 300_000 });
    m.set(TREND_KEY, 'not json');
    expect(loadSelection(storage)).toEqual({ tags: [], windowMs: 300_000 });
    expect(loadSelection(null)).toEqual({ tags: [], windowMs: 300_000 });
  });
});
