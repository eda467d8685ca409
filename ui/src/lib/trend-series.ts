/**
 * The points of one trend: times (epoch ms, ascending, unique) and values (null = a gap: a bad
 * reading or text). History pages and live points arrive overlapping and out of order; merging
 * keeps the series sorted, without duplicates, and inside the window.
 *
 * A long window comes as time buckets instead (the server downsamples): then `values` holds each
 * bucket's average, `mins`/`maxs` its band, and `bucketMs` the width. Raw points leave the band
 * empty (null), so the chart always has the same four data arrays.
 */
export interface TrendPoint {
  readonly ts: number;
  readonly value: number | null;
}

export interface TrendBucket {
  readonly ts: number;
  readonly avg: number | null;
  readonly min: number | null;
  readonly max: number | null;
}

export class TrendSeries {
  readonly ts: number[] = [];
  readonly values: (number | null)[] = [];
  readonly mins: (number | null)[] = [];
  readonly maxs: (number | null)[] = [];
  /** Width of the buckets held, or null for raw points. */
  bucketMs: number | null = null;

  get length(): number {
    return this.ts.length;
  }

  get lastTs(): number | null {
    return this.ts.length === 0 ? null : this.ts[this.ts.length - 1]!;
  }

  /** Replace everything with buckets (a whole window's answer). */
  setBuckets(bucketMs: number, buckets: readonly TrendBucket[]): void {
    this.clear();
    this.bucketMs = bucketMs;
    for (const b of buckets) {
      this.ts.push(b.ts);
      this.values.push(b.avg);
      this.mins.push(b.min);
      this.maxs.push(b.max);
    }
  }

  /** Add raw points; a point at a time already held replaces it. Returns whether anything changed. */
  merge(points: readonly TrendPoint[]): boolean {
    if (points.length === 0) return false;
    if (this.bucketMs !== null) this.clear(); // raw points replace buckets, never mix with them
    const sorted = isSorted(points) ? points : [...points].sort((a, b) => a.ts - b.ts);
    const last = this.lastTs;
    const first = sorted[0]!;
    if (last === null || first.ts > last) {
      // The usual case: newer than everything held, appended in order.
      for (const p of sorted) this.push(p);
      return true;
    }
    // Overlap: merge two sorted lists.
    const ts: number[] = [];
    const values: (number | null)[] = [];
    let i = 0;
    let j = 0;
    while (i < this.ts.length || j < sorted.length) {
      const a = i < this.ts.length ? this.ts[i]! : Infinity;
      const b = j < sorted.length ? sorted[j]!.ts : Infinity;
      if (b <= a) {
        if (ts[ts.length - 1] === b) values[values.length - 1] = sorted[j]!.value;
        else {
          ts.push(b);
          values.push(sorted[j]!.value);
        }
        if (a === b) i++;
        j++;
      } else {
        if (ts[ts.length - 1] !== a) {
          ts.push(a);
          values.push(this.values[i]!);
        }
        i++;
      }
    }
    // Copied in place (a spread of 10,000 arguments is close to engine limits).
    this.clear();
    for (let k = 0; k < ts.length; k++) {
      this.ts.push(ts[k]!);
      this.values.push(values[k]!);
      this.mins.push(null);
      this.maxs.push(null);
    }
    return true;
  }

  /** Forget points older than `from` (the window moved on). */
  trimBefore(from: number): void {
    let n = 0;
    while (n < this.ts.length && this.ts[n]! < from) n++;
    if (n > 0) {
      this.ts.splice(0, n);
      this.values.splice(0, n);
      this.mins.splice(0, n);
      this.maxs.splice(0, n);
    }
  }

  clear(): void {
    this.ts.length = 0;
    this.values.length = 0;
    this.mins.length = 0;
    this.maxs.length = 0;
    this.bucketMs = null;
  }

  private push(p: TrendPoint): void {
    if (this.ts.length > 0 && this.ts[this.ts.length - 1] === p.ts) {
      this.values[this.values.length - 1] = p.value;
      return;
    }
    this.ts.push(p.ts);
    this.values.push(p.value);
    this.mins.push(null);
    this.maxs.push(null);
  }
}

function isSorted(points: readonly TrendPoint[]): boolean {
  for (let i = 1; i < points.length; i++) if (points[i]!.ts < points[i - 1]!.ts) return false;
  return true;
}
