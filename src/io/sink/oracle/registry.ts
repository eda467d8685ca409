import { claimDecision, refusalMessage, type Claim, type CollectorIdentity } from '../identity/collector-identity.js';
import type { TagRegistration } from '../identity/tag-ref.js';
import { SinkError } from '../delivery/sink-error.js';
import type { OracleConnection, OracleDriver } from './driver.js';
import { oraNumber } from './errors.js';

/**
 * Tag identity in the central Oracle database (config/oracle/schema.sql, run by a DBA): the
 * schema version check, claims, tag registration (MERGE) and leases. Times are the database's
 * (SYSTIMESTAMP in UTC), so collectors' clocks never decide a lease. Positional binds only (the
 * driver subset in driver.ts), each placeholder used once.
 */

export const ORA_SCHEMA_VERSION = 2;
const UTC_NOW = 'SYS_EXTRACT_UTC(SYSTIMESTAMP)';

export const SELECT_VERSION = 'SELECT VERSION FROM SCHEMA_VERSION WHERE ID = 1';
export const SELECT_V1_COLUMN = "SELECT COUNT(*) FROM USER_TAB_COLUMNS WHERE TABLE_NAME = 'TAGS' AND COLUMN_NAME = 'TAG_ID'";

/** Check the schema before the first write: version 2, or a SinkError naming what to run. */
export async function checkSchema(c: OracleConnection, target: string): Promise<void> {
  let version: number | null = null;
  try {
    const r = await c.execute(SELECT_VERSION);
    version = r.rows?.[0] ? Number((r.rows[0] as unknown[])[0]) : null;
  } catch (err) {
    if (oraNumber(err) !== 942) throw err; // ORA-00942: table or view does not exist
    const v1 = await c.execute(SELECT_V1_COLUMN);
    const isV1 = Number((v1.rows?.[0] as unknown[] | undefined)?.[0] ?? 0) > 0;
    throw new SinkError(
      'SINK_SCHEMA',
      isV1
        ? `${target} holds the jsscada 0.1 schema (TAGS keyed by one collector's local TAG_ID). Have a DBA run config/oracle/migrate-v1-v2.sql (it attributes the rows to one collector, named in the script), then start again.`
        : `${target} has no jsscada tables: have a DBA run config/oracle/schema.sql in this schema.`,
      false,
    );
  }
  if (version !== ORA_SCHEMA_VERSION) {
    throw new SinkError('SINK_SCHEMA', `${target} has schema version ${version ?? 'none'}; this release writes version ${ORA_SCHEMA_VERSION}${version !== null && version > ORA_SCHEMA_VERSION ? ': upgrade jsscada' : ': run config/oracle/migrate-v1-v2.sql'}`, false);
  }
}

export const INSERT_COLLECTOR = `INSERT INTO COLLECTORS (NAME, INSTANCE_ID, HOST, VERSION, STARTED_AT, LAST_SEEN_AT)
VALUES (:1, :2, :3, :4, ${UTC_NOW}, ${UTC_NOW})`;
export const SELECT_HOLDER = `SELECT ID, INSTANCE_ID, HOST,
  ROUND((CAST(${UTC_NOW} AS DATE) - CAST(LAST_SEEN_AT AS DATE)) * 86400) AS IDLE_S,
  CASE WHEN STOPPED_AT IS NULL THEN 0 ELSE 1 END AS STOPPED
FROM COLLECTORS WHERE NAME = :1 FOR UPDATE`;
export const TAKE_COLLECTOR = `UPDATE COLLECTORS SET INSTANCE_ID = :1, HOST = :2, VERSION = :3, STARTED_AT = ${UTC_NOW}, LAST_SEEN_AT = ${UTC_NOW}, STOPPED_AT = NULL WHERE ID = :4`;
export const RENEW = `UPDATE COLLECTORS SET LAST_SEEN_AT = ${UTC_NOW} WHERE ID = :1 AND INSTANCE_ID = :2`;
export const RELEASE = `UPDATE COLLECTORS SET STOPPED_AT = ${UTC_NOW}, LAST_SEEN_AT = ${UTC_NOW} WHERE ID = :1 AND INSTANCE_ID = :2`;

export async function claimCollector(c: OracleConnection, me: CollectorIdentity, target: string): Promise<Claim> {
  try {
    await c.execute(INSERT_COLLECTOR, [me.name, me.instanceId, me.host, me.version]);
  } catch (err) {
    if (oraNumber(err) !== 1) throw err; // ORA-00001: the name exists (or another start just made it)
  }
  const r = await c.execute(SELECT_HOLDER, [me.name]);
  const [id, instanceId, host, idleS, stopped] = r.rows![0] as [number, string, string | null, number | null, number];
  const holder = { id: Number(id), instanceId, host, idleS: idleS === null ? null : Number(idleS), stopped: Number(stopped) === 1 };
  const decision = claimDecision(holder, me);
  if (decision === 'refuse') {
    await c.rollback();
    throw new SinkError('SINK_IDENTITY', refusalMessage(holder, me, target), false);
  }
  await c.execute(TAKE_COLLECTOR, [me.instanceId, me.host, me.version, holder.id]);
  await c.commit();
  return { collectorId: holder.id, tookOverFrom: decision === 'take-over' ? { instanceId, host } : null };
}

