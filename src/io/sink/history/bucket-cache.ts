import type { HistoryBucket } from './history-source.js';

export interface BucketCacheOptions {
  /** Buckets kept at most (least recently used go first). */
  readonly maxEntries: number;
  /** A cached bucket is recomputed after this long: rows that arrive late (a replayed spool) show up within it. */
  readonly ttlMs: number;
  /** A bucket is cached only once it ended this long ago (rows still in the buffer or in flight). */
  readonly settleMs: number;
}

export const DEFAULT_BUCKET_CACHE: BucketCacheOptions = { maxEntries: 50_000, ttlMs: 600_000, settleMs: 60_000 };

/**
 * Aggregates of whole buckets that are over. Buckets align to the epoch, so a moving window of
 * the same span asks for the same buckets again at every refresh: only the newest ones are
 * computed from the rows, not the week before them (bench/history.ts: a 7-day trend of a 100 ms
 * tag on SQLite, seconds cold, milliseconds warm). A bucket only partly inside a query (its first
 * or last) is never cached: it was computed over part of its rows.
 */
export class BucketCache {
  private readonly entries = new Map<string, { bucket: HistoryBucket | null; at: number }>();

  constructor(
    private readonly options: BucketCacheOptions = DEFAULT_BUCKET_CACHE,
    private readonly now: () => number = Date.now,
  ) {}

  /** Wholly inside [from, to], and ended settleMs ago. */
  cacheable(start: number, width: number, from: number, to: number): boolean {
    return start >= from && start + width - 1 <= to && start + width <= this.now() - this.options.settleMs;
  }

  /** The bucket (null: it holds no rows), or undefined when not cached or too old. */
  get(tag: number, width: number, start: number): HistoryBucket | null | undefined {
    const key = `${tag}:${width}:${start}`;
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key);
    if (this.now() - hit.at > this.options.ttlMs) return undefined;
    this.entries.set(key, hit); // most recently used last
    return hit.bucket;
  }

  set(tag: number, width: number, start: number, bucket: HistoryBucket | null): void {
    const key = `${tag}:${width}:${start}`;
    this.entries.delete(key);
    this.entries.set(key, { bucket, at: this.now() });
    while (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Buckets of [from, to] at `width`: cached ones from the cache, the rest by `fetch` over as few
 * spans as possible (usually two: the cut first bucket, and the newest ones). A span starts and
 * ends on bucket boundaries (or on the query's own ends), so its aggregates are those of the
 * whole range. Used by the networked readers, whose one GROUP BY per span is cheaper than a
 * statement per bucket.
 */
export async function readBuckets(
  cache: BucketCache,
  tag: number,
  from: number,
  to: number,
  width: number,
  fetch: (from: number, to: number) => Promise<HistoryBucket[]>,
): Promise<HistoryBucket[]> {
  const starts: number[] = [];
  for (let start = Math.floor(from / width) * width; start <= to; start += width) starts.push(start);
  const found = new Map<number, HistoryBucket | null>();
  const spans: { from: number; to: number; starts: number[] }[] = [];
  let open: { from: number; to: number; starts: number[] } | null = null;
  for (const start of starts) {
    const hit = cache.cacheable(start, width, from, to) ? cache.get(tag, width, start) : undefined;
    if (hit !== undefined) {
      found.set(start, hit);
      open = null;
      continue;
    }
    const end = Math.min(to, start + width - 1);
    if (open) {
      open.to = end;
      open.starts.push(start);
    } else spans.push((open = { from: Math.max(from, start), to: end, starts: [start] }));
  }
  for (const span of spans) {
    for (const b of await fetch(span.from, span.to)) found.set(b.ts, b);
    for (const start of span.starts) if (cache.cacheable(start, width, from, to)) cache.set(tag, width, start, found.get(start) ?? null);
  }
  const out: HistoryBucket[] = [];
  for (const start of starts) {
    const b = found.get(start);
    if (b) out.push(b);
  }
  return out;
}
