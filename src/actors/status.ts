import type { GroupConfig } from '../io/config/schema.js';
import type { DeviceStatus } from '../io/driver.js';
import type { RefusedTag } from '../io/refused-tags.js';
import type { GroupEntry } from '../machines/engine.js';
import { topState, type GroupCounters, type PollGroupState } from '../machines/pollGroup.js';
import type { GroupRuntime } from './group-runtime.js';

/** One group as the status API and the panel show it. */
export interface GroupStatus {
  readonly name: string;
  readonly device: string;
  readonly mode: 'FIXED' | 'HANDSHAKE';
  readonly state: PollGroupState | 'restarting';
  readonly intervalMs: number;
  readonly enabled: boolean;
  readonly tagCount: number;
  readonly requestsPerPoll: number;
  readonly counters: GroupCounters;
  readonly crashes: number;
  readonly lastCrash: string | null;
  readonly lastPollAt: string | null;
  readonly lastDurationMs: number | null;
  /** The last failed poll's error; it stays after a recovery: compare lastErrorAt with lastPollAt. */
  readonly lastError: string | null;
  /** ISO time of the poll that failed with lastError. */
  readonly lastErrorAt: string | null;
  /** Tags of this group the device refuses (address-class answers), read on a slow schedule. */
  readonly tagErrors: number;
  /** The most recent of those refusals. */
  readonly lastTagError: TagErrorView | null;
  readonly successRate: number | null;
  readonly deviceStatus: DeviceStatus | null;
}

/** A refused tag as the API shows it. */
export interface TagErrorView {
  readonly tag: string;
  readonly address: string;
  /** The device's answer: "C056 ADDRESS_OUT_OF_RANGE", "exception 2 ILLEGAL DATA ADDRESS". */
  readonly error: string;
  /** ISO time since when the device refuses it. */
  readonly since: string;
}

/** The most recent refusal of a list, for the API (null when none). */
export function lastTagError(refused: readonly RefusedTag[]): TagErrorView | null {
  let last: RefusedTag | null = null;
  for (const r of refused) if (!last || r.since >= last.since) last = r;
  return last ? { tag: last.tag.name, address: last.tag.address, error: last.error, since: new Date(last.since).toISOString() } : null;
}

const ZERO: GroupCounters = { pollsOk: 0, errors: 0, skippedSlots: 0, triggersAccepted: 0, triggersIgnored: 0 };

export function groupStatus(config: GroupConfig, entry: GroupEntry | undefined, runtime: GroupRuntime | undefined): GroupStatus {
  const ctx = entry?.ref?.getSnapshot().context;
  const counters = ctx?.counters ?? entry?.lastCounters ?? ZERO;
  const attempts = counters.pollsOk + counters.errors;
  const refused = runtime?.plan.refusedTags?.() ?? [];
  return {
    name: config.name,
    device: config.device,
    mode: config.mode === 'fixed' ? 'FIXED' : 'HANDSHAKE',
    state: entry?.ref ? topState(entry.ref.getSnapshot().value) : entry ? 'restarting' : 'idle',
    intervalMs: ctx?.intervalMs ?? config.intervalMs,
    enabled: config.enabled,
    tagCount: config.tags.length,
    requestsPerPoll: runtime?.plan.requestCount ?? 0,
    counters,
    crashes: entry?.crashes ?? 0,
    lastCrash: entry?.lastCrash ?? null,
    lastPollAt: ctx?.lastPollAt != null ? new Date(ctx.lastPollAt).toISOString() : null,
    lastDurationMs: ctx?.lastDurationMs ?? null,
    lastError: ctx?.lastError ?? null,
    lastErrorAt: ctx?.lastErrorAt != null ? new Date(ctx.lastErrorAt).toISOString() : null,
    tagErrors: refused.length,
    lastTagError: lastTagError(refused),
    successRate: attempts > 0 ? counters.pollsOk / attempts : null,
    deviceStatus: runtime?.driver.status() ?? null,
  };
}
