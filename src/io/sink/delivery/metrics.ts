import type { SinkHealth } from '../rows.js';

/**
 * What Delivery reports (status API, panel). Plain numbers and strings: it is sent as JSON.
 * Accounting, for one run: every row handed to write() is in exactly one of
 * rowsWritten (the sink committed it on the first try or a retry; rows it refused one by one
 * are counted there too, and in rejectedRows) or spooledRows; and every spooled row is
 * replayed (replayedRows), still waits in the spool (spoolRows), or was deleted by the spool's
 * size cap (spoolDroppedRows).
 */
export interface DeliveryMetrics {
  readonly sink: string;
  readonly health: SinkHealth;
  readonly lastError: { readonly message: string; readonly at: number } | null;
  /** Rows of live batches the sink committed (including rows it already held, and rejects). */
  readonly rowsWritten: number;
  /** Rows new to the database (live and replayed): rowsWritten + replayedRows minus duplicates and rejects. */
  readonly rowsInserted: number;
  /** Live batches the sink committed. */
  readonly batches: number;
  /** Attempts after a failed one (each failed batch counts up to attempts - 1). */
  readonly retries: number;
  readonly spooledRows: number;
  readonly spooledBatches: number;
  /** Spooled rows read back and committed (a file replayed twice after a crash counts twice). */
  readonly replayedRows: number;
  /** Rows the database refused one by one; they are in the rejects file. */
  readonly rejectedRows: number;
  /** Appends to the spool that failed (disk full): those batches stayed with the buffer. */
  readonly spoolFailures: number;
  readonly spoolPending: { readonly files: number; readonly bytes: number };
  /** Rows in the spool files, waiting to be replayed. */
  readonly spoolRows: number;
  /** The spool's size cap (collector.spoolMaxBytes). */
  readonly spoolMaxBytes: number;
  /** Rows (and files) the size cap deleted, oldest first: lost on purpose, counted. */
  readonly spoolDroppedRows: number;
  readonly spoolDroppedFiles: number;
  /** Spool files set aside because they cannot be read (kept on disk, named *.unreadable). */
  readonly spoolQuarantined: number;
  /** Sink write time of committed live batches, over the last 256. */
  readonly writeLatencyMs: { readonly avg: number; readonly p95: number };
  readonly rowsPerSecond: number;
  /** The tags dimension table matches the last syncTags() call. */
  readonly tagsSynced: boolean;
}

/** What Delivery.write resolves with: a WriteResult, plus where the rows went. */
export interface DeliveryWriteResult {
  readonly inserted: number;
  readonly durationMs: number;
  /** Rows appended to the spool (0 when the sink took the batch). */
  readonly spooled: number;
  readonly rejected: number;
}

/** Networked sinks may say how many rows they sent to the rejects file. */
export function rejectedOf(result: unknown): number {
  const r = (result as { rejected?: unknown } | null)?.rejected;
  return typeof r === 'number' ? r : 0;
}
