/** Spool failures, by code: the spool is the last place a row can go, so these are loud. */
export type SpoolErrorCode =
  /** Appending or syncing a batch failed (disk full, I/O error): the batch is NOT spooled. */
  | 'SPOOL_WRITE_FAILED'
  /** A spool file does not start with our header: not ours, or a format we cannot read. Kept. */
  | 'SPOOL_BAD_HEADER'
  /** The spool is at its size cap and nothing could be dropped to make room: NOT spooled. */
  | 'SPOOL_FULL'
  /** Listing, reading or deleting spool files failed. */
  | 'SPOOL_IO';

export class SpoolError extends Error {
  override readonly name = 'SpoolError';
  constructor(
    readonly code: SpoolErrorCode,
    message: string,
    readonly file: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
