import type { GroupConfig } from '../io/config/schema.js';
import type { DeviceStatus } from '../io/driver.js';
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
  readonly lastError: string | null;
  readonly successRate: number | null;
  readonly deviceStatus: DeviceStatus | null;
}

const ZERO: GroupCounters = { pollsOk: 0, errors: 0, skippedSlots: 0, triggersAccepted: 0, triggersIgnored: 0 };

export function groupStatus(config: GroupConfig, entry: GroupEntry | undefined, runtime: GroupRuntime | undefined): GroupStatus {
  const ctx = entry?.ref?.getSnapshot().context;
  const counters = ctx?.counters ?? entry?.lastCounters ?? ZERO;
  const attempts = counters.pollsOk + counters.errors;
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
    successRate: attempts > 0 ? counters.pollsOk / attempts : null,
    deviceStatus: runtime?.driver.status() ?? null,
  };
}
