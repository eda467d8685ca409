import type { RowBatch } from '../rows.js';
import type { OracleBindDef, OracleDriver } from './driver.js';

/**
 * SQL and binds for the Oracle sink (DDL: config/oracle/schema.sql).
 * Natural key: a plain INSERT into TAG_DATA with its unique key (TAG_ID, TS), executeMany
 * with batchErrors: a row already stored comes back as ORA-00001 at its offset and counts as
 * stored; the other rows insert. Not MERGE: MERGE is slower per row, and two sessions merging
 * the same key still raise ORA-00001, so it would need this handling anyway. Not the
 * IGNORE_ROW_ON_DUPKEY_INDEX hint: it turns array DML into row-by-row processing.
 * TS: bound as epoch ms (NUMBER, exact decimal) and turned into a UTC TIMESTAMP(3) by SQL, so
 * no client or session time zone can shift it.
 */
export const INSERT_TAG_DATA = `INSERT INTO TAG_DATA (TAG_ID, TS, VALUE, TEXT_VALUE, QUALITY)
VALUES (:1, TIMESTAMP '1970-01-01 00:00:00' + NUMTODSINTERVAL(:2 / 1000, 'SECOND'), :3, :4, :5)`;

/** ORA-00001: unique constraint violated, i.e. this (TAG_ID, TS) is already stored. */
export const ORA_DUPLICATE = 1;

export interface Binds {
  readonly rows: unknown[][];
  readonly defs: OracleBindDef[];
}

/** Rows [from, to) as positional binds; strings sized to the longest, so none fails the call. */
export function dataBinds(driver: OracleDriver, b: RowBatch, from: number, to: number): Binds {
  const rows = new Array<unknown[]>(to - from);
  let maxText = 1;
  for (let i = from; i < to; i++) {
    const v = b.values[i]!;
    const text = b.texts ? (b.texts[i] ?? null) : null;
    if (text !== null) maxText = Math.max(maxText, Buffer.byteLength(text, 'utf8'));
    rows[i - from] = [b.tagIds[i]!, Math.round(b.ts[i]!), Number.isNaN(v) ? null : v, text, b.quality[i]!];
  }
  return {
    rows,
    defs: [{ type: driver.NUMBER }, { type: driver.NUMBER }, { type: driver.DB_TYPE_BINARY_DOUBLE }, { type: driver.STRING, maxSize: maxText }, { type: driver.NUMBER }],
  };
}
