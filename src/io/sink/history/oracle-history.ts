import { SinkError } from '../delivery/sink-error.js';
import type { OracleConnection, OracleDriver, OraclePool } from '../oracle/driver.js';
import { toOracleSinkError } from '../oracle/errors.js';
import { resolveOracleSettings, type OracleSinkOptions } from '../oracle/settings.js';
import { BucketCache, readBuckets } from './bucket-cache.js';
import { bucketWidth, countBound, latestKey, pointsResult, wantsBuckets, type HistoryBucket, type HistoryKey, type HistoryPoint, type HistoryQuery, type HistoryResult, type HistorySource } from './history-source.js';
import { bucketsSql, collectorTagsSql, countSql, newestSql, rawSql, tagIdSql, type OracleStatement } from './oracle-sql.js';

export const ORA_HISTORY_QUEUE_TIMEOUT_MS = 3_000;
export const ORA_HISTORY_CALL_TIMEOUT_MS = 10_000;

type Row = unknown[];
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * History from Oracle: one pool of ONE connection in the main thread (node-oracledb Thin is
 * asynchronous), apart from the writers, created at the first read. Each round trip is limited
 * (callTimeout 10 s) and so is the wait for the connection (3 s): a dead database fails the
 * read, it does not hang it.
 */
export class OracleHistory implements HistorySource {
  private pool: Promise<OraclePool> | null = null;
  /** Whole buckets that are over (bucket-cache.ts), as in the PostgreSQL reader. */
  private readonly cache = new BucketCache({ maxEntries: 10_000, ttlMs: 600_000, settleMs: 60_000 });
  private closed = false;

  constructor(
    private readonly options: Omit<OracleSinkOptions, 'rejectsPath'>,
    private readonly loadDriver: () => Promise<OracleDriver>,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  private getPool(): Promise<OraclePool> {
    this.pool ??= (async () => {
      const s = resolveOracleSettings({ ...this.options, rejectsPath: '' }, this.env);
      const driver = await this.loadDriver();
      return driver.createPool({
        user: s.user,
        password: s.password,
        connectString: s.connectString,
        poolMin: 0,
        poolMax: 1,
        poolIncrement: 1,
        queueTimeout: ORA_HISTORY_QUEUE_TIMEOUT_MS,
        connectTimeout: Math.max(1, Math.ceil(ORA_HISTORY_QUEUE_TIMEOUT_MS / 1000)),
      });
    })().catch((err: unknown) => {
      this.pool = null;
      throw err;
    });
    return this.pool;
  }

  /** Run statements on the one connection; a failure drops it (the next read reconnects). */
  private async withConnection<T>(fn: (run: (s: OracleStatement) => Promise<Row[]>) => Promise<T>): Promise<T> {
    if (this.closed) throw new SinkError('SINK_CLOSED', 'the history reader is closed', false);
    let conn: OracleConnection | null = null;
    try {
      conn = await (await this.getPool()).getConnection();
      conn.callTimeout = ORA_HISTORY_CALL_TIMEOUT_MS;
      const c = conn;
      const result = await fn(async (s) => ((await c.execute(s.sql, s.binds)).rows ?? []) as Row[]);
      await conn.close();
      return result;
    } catch (err) {
      await conn?.close({ drop: true }).catch(() => undefined);
      const e = toOracleSinkError(err);
      throw new SinkError(e.code, `Oracle history: ${e.message}`, e.retryable, e.driverCode, { cause: err });
    }
  }

  private static async tagId(run: (s: OracleStatement) => Promise<Row[]>, key: HistoryKey): Promise<number | null> {
    const [row] = await run(tagIdSql(key.collector, key.device, key.tag));
    return row ? Number(row[0]) : null;
  }

  tagExists(key: HistoryKey): Promise<boolean> {
    return this.withConnection(async (run) => (await OracleHistory.tagId(run, key)) !== null);
  }

  read(key: HistoryKey, q: HistoryQuery): Promise<HistoryResult> {
    return this.withConnection(async (run) => {
      const id = await OracleHistory.tagId(run, key);
      if (id === null) return { kind: 'points', points: [], truncated: false };
      const from = Math.floor(q.from);
      const to = Math.floor(q.to);
      if (q.maxPoints !== undefined) {
        const [row] = await run(countSql(id, from, to, countBound(q)));
        if (wantsBuckets(q, Number(row?.[0] ?? 0))) {
          const bucketMs = bucketWidth(q.from, q.to, q.maxPoints);
          const buckets = await readBuckets(this.cache, id, from, to, bucketMs, async (a, b) =>
            (await run(bucketsSql(id, a, b, bucketMs))).map(([ts, min, max, avg, count, bad, last]): HistoryBucket => ({ ts: Number(ts), min: num(min), max: num(max), avg: num(avg), count: Number(count), bad: Number(bad), last: num(last) })),
          );
          return { kind: 'buckets', bucketMs, buckets };
        }
      }
      return pointsResult((await run(rawSql(id, from, to, q.limit))).map(toPoint), q.limit);
    });
  }

  latest(collector: string, tags: readonly { device: string; tag: string }[]): Promise<Map<string, HistoryPoint>> {
    return this.withConnection(async (run) => {
      const wanted = new Set(tags.map((t) => latestKey(t.device, t.tag)));
      const out = new Map<string, HistoryPoint>();
      if (wanted.size === 0) return out;
      for (const [id, device, name] of await run(collectorTagsSql(collector))) {
        const key = latestKey(String(device), String(name));
        if (!wanted.has(key)) continue;
        const [row] = await run(newestSql(Number(id)));
        if (row) out.set(key, toPoint(row));
      }
      return out;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const pool = await this.pool?.catch(() => null);
    await pool?.close(0).catch(() => undefined);
  }
}

function toPoint([ts, value, text, quality]: Row): HistoryPoint {
  return { ts: Number(ts), value: num(value), text: text === null || text === undefined ? null : String(text), quality: Number(quality) };
}
