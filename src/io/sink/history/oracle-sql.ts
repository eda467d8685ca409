/**
 * The history SQL for Oracle (config/oracle/schema.sql: TAG_DATA.TS is TIMESTAMP(3), UTC).
 *
 * Epoch ms <-> TIMESTAMP by arithmetic, the same way the sink inserts (sql.ts: TIMESTAMP
 * '1970-01-01 00:00:00' + NUMTODSINTERVAL(ms / 1000, 'SECOND')), so no client or session time
 * zone can shift a value: times are bound as NUMBER and come back as NUMBER, never as a DATE.
 * Back to ms: TS minus the epoch is an INTERVAL DAY TO SECOND; its DAY, HOUR, MINUTE and SECOND
 * (with the fraction, exact for TIMESTAMP(3)) give the ms. A bucket is FLOOR(ms / width) * width,
 * aligned to the epoch like the SQLite and PostgreSQL readers. `last` is Oracle's
 * MAX(VALUE) KEEP (DENSE_RANK LAST ORDER BY TS): the value of each bucket's newest row, in the
 * same pass. Row limits use FETCH FIRST (12c+, as the identity columns already require).
 *
 * Binds are positional (:1, :2, ...), each placeholder used once, in order: node-oracledb binds
 * an array by the order of the placeholders in a SQL statement.
 */

const EPOCH = `TIMESTAMP '1970-01-01 00:00:00'`;
const at = (bind: string): string => `${EPOCH} + NUMTODSINTERVAL(${bind} / 1000, 'SECOND')`;
const DIFF = `(TS - ${EPOCH})`;
/** TS as epoch ms (NUMBER). */
export const TS_MS = `(EXTRACT(DAY FROM ${DIFF}) * 86400000 + EXTRACT(HOUR FROM ${DIFF}) * 3600000 + EXTRACT(MINUTE FROM ${DIFF}) * 60000 + ROUND(EXTRACT(SECOND FROM ${DIFF}) * 1000))`;

export interface OracleStatement {
  readonly sql: string;
  readonly binds: unknown[];
}

/** The tag's id: the newest id of that name when the device is null. */
export function tagIdSql(collector: string, device: string | null, tag: string): OracleStatement {
  const where = device === null ? '' : ' AND t.DEVICE = :3';
  return {
    sql: `SELECT t.ID FROM TAGS t JOIN COLLECTORS c ON c.ID = t.COLLECTOR_ID WHERE c.NAME = :1 AND t.NAME = :2${where} ORDER BY t.ID DESC FETCH FIRST 1 ROWS ONLY`,
    binds: device === null ? [collector, tag] : [collector, tag, device],
  };
}

const RANGE = `TAG_ID = :1 AND TS BETWEEN ${at(':2')} AND ${at(':3')}`;

/** Rows in the range, counted up to `upTo` (enough to choose raw or buckets). */
export function countSql(tagId: number, from: number, to: number, upTo: number): OracleStatement {
  return { sql: `SELECT COUNT(*) FROM (SELECT 1 FROM TAG_DATA WHERE ${RANGE} FETCH FIRST :4 ROWS ONLY)`, binds: [tagId, from, to, upTo] };
}

/** The newest `limit` rows, newest first: [ms, value, text, quality]. */
export function rawSql(tagId: number, from: number, to: number, limit: number): OracleStatement {
  return {
    sql: `SELECT ${TS_MS} AS MS, VALUE, TEXT_VALUE, QUALITY FROM TAG_DATA WHERE ${RANGE} ORDER BY TS DESC FETCH FIRST :4 ROWS ONLY`,
    binds: [tagId, from, to, limit],
  };
}

/** Buckets, oldest first: [start ms, min, max, avg, count, bad, last]. */
export function bucketsSql(tagId: number, from: number, to: number, widthMs: number): OracleStatement {
  return {
    sql: `SELECT BUCKET, MIN(VALUE), MAX(VALUE), AVG(VALUE), COUNT(*), SUM(CASE WHEN QUALITY <> 0 THEN 1 ELSE 0 END), MAX(VALUE) KEEP (DENSE_RANK LAST ORDER BY TS)
FROM (SELECT FLOOR(${TS_MS} / :1) * :2 AS BUCKET, TS, VALUE, QUALITY FROM TAG_DATA WHERE TAG_ID = :3 AND TS BETWEEN ${at(':4')} AND ${at(':5')})
GROUP BY BUCKET ORDER BY BUCKET`,
    binds: [widthMs, widthMs, tagId, from, to],
  };
}

/** Every tag of one collector: [id, device, name]. */
export function collectorTagsSql(collector: string): OracleStatement {
  return { sql: 'SELECT t.ID, t.DEVICE, t.NAME FROM TAGS t JOIN COLLECTORS c ON c.ID = t.COLLECTOR_ID WHERE c.NAME = :1', binds: [collector] };
}

/** One tag's newest row (the (TAG_ID, TS) unique index, read backwards): [ms, value, text, quality]. */
export function newestSql(tagId: number): OracleStatement {
  return { sql: `SELECT ${TS_MS} AS MS, VALUE, TEXT_VALUE, QUALITY FROM TAG_DATA WHERE TAG_ID = :1 ORDER BY TS DESC FETCH FIRST 1 ROWS ONLY`, binds: [tagId] };
}
