import { closeSync, fdatasyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RowBatch } from '../rows.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../../private-files.js';

/**
 * Rows the database refused one by one (a value too large, a NULL where none may be): they
 * can never be written as they are, so retrying them would block the rows behind them. They go
 * here, one JSON object per line, with the database's error, so nothing vanishes silently and a
 * person can fix and re-import them.
 *
 * Synchronous append + fdatasync: called from a writer thread right before the good rows of
 * the batch commit, so a rejected row is on disk no later than its batch. If the commit then
 * fails, the batch is retried and its rejects are written again: at-least-once, like the spool.
 * Each call is ONE write(2) on an O_APPEND descriptor, so lines from several writer threads do
 * not interleave on a local file system.
 */

export interface RejectedRow {
  /** Index of the row in its batch. */
  readonly index: number;
  /** Driver code: SQLSTATE 22003, ORA-12899... */
  readonly code: string;
  readonly message: string;
}

export interface RejectLine {
  readonly at: string;
  readonly sink: string;
  readonly code: string;
  readonly message: string;
  readonly row: { readonly tagId: number; readonly ts: number; readonly value: number | string | null; readonly text: string | null; readonly quality: number };
}

/** JSON has no NaN or Infinity: NULL is null, infinities are kept as text. */
function jsonValue(v: number): number | string | null {
  if (Number.isNaN(v)) return null;
  return Number.isFinite(v) ? v : String(v);
}

export function rejectLines(sink: string, batch: RowBatch, rejected: readonly RejectedRow[], now: number): RejectLine[] {
  const at = new Date(now).toISOString();
  return rejected.map((r) => ({
    at,
    sink,
    code: r.code,
    message: r.message,
    row: {
      tagId: batch.tagIds[r.index]!,
      ts: batch.ts[r.index]!,
      value: jsonValue(batch.values[r.index]!),
      text: batch.texts ? (batch.texts[r.index] ?? null) : null,
      quality: batch.quality[r.index]!,
    },
  }));
}

export function appendRejects(path: string, lines: readonly RejectLine[]): void {
  if (lines.length === 0) return;
  mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  const fd = openSync(path, 'a', PRIVATE_FILE_MODE);
  try {
    writeSync(fd, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
