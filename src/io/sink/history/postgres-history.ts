import pg from 'pg';
import { SinkError } from '../delivery/sink-error.js';
import { toSinkError } from '../postgres/errors.js';
import { resolvePostgresSettings, type PostgresSinkOptions } from '../postgres/settings.js';
import { quoteIdent } from '../postgres/sql.js';
import { BucketCache, readBuckets } from './bucket-cache.js';
import { bucketWidth, countBound, latestKey, pointsResult, wantsBuckets, type HistoryBucket, type HistoryKey, type HistoryPoint, type HistoryQuery, type HistoryResult, type HistorySource } from './history-source.js';
import { bucketFlavour, bucketsSql, COUNT_UP_TO, LATEST, RAW, SERVER_INFO, TAG_ID, type BucketFlavour } from './postgres-sql.js';

/** Reads answer within this, or fail (the API then says 503): a trend must never hang a request. */
export const PG_HISTORY_CONNECT_TIMEOUT_MS = 3_000;
export const PG_HISTORY_QUERY_TIMEOUT_MS = 10_000;

/**
 * History from PostgreSQL: a small pool (2 connections) in the main thread, apart from the
 * writer threads, with the sink's connection settings. node-postgres is asynchronous: the
 * event loop waits for nothing while the server scans.
 */
export class PostgresHistory implements HistorySource {
  private readonly pool: pg.Pool;
  private flavour: Promise<BucketFlavour> | null = null;
  /** Whole buckets that are over (bucket-cache.ts): ~10 trends of 1,000 buckets, in this thread's memory. */
  private readonly cache = new BucketCache({ maxEntries: 10_000, ttlMs: 600_000, settleMs: 60_000 });
  private closed = false;

  constructor(options: Omit<PostgresSinkOptions, 'rejectsPath'>, env: NodeJS.ProcessEnv = process.env) {
    const settings = resolvePostgresSettings({ ...options, rejectsPath: '' }, '', env);
    this.pool = new pg.Pool({
      ...settings.client,
      max: 2,
      connectionTimeoutMillis: PG_HISTORY_CONNECT_TIMEOUT_MS,
      query_timeout: PG_HISTORY_QUERY_TIMEOUT_MS,
      statement_timeout: PG_HISTORY_QUERY_TIMEOUT_MS,
      // The sink's schema for every statement, set at connect (no extra round trip per query).
      options: `-c search_path=${quoteIdent(settings.schema)}`,
      idleTimeoutMillis: 30_000,
      application_name: 'jsscada-history',
    });
    // An idle connection the server drops emits 'error' on the pool: the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> {
    if (this.closed) throw new SinkError('SINK_CLOSED', 'the history reader is closed', false);
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (err) {
      const e = toSinkError(err);
      throw new SinkError(e.code, `PostgreSQL history: ${e.message}`, e.retryable, e.driverCode, { cause: err });
    }
  }

  /** time_bucket, date_bin or arithmetic: asked once per pool, again after a failure. */
  private bucketing(): Promise<BucketFlavour> {
    this.flavour ??= this.query<{ version: number; timescale: boolean }>(SERVER_INFO, []).then(
      ([row]) => bucketFlavour(row?.version ?? 0, row?.timescale ?? false),
      (err: unknown) => {
        this.flavour = null;
        throw err;
      },
    );
    return this.flavour;
  }

  private async tagId(key: HistoryKey): Promise<number | null> {
    const [row] = await this.query<{ id: number }>(TAG_ID, [key.collector, key.tag, key.device]);
    return row?.id ?? null;
  }

  async tagExists(key: HistoryKey): Promise<boolean> {
    return (await this.tagId(key)) !== null;
  }

  async read(key: HistoryKey, q: HistoryQuery): Promise<HistoryResult> {
    const id = await this.tagId(key);
    if (id === null) return { kind: 'points', points: [], truncated: false };
    const from = Math.floor(q.from);
    const to = Math.floor(q.to);
    if (q.maxPoints !== undefined) {
      const [row] = await this.query<{ n: number }>(COUNT_UP_TO, [id, from, to, countBound(q)]);
      if (wantsBuckets(q, row?.n ?? 0)) {
        const bucketMs = bucketWidth(q.from, q.to, q.maxPoints);
        const sql = bucketsSql(await this.bucketing());
        const buckets = await readBuckets(this.cache, id, from, to, bucketMs, (a, b) => this.query<HistoryBucket>(sql, [id, a, b, bucketMs]));
        return { kind: 'buckets', bucketMs, buckets };
      }
    }
    return pointsResult(await this.query<HistoryPoint>(RAW, [id, from, to, q.limit]), q.limit);
  }

  async latest(collector: string, tags: readonly { device: string; tag: string }[]): Promise<Map<string, HistoryPoint>> {
    const out = new Map<string, HistoryPoint>();
    if (tags.length === 0) return out;
    const rows = await this.query<HistoryPoint & { device: string; name: string }>(LATEST, [collector, tags.map((t) => t.device), tags.map((t) => t.tag)]);
    for (const r of rows) out.set(latestKey(r.device, r.name), { ts: r.ts, value: r.value, text: r.text, quality: r.quality });
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
