import { assign, fromPromise, setup } from 'xstate';
import { backoffDelay, nextSlot, slotTime } from './schedule.js';
import { errorMessage } from '../io/errors.js';

/**
 * One polling group. Pure: time comes from `input.now` (the actor's clock), the read is an
 * actor provided by src/actors (`readTags`), so the whole machine runs under SimulatedClock.
 *
 * idle -> polling.waiting -> polling.reading -> polling.waiting ...
 *                               | read fails
 *                               v
 *                             error -> backoff -> polling.reading (retry) -> polling.waiting
 */

export type GroupMode = 'fixed' | 'handshake';

export interface PollGroupInput {
  readonly name: string;
  readonly mode: GroupMode;
  readonly intervalMs: number;
  /** The actor clock's time (ms). */
  readonly now: () => number;
  /** Random in [0, 1) for backoff jitter; injectable so tests are exact. */
  readonly random?: () => number;
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  /** HANDSHAKE: triggers closer than this to the last accepted one are ignored. */
  readonly triggerDebounceMs?: number;
  /** A stop waits this long for the read in flight, then gives up on it. */
  readonly stopTimeoutMs?: number;
  /** Counters carried over from a crashed predecessor, so a restart keeps the totals. */
  readonly counters?: GroupCounters;
}

export interface GroupCounters {
  pollsOk: number;
  errors: number;
  skippedSlots: number;
  triggersAccepted: number;
  triggersIgnored: number;
}

export interface ReadOutput {
  /** Values read (the tags of the group). */
  readonly tagCount: number;
}

export interface ReadInput {
  readonly group: string;
  /** When the poll was due (FIXED: the slot time; HANDSHAKE: the trigger time). */
  readonly dueAt: number;
}

export interface PollGroupContext {
  readonly name: string;
  mode: GroupMode;
  intervalMs: number;
  readonly now: () => number;
  readonly random: () => number;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  readonly triggerDebounceMs: number;
  readonly stopTimeoutMs: number;
  counters: GroupCounters;
  /** FIXED schedule: slot k is due at anchor + k * interval. */
  anchor: number;
  slot: number;
  /** When the current read was due and when it started. */
  dueAt: number;
  startedAt: number;
  lastPollAt: number | null;
  lastDurationMs: number | null;
  lastTagCount: number;
  lastError: string | null;
  /** When the poll that failed with lastError started: it stays after a recovery, as a diagnostic. */
  lastErrorAt: number | null;
  lastTriggerAt: number | null;
  /** Consecutive failed reads; drives the backoff. */
  failures: number;
  stopRequested: boolean;
}

export type PollGroupEvent =
  | { type: 'group.start' }
  | { type: 'group.stop' }
  | { type: 'group.trigger' }
  | { type: 'group.configure'; intervalMs?: number; mode?: GroupMode };

const ZERO: GroupCounters = { pollsOk: 0, errors: 0, skippedSlots: 0, triggersAccepted: 0, triggersIgnored: 0 };

