import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { RowBatch } from '../rows.js';
import type { Claim, CollectorIdentity } from '../identity/collector-identity.js';
import type { TagRef, TagRegistration } from '../identity/tag-ref.js';
import { claimCollector, claimInTransaction, migrateV1, PG_SCHEMA_VERSION, registerTags, releaseLease, renewLease, schemaVersion, versionRefusal, type PgMigration } from './registry.js';
import { toWire } from '../delivery/sink-error.js';
import type { WorkerReply, WriterHandler } from '../delivery/writer-pool.js';
import { appendRejects, rejectLines, type RejectedRow } from '../spool/rejects-file.js';
import { pgDriverCode, pgErrorKind, toSinkError } from './errors.js';
import type { PgWorkerSettings } from './settings.js';
import { INSERT_UNNEST, insertValues, quoteIdent, unnestParams, valuesParams } from './sql.js';

export type PgTask =
  | { op: 'insert'; batch: RowBatch }
  | { op: 'claim'; identity: CollectorIdentity }
  | { op: 'register'; collectorId: number; tags: readonly TagRegistration[] }
  | { op: 'renew'; collectorId: number; instanceId: string }
  | { op: 'release'; collectorId: number; instanceId: string }
  | { op: 'migrate'; identity: CollectorIdentity; known: readonly TagRef[] }
  | { op: 'probe' }
  | { op: 'close' };

export type PgClaim = Claim;

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
      case 'claim':
        return claimCollector(await this.connection(), task.identity, this.s.target);
      case 'register':
        return registerTags(await this.connection(), task.collectorId, task.tags);
      case 'renew':
        return renewLease(await this.connection(), task.collectorId, task.instanceId);
      case 'release':
        await releaseLease(await this.connection(), task.collectorId, task.instanceId);
        return null;
      case 'migrate':
        return this.migrate(task.identity, task.known);
      case 'probe':
        await (await this.connection()).query('SELECT 1');
        return null;
      case 'close':
        await this.drop();
        return null;
    }
  }

  private async connection(checkSchema = true): Promise<pg.Client> {
    if (this.client) return this.client;
    const c = new pg.Client(this.s.client);
    // An idle connection that dies (server restart) emits 'error': forget it; unhandled, it
    // would kill the thread.
    c.on('error', () => {
      if (this.client === c) this.client = null;
    });
    try {
      await c.connect();
      if (checkSchema && this.s.applySchema && !this.schemaReady) await this.applySchema(c);
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
      // Never apply this release's DDL over another version's tables: refuse, naming the fix.
      const version = await schemaVersion(c);
      if (version !== null && version !== PG_SCHEMA_VERSION) throw versionRefusal(version, this.s.target);
      await c.query(ddl);
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    this.schemaReady = true;
  }

  /**
   * `jsscada migrate`: version 1 -> 2 in one transaction under the schema lock (see migrateV1).
   * Idempotent: a version-2 database is left alone.
   */
  private async migrate(identity: CollectorIdentity, known: readonly TagRef[]): Promise<(PgMigration & { from: number | null }) | { from: number | null }> {
    const c = await this.connection(false);
    const t0 = performance.now();
    await c.query('BEGIN');
    try {
      await c.query(`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK})`);
      await c.query(`SET LOCAL search_path TO ${quoteIdent(this.s.schema)}`);
      const from = await schemaVersion(c);
      if (from !== 1) {
        await c.query('ROLLBACK');
        return { from };
      }
      await c.query('ALTER TABLE tags RENAME TO tags_v1');
      await c.query('ALTER TABLE tags_v1 RENAME CONSTRAINT tags_pkey TO tags_v1_pkey');
      await c.query('DROP VIEW IF EXISTS tag_values');
      await c.query(readFileSync(this.s.schemaSqlPath, 'utf8'));
      // The DDL inserted version 2; the claim and the tags below are part of the same transaction.
      const claim = await claimInTransaction(c, identity, this.s.target);
      const done = await migrateV1(c, claim.collectorId, known);
      await c.query("UPDATE schema_version SET version = $1, updated_at = now(), note = $2 WHERE id = 1", [
        PG_SCHEMA_VERSION,
        `migrated from version 1: ${done.tags} tags and ${done.rows} rows attributed to collector "${identity.name}" (old tags table kept as tags_v1)`,
      ]);
      await c.query('COMMIT');
      return { ...done, ms: performance.now() - t0, from };
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
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