export const RENAME_TAG = `UPDATE TAGS SET NAME = :1, UPDATED_AT = ${UTC_NOW}
WHERE COLLECTOR_ID = :2 AND DEVICE = :3 AND NAME = :4
  AND NOT EXISTS (SELECT 1 FROM TAGS x WHERE x.COLLECTOR_ID = :5 AND x.DEVICE = :6 AND x.NAME = :7)`;

// GROUP_NAME NULL = a tag known only from a spool row: created if missing, never overwrites.
export const MERGE_TAG = `MERGE INTO TAGS t
USING (SELECT :1 AS COLLECTOR_ID, :2 AS DEVICE, :3 AS NAME, :4 AS GROUP_NAME, :5 AS UNIT, :6 AS DATA_TYPE FROM DUAL) s
ON (t.COLLECTOR_ID = s.COLLECTOR_ID AND t.DEVICE = s.DEVICE AND t.NAME = s.NAME)
WHEN MATCHED THEN UPDATE SET t.GROUP_NAME = s.GROUP_NAME, t.UNIT = s.UNIT, t.DATA_TYPE = s.DATA_TYPE, t.UPDATED_AT = ${UTC_NOW} WHERE s.GROUP_NAME IS NOT NULL
WHEN NOT MATCHED THEN INSERT (COLLECTOR_ID, DEVICE, NAME, GROUP_NAME, UNIT, DATA_TYPE) VALUES (s.COLLECTOR_ID, s.DEVICE, s.NAME, s.GROUP_NAME, s.UNIT, s.DATA_TYPE)`;

export const SELECT_TAG_IDS = 'SELECT ID, DEVICE, NAME FROM TAGS WHERE COLLECTOR_ID = :1';

/** Register tags in one transaction; ids in the order given. Two sessions merging one new key: one gets ORA-00001 and tries again. */
export async function registerTags(c: OracleConnection, d: OracleDriver, collectorId: number, tags: readonly TagRegistration[]): Promise<number[]> {
  if (tags.length === 0) return [];
  const len = (s: string | null): number => (s === null ? 1 : Math.max(1, Buffer.byteLength(s, 'utf8')));
  const max = Math.max(1, ...tags.flatMap((t) => [len(t.device), len(t.name), len(t.group), len(t.unit), len(t.dataType), len(t.renamedFrom)]));
  const str = { type: d.STRING, maxSize: max };
  const renamed = tags.filter((t) => t.renamedFrom);
  for (let attempt = 1; ; attempt++) {
    try {
      if (renamed.length > 0) {
        await c.executeMany(
          RENAME_TAG,
          renamed.map((t) => [t.name, collectorId, t.device, t.renamedFrom, collectorId, t.device, t.name]),
          { bindDefs: [str, { type: d.NUMBER }, str, str, { type: d.NUMBER }, str, str], batchErrors: false, autoCommit: false },
        );
      }
      await c.executeMany(
        MERGE_TAG,
        tags.map((t) => [collectorId, t.device, t.name, t.group, t.unit, t.dataType]),
        { bindDefs: [{ type: d.NUMBER }, str, str, str, str, str], batchErrors: false, autoCommit: false },
      );
      const r = await c.execute(SELECT_TAG_IDS, [collectorId]);
      await c.commit();
      const ids = new Map<string, number>();
      for (const row of (r.rows ?? []) as [number, string, string][]) ids.set(`${row[1]}\u0000${row[2]}`, Number(row[0]));
      return tags.map((t) => {
        const id = ids.get(`${t.device}\u0000${t.name}`);
        if (id === undefined) throw new SinkError('SINK_UNKNOWN', `tag ${t.device}/${t.name} was not registered`, true);
        return id;
      });
    } catch (err) {
      await c.rollback().catch(() => undefined);
      if (oraNumber(err) === 1 && attempt < 3) continue;
      throw err;
    }
  }
}

export async function renewLease(c: OracleConnection, collectorId: number, instanceId: string): Promise<boolean> {
  const r = await c.execute(RENEW, [collectorId, instanceId]);
  await c.commit();
  return r.rowsAffected === 1;
}

export async function releaseLease(c: OracleConnection, collectorId: number, instanceId: string): Promise<void> {
  await c.execute(RELEASE, [collectorId, instanceId]);
  await c.commit();
}
