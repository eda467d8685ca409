import type { TagRef } from './identity/tag-ref.js';

/**
 * A batch of rows on its way to a sink: column arrays, one entry per value.
 * Columns (not row objects) so a batch crosses the worker boundary as a few typed arrays.
 */
export interface RowBatch {
  readonly length: number;
  readonly tagIds: Int32Array;
  /** Epoch ms. */
  readonly ts: Float64Array;
  /** NaN = NULL (strings, bad quality). */
  readonly values: Float64Array;
  readonly quality: Uint8Array;
  /** Per row text for string tags, null elsewhere; null when the batch has no strings at all. */
  readonly texts: (string | null)[] | null;
}

export interface WriteResult {
  /** Rows the sink stored (duplicates of the natural key are not counted). */
  readonly inserted: number;
  readonly durationMs: number;
}

export type SinkHealth = 'ok' | 'degraded' | 'down' | 'unknown';

/**
 * Where batches go. Every sink commits a batch atomically (all rows or none) and ignores
 * rows whose natural key (tag, ts) it already holds, so a retried or replayed batch is safe.
 */
export interface Sink {
  readonly kind: string;
  write(batch: RowBatch): Promise<WriteResult>;
  close(): Promise<void>;
  /**
   * The running plant's tags (on start and on every config change): the database registers new
   * ones before their first row (CentralSink).
   */
  syncTags?(tags: readonly TagRef[]): Promise<void>;
  /** A cheap round trip (SELECT 1) that resolves when the sink could take a batch now. */
  probe?(): Promise<void>;
}
