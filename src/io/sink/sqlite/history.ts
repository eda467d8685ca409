import type { Db } from './database.js';
import type Database from 'better-sqlite3';

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

const TAG_IDS = 'SELECT t.id FROM tags t JOIN collectors c ON c.id = t.collector_id WHERE c.name = ? AND t.name = ?';

/**
 * Reads a tag's values from a SQLite value database (a read-only connection: WAL readers never
 * block the writer thread), by this collector's name and the tag's. The primary key (ts, tag_id)
 * makes this a range scan. Statements are prepared on first use: the value tables appear only
 * when the collector first claims the database.
 */
export class HistoryReader {
  private byName: Database.Statement | null = null;
  constructor(
    private readonly db: Db,
    private readonly collector: string,
  ) {}

  private ready(): boolean {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'collectors'").get() !== undefined;
  }

  tagExists(name: string): boolean {
    return this.ready() && this.db.prepare(`${TAG_IDS} LIMIT 1`).get(this.collector, name) !== undefined;
  }

  read(tag: string, query: HistoryQuery): HistoryPoint[] {
    if (!this.ready()) return [];
    this.byName ??= this.db.prepare(
      `SELECT ts, value, text_value AS text, quality FROM tag_data
       WHERE tag_id IN (${TAG_IDS}) AND ts BETWEEN ? AND ?
       ORDER BY ts DESC LIMIT ?`,
    );
    const rows = this.byName.all(this.collector, tag, query.from, query.to, query.limit) as HistoryPoint[];
    return rows.reverse();
  }
}
