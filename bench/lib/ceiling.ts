import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { applySchema } from '../../src/io/sink/sqlite/database.js';
import { TagDataInserter } from '../../src/io/sink/sqlite/insert.js';
import type { RowBatch } from '../../src/io/sink/rows.js';

/**
 * The same-run ceiling of figure 1: better-sqlite3 alone (no pipeline, no worker hop, no
 * buffer) inserting rows shaped like the pipeline's, in the batch size the buffer wrote.
 */

/** `tags` tag ids, one timestamp per poll of all of them, `intervalMs` apart. */
export function pipelineRows(total: number, size: number, tags: number, intervalMs: number): RowBatch[] {
  const out: RowBatch[] = [];
  for (let at = 0; at < total; at += size) {
    const n = Math.min(size, total - at);
    const b: RowBatch = { length: n, tagIds: new Int32Array(n), ts: new Float64Array(n), values: new Float64Array(n), quality: new Uint8Array(n), texts: null };
    for (let i = 0; i < n; i++) {
      const k = at + i;
      b.tagIds[i] = (k % tags) + 1;
      b.ts[i] = 1_700_000_000_000 + Math.floor(k / tags) * intervalMs;
      b.values[i] = (k * 7919) % 30000;
    }
    out.push(b);
  }
  return out;
}

/** Rows/s with the sink's statement (64-row INSERT) and with a plain one-row INSERT, in this thread. */
export function sqliteCeiling(data: readonly RowBatch[]): { sinkStatement: number; oneRow: number } {
  const dir = mkdtempSync(join(tmpdir(), 'jsscada-bench-ceiling-'));
  const total = data.reduce((n, b) => n + b.length, 0);
  try {
    const run = (insert: (db: Database.Database) => (b: RowBatch) => void): number => {
      const db = new Database(join(dir, `c${Math.random().toString(36).slice(2)}.db`));
      // The writer thread's settings (database.ts + worker.ts), so only the pipeline differs.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('cache_size = -32768');
      applySchema(db);
      const fn = insert(db);
      const t0 = performance.now();
      for (const b of data) fn(b);
      const ms = performance.now() - t0;
      db.close();
      return (total / ms) * 1000;
    };
    const sinkStatement = run((db) => {
      const inserter = new TagDataInserter(db);
      return (b) => void inserter.insert(b);
    });
    const oneRow = run((db) => {
      const stmt = db.prepare('INSERT OR IGNORE INTO tag_data(tag_id, ts, value, text_value, quality) VALUES (?,?,?,?,?)');
      const tx = db.transaction((b: RowBatch) => {
        for (let i = 0; i < b.length; i++) stmt.run(b.tagIds[i], b.ts[i], b.values[i], null, b.quality[i]);
      });
      return (b) => tx(b);
    });
    return { sinkStatement, oneRow };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
