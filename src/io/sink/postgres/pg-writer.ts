import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { RowBatch, TagInfo } from '../rows.js';
import { toWire } from '../delivery/sink-error.js';
import type { WorkerReply, WriterHandler } from '../delivery/writer-pool.js';
import { appendRejects, rejectLines, type RejectedRow } from '../spool/rejects-file.js';
import { pgDriverCode, pgErrorKind, toSinkError } from './errors.js';
import type { PgWorkerSettings } from './settings.js';
import { INSERT_UNNEST, insertValues, quoteIdent, tagParams, unnestParams, UPSERT_TAGS, valuesParams } from './sql.js';

export type PgTask = { op: 'insert'; batch: RowBatch } | { op: 'tags'; tags: readonly TagInfo[] } | { op: 'probe' } | { op: 'close' };

export interface PgInsertResult {
  readonly inserted: number;
  readonly rejected: number;
  readonly durationMs: number;
}

const VALUES_CHUNK = 1000;
/** Serializes schema setup across writers and processes (pg_advisory_xact_lock key). */
const SCHEMA_LOCK = 0x4a535343; // "JSSC"

/**
 * One writer: ONE connection, opened lazily and dropped on any connection-level error, so the
 * next task reconnects by itself (a server restart costs the failed attempts, nothing more).
 */
export class PgWriter implements WriterHandler<PgTask> {
  private client: pg.Client | null = null;
  private schemaReady = false;

  constructor(private readonly s: PgWorkerSettings) {}

  async handle(task: PgTask): Promise<WorkerReply<unknown>> {
    try {
      return { ok: true, value: await this.run(task) };
    } catch (err) {
      await this.drop(); // whatever state the session is in, the next task starts clean
      return { ok: false, error: toWire(toSinkError(err)) };
    }
  }

  private async run(task: PgTask): Promise<unknown> {
    switch (task.op) {
      case 'insert':
        return this.insert(task.batch);
      case 'tags':
        await (await this.connection()).query(UPSERT_TAGS, tagParams(task.tags));
        return null;
      case 'probe':
        await (await this.connection()).query('SELECT 1');
        return null;
      case 'close':
        await this.drop();
        return null;
    }
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    const c = new pg.Client(this.s.client);
    // An idle connection that dies (server restart) emits 'error': forget it; unhandled, it
    // would kill the thread.
    c.on('error', () => {
      if (this.client === c) this.client = null;
    });
    try {
      await c.connect();
      if (this.s.applySchema && !this.schemaReady) await this.applySchema(c);
      await c.query(`SET search_path TO ${quoteIdent(this.s.schema)}`);
    } catch (err) {
      await c.end().catch(() => undefined);
      throw err;
    }
    this.client = c;
    return c;
  }

  private async applySchema(c: pg.Client): Promise<void> {
    const ddl = readFileSync(this.s.schemaSqlPath, 'utf8');
    await c.query('BEGIN');
    try {
      // CREATE ... IF NOT EXISTS races with itself (two writers at once fail on the catalog's
      // unique index): one at a time, across writers and collectors.
      await c.query(`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK})`);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.s.schema)}`);
      await c.query(`SET LOCAL search_path TO ${quoteIdent(this.s.schema)}`);
      await c.query(ddl);
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    this.schemaReady = true;
  }

  close(): Promise<void> {
    return this.drop();
  }

  private async drop(): Promise<void> {
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }

  /** Rows [from, to) in one statement (unnest) or a few (VALUES). Returns rows inserted. */
  private async insertRange(c: pg.Client, b: RowBatch, from: number, to: number): Promise<number> {
    if (this.s.insertMode === 'unnest') return (await c.query(INSERT_UNNEST, unnestParams(b, from, to))).rowCount ?? 0;
    let n = 0;
    for (let i = from; i < to; i += VALUES_CHUNK) {
      const end = Math.min(to, i + VALUES_CHUNK);
      n += (await c.query(insertValues(end - i), valuesParams(b, i, end))).rowCount ?? 0;
    }
    return n;
  }

  private async insert(b: RowBatch): Promise<PgInsertResult> {
    const c = await this.connection();
    const t0 = performance.now();
    let firstError: unknown;
    // unnest: one statement, atomic on its own, one round trip. VALUES: several, in a transaction.
    const single = this.s.insertMode === 'unnest';
    try {
      if (!single) await c.query('BEGIN');
      const inserted = await this.insertRange(c, b, 0, b.length);
      if (!single) await c.query('COMMIT');
      return { inserted, rejected: 0, durationMs: performance.now() - t0 };
    } catch (err) {
      if (!single) await c.query('ROLLBACK').catch(() => undefined);
      if (pgErrorKind(err) !== 'data') throw err;
      firstError = err;
    }
    // A value the server refuses: find it by halving, inside ONE transaction (a savepoint per
    // try), so the good rows still commit together and a retry after a lost COMMIT is clean.
    const rejected: RejectedRow[] = [];
    await c.query('BEGIN');
    try {
      const inserted = await this.isolate(c, b, 0, b.length, rejected, firstError);
      // On disk before the commit: a rejected row is never only in memory.
      appendRejects(this.s.rejectsPath, rejectLines('postgres', b, rejected, Date.now()));
      await c.query('COMMIT');
      return { inserted, rejected: rejected.length, durationMs: performance.now() - t0 };
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /** Rows [from, to) are known to hold a bad row: try each half, split the failing ones. */
  private async isolate(c: pg.Client, b: RowBatch, from: number, to: number, rejected: RejectedRow[], known: unknown): Promise<number> {
    if (to - from === 1) {
      const e = known as Error | undefined;
      rejected.push({ index: from, code: pgDriverCode(e) ?? 'unknown', message: e?.message ?? 'rejected' });
      return 0;
    }
    const mid = from + Math.ceil((to - from) / 2);
    let inserted = 0;
    for (const [lo, hi] of [
      [from, mid],
      [mid, to],
    ] as const) {
      await c.query('SAVEPOINT isolate');
      try {
        inserted += await this.insertRange(c, b, lo, hi);
        await c.query('RELEASE SAVEPOINT isolate');
      } catch (err) {
        if (pgErrorKind(err) !== 'data') throw err;
        await c.query('ROLLBACK TO SAVEPOINT isolate');
        await c.query('RELEASE SAVEPOINT isolate');
        inserted += await this.isolate(c, b, lo, hi, rejected, err);
      }
    }
    return inserted;
  }
}
