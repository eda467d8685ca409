import type { Db } from './database.js';

export interface HistoryPoint {
  readonly ts: number;
  readonly value: number | null;
  readonly text: string | null;
  readonly quality: number;
}

export interface HistoryQuery {
  /** Epoch ms, inclusive. */
  readonly from: number;
  /** Epoch ms, inclusive. */
  readonly to: number;
  /** Newest `limit` points in the range, returned oldest first. */
  readonly limit: number;
}

/**
 * Reads a tag's values from the SQLite store (a read-only connection: WAL readers never block
 * the writer thread). The primary key (tag_id, ts) makes this a range scan.
 */
export class HistoryReader {
  private readonly byName;
  constructor(private readonly db: Db) {
    this.byName = db.prepare(
      `SELECT ts, value, text_value AS text, quality FROM tag_data
       WHERE tag_id IN (SELECT id FROM tags WHERE name = ?) AND ts BETWEEN ? AND ?
       ORDER BY ts DESC LIMIT ?`,
    );
  }

  tagExists(name: string): boolean {
    return this.db.prepare('SELECT 1 FROM tags WHERE name = ? LIMIT 1').get(name) !== undefined;
  }

  read(tag: string, query: HistoryQuery): HistoryPoint[] {
    const rows = this.byName.all(tag, query.from, query.to, query.limit) as HistoryPoint[];
    return rows.reverse();
  }
}
