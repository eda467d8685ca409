import type { Logger } from 'pino';
import type { RowBatch, Sink, WriteResult } from '../rows.js';
import { readSpoolFile, type SpoolReadStats } from '../spool/spool-reader.js';
import { SpoolError } from '../spool/spool-error.js';
import type { Spool } from '../spool/spool.js';

/**
 * Replay the spool into the sink: files oldest first, each file in order, in batches of at
 * most `maxRows`; a file is deleted only after EVERY row in it was committed.
 *
 * Crash safety is at-least-once plus an idempotent sink, not exactly-once bookkeeping:
 * - a crash before a file's last batch commits leaves the file in place, and the next run
 *   replays it from its first row: no row is lost;
 * - rows committed before the crash are sent again, and every sink inserts with
 *   INSERT-OR-IGNORE semantics on the natural key (tag_id, ts) (SQLite INSERT OR IGNORE,
 *   PostgreSQL ON CONFLICT DO NOTHING, Oracle's unique key with ORA-00001 counted as already
 *   stored), so the second copy changes nothing: no row is duplicated;
 * - the same holds for a crash between the last commit and the delete.
 * A progress marker (rows done per file) would only save re-sending rows the key ignores
 * anyway, and would itself need crash-safe writes, so there is none.
 */

export interface ReplayHooks {
  /** A batch of `rows` replayed rows was committed. */
  onCommitted(batch: RowBatch, result: WriteResult): void;
  onFileDone(file: string, stats: SpoolReadStats): void;
  onQuarantined(file: string, err: SpoolError): void;
}

export async function replaySpool(
  spool: Spool,
  sink: Sink,
  options: { maxRows: number; logger: Logger; hooks: ReplayHooks; shouldStop?: () => boolean; maySealOpenFile?: () => boolean },
): Promise<void> {
  const { logger, hooks } = options;
  // Sealed files first (they are older than the open one), so a file being read is never one
  // being appended to. The open file is sealed only when the caller knows the sink takes
  // batches: sealing it on every attempt while the sink is down started a new file each time.
  for (;;) {
    if (options.shouldStop?.()) return;
    const file = spool.sealedFiles()[0];
    if (!file) {
      if (!spool.hasOpenFile || !(options.maySealOpenFile?.() ?? true)) return;
      await spool.seal(); // batches were spooled meanwhile: take those too
      continue;
    }
    const stats: SpoolReadStats = { rows: 0, tornBytes: 0, corrupt: 0 };
    // Marked until deleted: the spool's size cap must not delete (and count as dropped) a file
    // whose rows are being committed.
    spool.markReading(file, true);
    try {
      try {
        for await (const batch of readSpoolFile(file.path, { maxRows: options.maxRows, logger, stats, keys: spool.keys })) {
          // Stopping mid-file keeps the file: it is replayed whole next time (see above).
          if (options.shouldStop?.()) return;
          hooks.onCommitted(batch, await sink.write(batch));
        }
      } catch (err) {
        if (err instanceof SpoolError && err.code === 'SPOOL_BAD_HEADER') {
          // Not a file we can read: set it aside for a person, and go on with the others
          // rather than block every later file behind it.
          await spool.quarantine(file);
          hooks.onQuarantined(file.path, err);
          continue;
        }
        throw err;
      }
      await spool.remove(file);
    } finally {
      spool.markReading(file, false);
    }
    hooks.onFileDone(file.path, stats);
  }
}