export const pollGroupMachine = setup({
  types: {
    input: {} as PollGroupInput,
    context: {} as PollGroupContext,
    events: {} as PollGroupEvent,
  },
  actors: {
    // Replaced by src/actors with the real read; this default fails loudly if not provided.
    readTags: fromPromise<ReadOutput, ReadInput>(async () => {
      throw new Error('readTags actor not provided');
    }),
  },
  delays: {
    untilSlot: ({ context }) => Math.max(0, slotTime(context.anchor, context.intervalMs, context.slot) - context.now()),
    backoff: ({ context }) => backoffDelay(context.failures, context.backoffInitialMs, context.backoffMaxMs, context.random),
    stopTimeout: ({ context }) => context.stopTimeoutMs,
  },
  guards: {
    isFixed: ({ context }) => context.mode === 'fixed',
    isHandshake: ({ context }) => context.mode === 'handshake',
    stopRequested: ({ context }) => context.stopRequested,
    slotDueNow: ({ context }) => slotTime(context.anchor, context.intervalMs, context.slot) <= context.now(),
    triggerAccepted: ({ context }) => context.lastTriggerAt === null || context.now() - context.lastTriggerAt >= context.triggerDebounceMs,
  },
  actions: {
    anchorSchedule: assign(({ context }) => ({ anchor: context.now(), slot: 0, failures: 0, stopRequested: false })),
    markStart: assign(({ context }) => ({ startedAt: context.now() })),
    dueNow: assign(({ context }) => ({ dueAt: context.now() })),
    dueAtSlot: assign(({ context }) => ({ dueAt: slotTime(context.anchor, context.intervalMs, context.slot) })),
    acceptTrigger: assign(({ context }) => ({
      lastTriggerAt: context.now(),
      dueAt: context.now(),
      counters: { ...context.counters, triggersAccepted: context.counters.triggersAccepted + 1 },
    })),
    ignoreTrigger: assign(({ context }) => ({ counters: { ...context.counters, triggersIgnored: context.counters.triggersIgnored + 1 } })),
    recordOk: assign(({ context }, output: ReadOutput) => {
      const now = context.now();
      return {
        counters: { ...context.counters, pollsOk: context.counters.pollsOk + 1 },
        lastPollAt: context.startedAt,
        lastDurationMs: now - context.startedAt,
        lastTagCount: output.tagCount,
        failures: 0,
      };
    }),
    recordError: assign(({ context }, error: unknown) => ({
      counters: { ...context.counters, errors: context.counters.errors + 1 },
      lastPollAt: context.startedAt,
      lastDurationMs: context.now() - context.startedAt,
      lastError: errorMessage(error),
      lastErrorAt: context.startedAt,
      failures: context.failures + 1,
    })),
    /** FIXED: choose the next slot after the one just polled, counting those an overrun skipped. */
    advanceSlot: assign(({ context }) => {
      const choice = nextSlot(context.anchor, context.intervalMs, context.slot, context.now());
      return { slot: choice.slot, counters: { ...context.counters, skippedSlots: context.counters.skippedSlots + choice.skipped } };
    }),
    requestStop: assign({ stopRequested: true }),
    clearStop: assign({ stopRequested: false }),
    /**
     * A new interval takes effect at the next cycle: re-anchor on the last slot polled so
     * the next poll is one new interval after it (and later slots follow the new rhythm).
     */
    reconfigure: assign(({ context, event }, params: { inFlight: boolean }) => {
      if (event.type !== 'group.configure') return {};
      const intervalMs = event.intervalMs ?? context.intervalMs;
      const mode = event.mode ?? context.mode;
      // While reading, `slot` is the slot in flight; between reads it is the next one due.
      const polled = params.inFlight ? context.slot : context.slot - 1;
      if (polled < 0) return { intervalMs, mode };
      const anchor = slotTime(context.anchor, context.intervalMs, polled);
      if (params.inFlight) return { intervalMs, mode, anchor, slot: 0 };
      // Slots of the new rhythm already in the past were never due: start at the first ahead.
      const slot = Math.max(1, Math.ceil((context.now() - anchor) / intervalMs));
      return { intervalMs, mode, anchor, slot };
    }),
  },
}).createMachine({
  id: 'pollGroup',
  context: ({ input }) => ({
    name: input.name,
    mode: input.mode,
    intervalMs: input.intervalMs,
    now: input.now,
    random: input.random ?? Math.random,
    backoffInitialMs: input.backoffInitialMs ?? 1000,
    // Short: the device link already paces reconnects (up to 30 s). A long group backoff on top
    // would compound with it and delay recovery long after the PLC is back.
    backoffMaxMs: input.backoffMaxMs ?? 5_000,
    triggerDebounceMs: input.triggerDebounceMs ?? 1000,
    stopTimeoutMs: input.stopTimeoutMs ?? 5000,
    counters: { ...ZERO, ...input.counters },
    anchor: 0,
    slot: 0,
    dueAt: 0,
    startedAt: 0,
    lastPollAt: null,
    lastDurationMs: null,
    lastTagCount: 0,
    lastError: null,
    lastErrorAt: null,
    lastTriggerAt: null,
    failures: 0,
    stopRequested: false,
  }),
  initial: 'idle',
  on: {
    // Out of `waiting`, a new interval or mode is stored and used from the next cycle on.
    'group.configure': { actions: { type: 'reconfigure', params: { inFlight: true } } },
  },
  states: {
    idle: {
      entry: 'clearStop',
      on: {
        'group.start': { target: 'polling', actions: 'anchorSchedule' },
        'group.trigger': { actions: 'ignoreTrigger' },
      },
    },
    polling: {
      initial: 'waiting',
      on: { 'group.stop': '#pollGroup.idle' },
      states: {
        waiting: {
          always: { guard: 'isFixed', target: 'due' },
          on: {
            'group.trigger': [
              { guard: 'triggerAccepted', target: 'reading', actions: 'acceptTrigger' },
              { actions: 'ignoreTrigger' },
            ],
            'group.configure': { target: 'waiting', reenter: true, actions: { type: 'reconfigure', params: { inFlight: false } } },
          },
        },
        /** FIXED only: wait for the slot. */
        due: {
          // A slot due now starts at once: a zero-delay timer would add a timer tick of latency.
          always: { guard: 'slotDueNow', target: 'reading', actions: 'dueAtSlot' },
          after: { untilSlot: { target: 'reading', actions: 'dueAtSlot' } },
          on: {
            'group.configure': { target: 'waiting', reenter: true, actions: { type: 'reconfigure', params: { inFlight: false } } },
            'group.trigger': { actions: 'ignoreTrigger' },
          },
        },
        reading: {
          entry: 'markStart',
          invoke: {
            src: 'readTags',
            input: ({ context }) => ({ group: context.name, dueAt: context.dueAt }),
            onDone: [
              { guard: 'stopRequested', target: '#pollGroup.idle', actions: { type: 'recordOk', params: ({ event }) => event.output } },
              { guard: 'isFixed', target: 'due', actions: [{ type: 'recordOk', params: ({ event }) => event.output }, 'advanceSlot'] },
              { target: 'waiting', actions: { type: 'recordOk', params: ({ event }) => event.output } },
            ],
            onError: [
              { guard: 'stopRequested', target: '#pollGroup.idle', actions: { type: 'recordError', params: ({ event }: { event: { error: unknown } }) => event.error } },
              { target: '#pollGroup.error', actions: { type: 'recordError', params: ({ event }: { event: { error: unknown } }) => event.error } },
            ],
          },
          initial: 'active',
          on: {
            // Finish the read in flight (its values are already on their way), then stop.
            'group.stop': { target: '.stopping', actions: 'requestStop' },
            'group.trigger': { actions: 'ignoreTrigger' },
          },
          states: {
            active: {},
            stopping: { after: { stopTimeout: '#pollGroup.idle' } },
          },
        },
      },
    },
    error: {
      always: 'backoff',
    },
    backoff: {
      after: { backoff: { target: 'polling.reading', actions: 'dueNow' } },
      on: {
        'group.stop': 'idle',
        'group.trigger': { actions: 'ignoreTrigger' },
      },
    },
  },
});

export type PollGroupMachine = typeof pollGroupMachine;
export type PollGroupState = 'idle' | 'polling' | 'error' | 'backoff';

/** The four states the API and the panel show. */
export function topState(value: unknown): PollGroupState {
  if (typeof value === 'string') return value as PollGroupState;
  return 'polling';
}
