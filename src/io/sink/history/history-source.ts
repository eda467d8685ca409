/**
 * History: a tag's stored values read back from the database the values went to (the sqlite,
 * postgres or oracle sink), raw or downsampled in the database. One interface, one
 * implementation per sink (sqlite-history.ts, postgres-history.ts, oracle-history.ts).
 */

/** A tag as the database knows it: (collector, device, tag name). */
export interface HistoryKey {
  readonly collector: string;
  /** null: the tag by name on whichever device (the newest tag id when several: a retired tag). */
  readonly device: string | null;
  readonly tag: string;
}

export interface HistoryQuery {
  /** Epoch ms, inclusive. */
  readonly from: number;
  /** Epoch ms, inclusive. */
  readonly to: number;
  /** Raw points at most: the newest `limit` in the range, returned oldest first. */
  readonly limit: number;
  /** When the range holds more rows than this, the answer is buckets (at most maxPoints + 1). */
  readonly maxPoints?: number | undefined;
}

export interface HistoryPoint {
  readonly ts: number;
  readonly value: number | null;
  readonly text: string | null;
  readonly quality: number;
}

/** One time bucket: min/max/avg over the numeric values, count of rows, value of the last row. */
export interface HistoryBucket {
  /** Bucket start, epoch ms (a multiple of bucketMs: buckets align to the epoch, not to `from`). */
  ts: number;
  min: number | null;
  max: number | null;
  avg: number | null;
  /** Rows in the bucket (every quality). */
  count: number;
  /** Value of the bucket's newest row (null: a text or bad-quality row). */
  last: number | null;
  /** Rows with quality != 0. */
  bad: number;
}

export type HistoryResult =
  | { kind: 'points'; points: HistoryPoint[]; truncated: boolean }
  | { kind: 'buckets'; bucketMs: number; buckets: HistoryBucket[] };

export interface HistorySource {
  /** Does the database know this tag (any device when key.device is null)? */
  tagExists(key: HistoryKey): Promise<boolean>;
  read(key: HistoryKey, q: HistoryQuery): Promise<HistoryResult>;
  /** Latest stored value of each named tag of one collector (for "latest after restart"). */
  latest(collector: string, tags: readonly { device: string; tag: string }[]): Promise<Map<string, HistoryPoint>>;
  close(): Promise<void>;
}

/** The key of latest()'s map: device NUL tag. */
export function latestKey(device: string, tag: string): string {
  return `${device}\u0000${tag}`;
}

/**
 * Bucket width for a range: the inclusive span over maxPoints, rounded up to a whole ms (never 0).
 * Buckets start at multiples of the width from the epoch, so a moving window keeps the same
 * boundaries from one refresh to the next; the range then touches at most maxPoints + 1 of them.
 */
export function bucketWidth(from: number, to: number, maxPoints: number): number {
  return Math.max(1, Math.ceil((to - from + 1) / maxPoints));
}

/** Raw when the range holds at most maxPoints rows (counted up to maxPoints + 1), else buckets. */
export function wantsBuckets(q: HistoryQuery, countUpTo: number): boolean {
  return q.maxPoints !== undefined && countUpTo > q.maxPoints;
}

/** The rows the count query may stop at: one past maxPoints is enough to decide. */
export function countBound(q: HistoryQuery): number {
  return (q.maxPoints ?? 0) + 1;
}

/** Raw points: newest first from the database, oldest first out, and whether `limit` cut the range. */
export function pointsResult(newestFirst: HistoryPoint[], limit: number): HistoryResult {
  return { kind: 'points', points: newestFirst.reverse(), truncated: newestFirst.length >= limit };
}
