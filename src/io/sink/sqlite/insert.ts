import type { Db } from './database.js';
import type { RowBatch } from '../rows.js';
import type Database from 'better-sqlite3';

/**
 * Insert a batch into tag_data in one transaction. Rows go in chunks of CHUNK per statement:
 * one prepared multi-row INSERT binds 5 x CHUNK values per call, which cuts the per-call
 * overhead of better-sqlite3 several times over (bench/writer-sqlite.ts measures it).
 * OR IGNORE: a row whose (tag_id, ts) is already stored is a retry or a replay, not new data.
 */
const CHUNK = 64;

export class TagDataInserter {
  private readonly many: Database.Statement;
  private readonly one: Database.Statement;
  private readonly args: (number | string | null)[] = new Array(CHUNK * 5);
  private readonly tx: (batch: RowBatch) => number;

  constructor(private readonly db: Db) {
    const row = '(?,?,?,?,?)';
    const sql = 'INSERT OR IGNORE INTO tag_data(tag_id, ts, value, text_value, quality) VALUES ';
    this.many = db.prepare(sql + new Array(CHUNK).fill(row).join(','));
    this.one = db.prepare(sql + row);
    this.tx = db.transaction((batch: RowBatch) => this.insertAll(batch));
  }

  /** Returns the rows actually inserted. */
  insert(batch: RowBatch): number {
    return this.tx(batch);
  }

  private insertAll(b: RowBatch): number {
    let inserted = 0;
    let i = 0;
    const args = this.args;
    for (; i + CHUNK <= b.length; i += CHUNK) {
      for (let j = 0; j < CHUNK; j++) fill(args, j * 5, b, i + j);
      inserted += this.many.run(args).changes;
    }
    const one: (number | string | null)[] = [0, 0, null, null, 0];
    for (; i < b.length; i++) {
      fill(one, 0, b, i);
      inserted += this.one.run(one).changes;
    }
    return inserted;
  }
}

function fill(args: (number | string | null)[], at: number, b: RowBatch, i: number): void {
  const v = b.values[i]!;
  args[at] = b.tagIds[i]!;
  args[at + 1] = Math.round(b.ts[i]!);
  args[at + 2] = Number.isNaN(v) ? null : v;
  args[at + 3] = b.texts ? (b.texts[i] ?? null) : null;
  args[at + 4] = b.quality[i]!;
}

/**
 * Delete rows older than `cutoff` (epoch ms), at most `limit` per call, so a retention pass
 * is many short transactions that let batches in between, not one long lock.
 */
export function deleteOlderThan(db: Db, cutoff: number, limit: number): number {
  return db
    .prepare('DELETE FROM tag_data WHERE (tag_id, ts) IN (SELECT tag_id, ts FROM tag_data WHERE ts < ? LIMIT ?)')
    .run(cutoff, limit).changes;
}
