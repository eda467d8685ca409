import type { RowBatch, WriteResult } from '../rows.js';
import type { Claim, CollectorIdentity } from './collector-identity.js';
import type { TagRegistration } from './tag-ref.js';

/**
 * A value database that owns tag identity (SQLite, PostgreSQL, Oracle). Batches given to write()
 * carry the database's tag ids; CentralSink translates the collector's local ids before that.
 * Errors are SinkErrors: SINK_IDENTITY (the name is held by another collector) and SINK_SCHEMA
 * (a schema this release cannot write to; the message names the fix) are not retryable.
 */
export interface CentralStore {
  readonly kind: string;
  /** Where, for messages: a file path, user@host:port/db, user@connectString (no password). */
  readonly target: string;
  write(batch: RowBatch): Promise<WriteResult>;
  /** Take (or re-take) the collector's name: creates the schema on first use, checks its version. */
  claim(identity: CollectorIdentity): Promise<Claim>;
  /** Register tags of this collector; returns their ids in the same order. Race-free across collectors. */
  register(collectorId: number, tags: readonly TagRegistration[]): Promise<number[]>;
  /** Renew the lease; false when another instance holds the name now. */
  renew(collectorId: number, instanceId: string): Promise<boolean>;
  /** A clean stop: the name is free at once for a successor. */
  release(collectorId: number, instanceId: string): Promise<void>;
  probe?(): Promise<void>;
  close(): Promise<void>;
}
