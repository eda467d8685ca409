import type { History } from './schemas/status.js';
import type { TrendSeries } from './trend-series.js';

/** The refresh period of a trend of raw points (the page's timer). */
export const TREND_REFRESH_MS = 2000;

export interface TrendRequest {
  readonly from: number;
  readonly to: number;
  /** The whole window (its answer replaces the series), or only what came since the last point. */
  readonly whole: boolean;
}

/**
 * What a trend asks the history API for at each refresh, and what it does with the answer.
 * Raw points: the whole window once, then only what was recorded since (as dense as the
 * polling). Buckets (the window holds more rows than the chart has pixels): the whole window
 * again, but no more often than one bucket width: a 4 h window of 1,000 buckets changes every
 * 14.4 s, and asking more often would only rescan the database.
 */
export class TrendLoader {
  private nextWholeAt = 0;

  constructor(readonly series: TrendSeries) {}

  /** The request for a refresh ending at `end`, or null: the buckets held are still current. */
  plan(start: number, end: number): TrendRequest | null {
    const s = this.series;
    if (s.bucketMs !== null) return end >= this.nextWholeAt ? { from: start, to: end, whole: true } : null;
    if (s.lastTs === null) return { from: start, to: end, whole: true };
    return { from: Math.max(start, s.lastTs + 1), to: end, whole: false };
  }

  /** Apply an answer; returns whether the window's raw points were cut by the limit. */
  apply(request: TrendRequest, answer: History, start: number): { truncated: boolean } {
    const s = this.series;
    if (answer.mode === 'buckets') {
      const width = answer.bucketMs ?? 0;
      if (!request.whole) {
        // More arrived since the last refresh than the chart can show: start over with the
        // whole window at the next refresh.
        s.clear();
        return { truncated: false };
      }
      s.setBuckets(width, answer.buckets ?? []);
      this.nextWholeAt = request.to + Math.max(TREND_REFRESH_MS, width);
      return { truncated: false };
    }
    if (request.whole) s.clear();
    s.merge(answer.points.map((p) => ({ ts: p.ts, value: p.quality === 'good' ? p.value : null })));
    s.trimBefore(start);
    return { truncated: answer.truncated };
  }
}

/** About one point per pixel of the chart: the API's maxPoints for a plot this wide. */
export function maxPointsFor(widthPx: number): number {
  return Math.max(100, Math.min(4000, Math.round(widthPx)));
}
