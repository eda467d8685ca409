import type { RefusedTag } from './refused-tags.js';
import type { PollBatch, TagSpec } from './types.js';

/**
 * A protocol driver behind the device link: it plans reads for a set of tags and executes them.
 * One driver instance per device; the device link serialises requests and owns reconnects.
 */
export interface DeviceDriver {
  /**
   * Turn a group's tags into a read plan (the fewest requests within per-request limits).
   * Throws a ConfigError-like error when a tag cannot be read from this device.
   */
  plan(tags: readonly TagSpec[]): ReadPlan;
  /**
   * Execute a plan and decode the values. Resolves with one batch whose order is the plan's tags.
   * Rejects with a typed error (the device is unreachable, or it answered with an error code).
   * Honour `signal`: abort the wait (the request may still complete on the wire).
   */
  read(plan: ReadPlan, signal?: AbortSignal): Promise<PollBatch>;
  /** Write one bit (the PLC handshake acknowledge). Optional: not every protocol needs it. */
  writeBit?(address: string, value: boolean, signal?: AbortSignal): Promise<void>;
  /** Read one bit (the PLC handshake trigger). */
  readBit?(address: string, signal?: AbortSignal): Promise<boolean>;
  /** Device connection status, for the polling status and the panel. */
  status(): DeviceStatus;
  /** Requests waiting or running on the device's connection (the queue status). */
  queueDepth?(): number;
  close(): Promise<void>;
}

/** An opaque, reusable plan: groups plan once at start and read it every cycle. */
export interface ReadPlan {
  readonly tags: readonly TagSpec[];
  /** Number of requests one execution sends (for the status API and the benchmarks). */
  readonly requestCount: number;
  /**
   * Tags whose address the device refuses (address-class answers), isolated from the other
   * requests and retried on a slow schedule. Absent for protocols that cannot refuse addresses.
   */
  refusedTags?(): readonly RefusedTag[];
}

export type DeviceState = 'ONLINE' | 'OFFLINE' | 'ERROR' | 'UNKNOWN';

export interface DeviceStatus {
  readonly state: DeviceState;
  /** Epoch ms of the last successful read, or null. */
  readonly lastReadingAt: number | null;
  /** The last error seen, kept after a recovery as a diagnostic: read it with lastErrorAt. */
  readonly lastError: string | null;
  /** Epoch ms of lastError (the link clock), or null. Before lastReadingAt: an old error, not a current one. */
  readonly lastErrorAt: number | null;
}
