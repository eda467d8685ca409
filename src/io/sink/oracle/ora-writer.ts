import { performance } from 'node:perf_hooks';
import type { RowBatch } from '../rows.js';
import type { CollectorIdentity } from '../identity/collector-identity.js';
import type { TagRegistration } from '../identity/tag-ref.js';
import { checkSchema, claimCollector, registerTags, releaseLease, renewLease } from './registry.js';
import { toWire } from '../delivery/sink-error.js';
import type { WorkerReply, WriterHandler } from '../delivery/writer-pool.js';
import { appendRejects, rejectLines, type RejectedRow } from '../spool/rejects-file.js';
import type { OracleConnection, OracleDriver, OraclePool } from './driver.js';
import { oraCodeText, oraNumber, toOracleSinkError } from './errors.js';
import { SinkError } from '../delivery/sink-error.js';
import type { OraWorkerSettings } from './settings.js';
import { dataBinds, INSERT_TAG_DATA, ORA_DUPLICATE } from './sql.js';

export type OraTask =
  | { op: 'insert'; batch: RowBatch }
  | { op: 'claim'; identity: CollectorIdentity }
  | { op: 'register'; collectorId: number; tags: readonly TagRegistration[] }
  | { op: 'renew'; collectorId: number; instanceId: string }
  | { op: 'release'; collectorId: number; instanceId: string }
  | { op: 'probe' }
  | { op: 'close' };

export interface OraInsertResult {
  /** Rows new to TAG_DATA. */
  readonly inserted: number;
  /** Rows already stored (ORA-00001 on the natural key): a retry or a replay, not an error. */
  readonly duplicates: number;
  /** Rows Oracle refused (ORA-01400, ORA-12899, ORA-01438...), now in the rejects file. */
  readonly rejected: number;
  readonly durationMs: number;
}

/**
 * One Oracle writer: a node-oracledb pool of exactly ONE connection. The pool, rather than a
 * standalone connection, because it re-creates a dropped connection by itself, pings one that
 * sat idle before handing it out, and bounds the wait for it (queueTimeout -> NJS-040).
 * A batch is one transaction: executeMany per 500 rows with batchErrors, rejects to the file,
 * then an explicit COMMIT; any failure rolls back and the whole batch is retried (duplicates of
 * rows that did commit come back as ORA-00001 and are counted as stored).
 */
export class OracleWriter implements WriterHandler<OraTask> {
  private pool: OraclePool | null = null;
  private driver: OracleDriver | null = null;
  private schemaChecked = false;

  constructor(
    private readonly loadDriver: () => Promise<OracleDriver>,
    private readonly s: OraWorkerSettings,
  ) {}

  async handle(task: OraTask): Promise<WorkerReply<unknown>> {
    try {
      return { ok: true, value: await this.run(task) };
    } catch (err) {
      return { ok: false, error: toWire(toOracleSinkError(err)) };
    }
  }

  private run(task: OraTask): Promise<unknown> {
    switch (task.op) {
      case 'insert':
        return this.insert(task.batch);
      case 'claim':
        return this.withConnection((c) => claimCollector(c, task.identity, this.s.target));
      case 'register':
        return this.withConnection((c, d) => registerTags(c, d, task.collectorId, task.tags));
      case 'renew':
        return this.withConnection((c) => renewLease(c, task.collectorId, task.instanceId));
      case 'release':
        return this.withConnection((c) => releaseLease(c, task.collectorId, task.instanceId).then(() => null));
      case 'probe':
        return this.withConnection(async (c) => {
          await c.execute('SELECT 1 FROM DUAL');
          return null;
        });
      case 'close':
        return this.close().then(() => null);
    }
  }

  private async withConnection<T>(fn: (c: OracleConnection, d: OracleDriver) => Promise<T>): Promise<T> {
    this.driver ??= await this.loadDriver();
    const d = this.driver;
    this.pool ??= await d.createPool({
      user: this.s.user,
      password: this.s.password,
      connectString: this.s.connectString,
      poolMin: 0,
      poolMax: 1,
      poolIncrement: 1,
      queueTimeout: this.s.queueTimeoutMs,
      connectTimeout: this.s.connectTimeoutS,
      poolPingInterval: 60,
    });
    const c = await this.pool.getConnection();
    c.callTimeout = this.s.callTimeoutMs;
    let drop = false;
    try {
      // Never write into tables of another schema version: refuse once, naming the fix.
      if (!this.schemaChecked) {
        await checkSchema(c, this.s.target);
        this.schemaChecked = true;
      }
      return await fn(c, d);
    } catch (err) {
      // Explicit rollback; a connection that is broken (or cannot even roll back) is dropped
      // from the pool so the next batch gets a fresh one.
      drop = toOracleSinkError(err).code === 'SINK_UNAVAILABLE';
      await c.rollback().catch(() => {
        drop = true;
      });
      throw err;
    } finally {
      await c.close(drop ? { drop: true } : undefined).catch(() => undefined);
    }
  }

  private insert(b: RowBatch): Promise<OraInsertResult> {
    return this.withConnection(async (c, d) => {
      const t0 = performance.now();
      let inserted = 0;
      let duplicates = 0;
      const rejected: RejectedRow[] = [];
      for (let from = 0; from < b.length; from += this.s.batchRows) {
        const to = Math.min(b.length, from + this.s.batchRows);
        const { rows, defs } = dataBinds(d, b, from, to);
        const result = await c.executeMany(INSERT_TAG_DATA, rows, { bindDefs: defs, batchErrors: true, autoCommit: false });
        inserted += result.rowsAffected ?? 0;
        for (const e of result.batchErrors ?? []) {
          const num = oraNumber(e);
          if (num === ORA_DUPLICATE) duplicates++;
          // The driver's types allow a batch error without a row offset: such a batch cannot be
          // committed in part, so it fails whole (rolled back, then retried or spooled).
          else if (e.offset === undefined) throw new SinkError('SINK_UNKNOWN', `Oracle reported a row error without its offset: ${e.message}`, false);
          else rejected.push({ index: from + e.offset, code: num !== null ? oraCodeText(num) : (e.code ?? 'unknown'), message: e.message });
        }
      }
      // On disk before the commit: a rejected row is never only in memory.
      appendRejects(this.s.rejectsPath, rejectLines('oracle', b, rejected, Date.now()));
      await c.commit();
      return { inserted, duplicates, rejected: rejected.length, durationMs: performance.now() - t0 };
    });
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.close(0).catch(() => undefined);
  }
}
