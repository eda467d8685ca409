import type Database from 'better-sqlite3';
import { BucketCache } from './bucket-cache.js';
import { bucketWidth, countBound, latestKey, pointsResult, wantsBuckets, type HistoryBucket, type HistoryKey, type HistoryPoint, type HistoryQuery, type HistoryResult } from './history-source.js';

type Db = Database.Database;
type Stmt = Database.Statement;

/**
 * The history queries on a SQLite value database (config/sqlite/values.sql), synchronous, on a
 * read-only connection. They run in the history thread (sqlite-history-worker.ts): a bucket
 * scan over a week of a 100 ms tag reads millions of rows, which must not block the event loop.
 *
 * tag_data's key is (ts, tag_id) (chosen for insert speed, see values.sql), so a tag's range is
 * a scan of the ts range filtered by tag_id: its cost grows with the rows of every tag in the
 * range (bench/history.ts measures it).
 */
export class SqliteHistoryQueries {
  private readonly tagById: Stmt;
  private readonly tagByName: Stmt;
  private readonly count: Stmt;
  private readonly raw: Stmt;
  private readonly bucket: Stmt;
  private readonly tagsOf: Stmt;
  private readonly newestFirst: Stmt;

  constructor(
    db: Db,
    private readonly cache: BucketCache = new BucketCache(),
  ) {
    // The newest id when a name is known on several devices (a retired tag, a moved one).
    this.tagById = db.prepare(
      `SELECT t.id FROM tags t JOIN collectors c ON c.id = t.collector_id
       WHERE c.name = ? AND t.device = ? AND t.name = ?`,
    );
    this.tagByName = db.prepare(
      `SELECT t.id FROM tags t JOIN collectors c ON c.id = t.collector_id
       WHERE c.name = ? AND t.name = ? ORDER BY t.id DESC LIMIT 1`,
    );
    this.count = db.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM tag_data WHERE tag_id = ? AND ts BETWEEN ? AND ? LIMIT ?)');
    this.raw = db.prepare('SELECT ts, value, text_value AS text, quality FROM tag_data WHERE tag_id = ? AND ts BETWEEN ? AND ? ORDER BY ts DESC LIMIT ?');
    // One bucket's aggregates over its slice of the key; `last` is the value of its newest row,
    // found by a key lookup on (max(ts), tag_id).
    this.bucket = db.prepare(
      `SELECT a.mn AS min, a.mx AS max, a.av AS avg, a.n AS count, a.bad AS bad,
              (SELECT d.value FROM tag_data d WHERE d.ts = a.last_ts AND d.tag_id = @tag) AS last
       FROM (SELECT min(value) AS mn, max(value) AS mx, avg(value) AS av, count(*) AS n,
                    sum(quality <> 0) AS bad, max(ts) AS last_ts
             FROM tag_data WHERE tag_id = @tag AND ts BETWEEN @from AND @to) a`,
    );
    this.tagsOf = db.prepare('SELECT t.id, t.device, t.name FROM tags t JOIN collectors c ON c.id = t.collector_id WHERE c.name = ?');
    this.newestFirst = db.prepare('SELECT tag_id, ts, value, text_value AS text, quality FROM tag_data ORDER BY ts DESC');
  }

  tagId(key: HistoryKey): number | null {
    const row = (key.device === null ? this.tagByName.get(key.collector, key.tag) : this.tagById.get(key.collector, key.device, key.tag)) as { id: number } | undefined;
    return row?.id ?? null;
  }

  read(key: HistoryKey, q: HistoryQuery): HistoryResult {
    const id = this.tagId(key);
    if (id === null) return { kind: 'points', points: [], truncated: false };
    if (q.maxPoints !== undefined) {
      const { n } = this.count.get(id, q.from, q.to, countBound(q)) as { n: number };
      if (wantsBuckets(q, n)) {
        const bucketMs = bucketWidth(q.from, q.to, q.maxPoints);
        return { kind: 'buckets', bucketMs, buckets: this.bucketsOf(id, q.from, q.to, bucketMs) };
      }
    }
    return pointsResult(this.raw.all(id, q.from, q.to, q.limit) as HistoryPoint[], q.limit);
  }

  /**
   * One aggregate query per bucket (at most maxPoints + 1), each over its own slice of the
   * (ts, tag_id) key, in time order. Not one GROUP BY (ts / width): SQLite cannot tell that the
   * groups come in key order and sorts every row of the range through a temporary B-tree first
   * (bench/history.ts: the GROUP BY took about twice as long on the same rows). Whole buckets
   * that are over come from the cache (bucket-cache.ts) when a query asked for them before.
   */
  private bucketsOf(tag: number, from: number, to: number, width: number): HistoryBucket[] {
    const out: HistoryBucket[] = [];
    for (let start = Math.floor(from / width) * width; start <= to; start += width) {
      const cacheable = this.cache.cacheable(start, width, from, to);
      let bucket = cacheable ? this.cache.get(tag, width, start) : undefined;
      if (bucket === undefined) {
        const row = this.bucket.get({ tag, from: Math.max(from, start), to: Math.min(to, start + width - 1) }) as Omit<HistoryBucket, 'ts'>;
        bucket = row.count > 0 ? { ts: start, min: row.min, max: row.max, avg: row.avg, count: row.count, last: row.last, bad: row.bad } : null;
        if (cacheable) this.cache.set(tag, width, start, bucket);
      }
      if (bucket) out.push(bucket);
    }
    return out;
  }

  /**
   * The newest row of each tag. With the (ts, tag_id) key, "newest of one tag" is a backward scan
   * until that tag shows up: one scan serves every tag, and stops when all are found or after
   * `scanLimit` rows (a tag silent for longer than that has no "latest" here).
   */
  latest(collector: string, tags: readonly { device: string; tag: string }[], scanLimit = 2_000_000): Map<string, HistoryPoint> {
    const wanted = new Set(tags.map((t) => latestKey(t.device, t.tag)));
    const byId = new Map<number, string>();
    for (const t of this.tagsOf.all(collector) as { id: number; device: string; name: string }[]) {
      const k = latestKey(t.device, t.name);
      if (wanted.has(k)) byId.set(t.id, k);
    }
    const out = new Map<string, HistoryPoint>();
    if (byId.size === 0) return out;
    let scanned = 0;
    for (const row of this.newestFirst.iterate() as IterableIterator<HistoryPoint & { tag_id: number }>) {
      const k = byId.get(row.tag_id);
      if (k !== undefined && !out.has(k)) {
        out.set(k, { ts: row.ts, value: row.value, text: row.text, quality: row.quality });
        if (out.size === byId.size) break;
      }
      if (++scanned >= scanLimit) break;
    }
    return out;
  }
}
