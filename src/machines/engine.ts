import { enqueueActions, setup, type ActorRefFrom } from 'xstate';
import { pollGroupMachine, type GroupCounters, type GroupMode, type PollGroupInput } from './pollGroup.js';
import { backoffDelay } from './schedule.js';

/**
 * The engine: supervises one pollGroup actor per configured group. Pure: time and
 * randomness come from input, and the group's read actor is provided by src/actors.
 *
 * A group actor that crashes (a bug throws inside it) becomes an `xstate.error.actor.*`
 * event here, never a throw through the engine: the engine counts it, logs it through the
 * `groupCrashed` action, and restarts the group with backoff. Other groups never notice.
 */

export interface GroupDef {
  readonly name: string;
  readonly mode: GroupMode;
  readonly intervalMs: number;
  /** Poll from the start (on load, on hot add). */
  readonly enabled: boolean;
}

export interface EngineInput {
  readonly now: () => number;
  readonly random?: () => number;
  readonly maxConcurrent: number;
  readonly restartInitialMs?: number;
  readonly restartMaxMs?: number;
  /** Passed to every group (backoff, debounce, stop timeout). */
  readonly groupOptions?: Partial<Pick<PollGroupInput, 'backoffInitialMs' | 'backoffMaxMs' | 'triggerDebounceMs' | 'stopTimeoutMs'>>;
}

type GroupRef = ActorRefFrom<typeof pollGroupMachine>;

export interface GroupEntry {
  readonly def: GroupDef;
  /** Null while a crashed group waits for its restart. */
  readonly ref: GroupRef | null;
  /** Spawn generation: child ids are `name#generation`, so a restart never reuses an id. */
  readonly generation: number;
  readonly crashes: number;
  readonly lastCrash: string | null;
  /** When it last crashed, and the crashes since it last ran STABLE_MS without one (drives the backoff). */
  readonly lastCrashAt?: number | undefined;
  readonly recentCrashes?: number | undefined;
  /** The crashed group was polling: poll again after the restart. */
  readonly resume: boolean;
  /** Counters of the crashed actor, carried into its successor. */
  readonly lastCounters?: GroupCounters | undefined;
}

export interface EngineContext {
  readonly now: () => number;
  readonly random: () => number;
  readonly maxConcurrent: number;
  readonly restartInitialMs: number;
  readonly restartMaxMs: number;
  readonly groupOptions: NonNullable<EngineInput['groupOptions']>;
  groups: Record<string, GroupEntry>;
}

export type EngineEvent =
  | { type: 'engine.load'; groups: readonly GroupDef[] }
  | { type: 'engine.start'; name: string }
  | { type: 'engine.stop'; name: string }
  | { type: 'engine.trigger'; name: string }
  | { type: 'engine.startAll' }
  | { type: 'engine.stopAll' }
  | { type: 'engine.restart'; name: string }
  /** Internal: raised by a reload to start / stop the groups it enabled / disabled. */
  | { type: 'engine.startMany'; names: readonly string[] }
  | { type: 'engine.stopMany'; names: readonly string[] }
  | { type: `xstate.error.actor.${string}`; error: unknown };

export type EngineEmitted =
  | { type: 'group.crashed'; name: string; error: unknown; crashes: number; restartInMs: number }
  | { type: 'group.startRefused'; name: string; reason: string };

/** A group that ran this long without crashing starts its restart backoff from the beginning again. */
export const STABLE_MS = 10 * 60_000;

export function childId(name: string, generation: number): string {
  return `${name}#${generation}`;
}

export function groupNameOf(id: string): string {
  return id.slice(0, id.lastIndexOf('#'));
}

/** A group counts against the limit unless it is idle. */
export function isRunning(entry: GroupEntry): boolean {
  if (!entry.ref) return entry.resume;
  return entry.ref.getSnapshot().value !== 'idle';
}

export function runningCount(groups: Record<string, GroupEntry>): number {
  let n = 0;
  for (const entry of Object.values(groups)) if (isRunning(entry)) n++;
  return n;
}

export type StartRefusal = { code: 'unknown'; message: string } | { code: 'running'; message: string } | { code: 'capacity'; message: string };

/** Why `engine.start` would be refused, or null. The facade asks first to answer with the reason. */
export function startRefusal(context: EngineContext, name: string): StartRefusal | null {
  const entry = context.groups[name];
  if (!entry) return { code: 'unknown', message: `unknown group "${name}"` };
  if (isRunning(entry)) return { code: 'running', message: `group "${name}" is already running` };
  const running = runningCount(context.groups);
  if (running >= context.maxConcurrent) {
    return { code: 'capacity', message: `cannot start group "${name}": ${running} of at most ${context.maxConcurrent} concurrent groups are running (collector.maxConcurrentGroups)` };
  }
  return null;
}

function sameSchedule(a: GroupDef, b: GroupDef): boolean {
  return a.mode === b.mode && a.intervalMs === b.intervalMs;
}

export const engineMachine = setup({
  types: {
    input: {} as EngineInput,
    context: {} as EngineContext,
    events: {} as EngineEvent,
    /** Emitted for the actor layer to log; the machine itself does no I/O. */
    emitted: {} as EngineEmitted,
  },
  actors: { pollGroup: pollGroupMachine },
  actions: {

    reconcile: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'engine.load') return;
      const wanted = new Map(event.groups.map((g) => [g.name, g]));
      // Removed groups stop now (their read in flight is abandoned) and forget pending restarts.
      for (const [name, entry] of Object.entries(context.groups)) {
        if (wanted.has(name)) continue;
        if (entry.ref) enqueue.stopChild(entry.ref);
        enqueue.cancel(`restart:${name}`);
        enqueue.assign(({ context: c }) => {
          const groups = { ...c.groups };
          delete groups[name];
          return { groups };
        });
      }
      const toStart: string[] = [];
      const toStop: string[] = [];
      for (const def of event.groups) {
        const entry = context.groups[def.name];
        if (!entry) {
          enqueue.assign(({ context: c, spawn }) => ({
            groups: { ...c.groups, [def.name]: { def, ref: spawn('pollGroup', groupSpawn(c, def, 0)), generation: 0, crashes: 0, lastCrash: null, resume: false } },
          }));
          if (def.enabled) toStart.push(def.name);
          continue;
        }
        if (!sameSchedule(entry.def, def) && entry.ref) {
          enqueue.sendTo(entry.ref, { type: 'group.configure', intervalMs: def.intervalMs, mode: def.mode });
        }
        if (def.enabled && !entry.def.enabled) toStart.push(def.name);
        if (!def.enabled && entry.def.enabled) toStop.push(def.name);
        enqueue.assign(({ context: c }) => ({ groups: { ...c.groups, [def.name]: { ...c.groups[def.name]!, def } } }));
      }
      if (toStop.length) enqueue.raise({ type: 'engine.stopMany', names: toStop });
      if (toStart.length) enqueue.raise({ type: 'engine.startMany', names: toStart });
    }),
    startGroups: enqueueActions(({ context, enqueue }, params: { names: readonly string[] }) => {
      // Count as we go: starting several at once must still respect the limit.
      let running = runningCount(context.groups);
      for (const name of params.names) {
        const entry = context.groups[name];
        if (!entry || isRunning(entry)) continue;
        if (running >= context.maxConcurrent) {
          enqueue.emit({ type: 'group.startRefused', name, reason: `at most ${context.maxConcurrent} concurrent groups are allowed (collector.maxConcurrentGroups)` });
          continue;
        }
        running++;
        if (entry.ref) enqueue.sendTo(entry.ref, { type: 'group.start' });
        else enqueue.assign(({ context: c }) => ({ groups: { ...c.groups, [name]: { ...c.groups[name]!, resume: true } } }));
      }
    }),
    stopGroups: enqueueActions(({ context, enqueue }, params: { names: readonly string[] }) => {
      for (const name of params.names) {
        const entry = context.groups[name];
        if (!entry) continue;
        if (entry.ref) enqueue.sendTo(entry.ref, { type: 'group.stop' });
        else enqueue.assign(({ context: c }) => ({ groups: { ...c.groups, [name]: { ...c.groups[name]!, resume: false } } }));
      }
    }),
    handleCrash: enqueueActions(({ context, event, enqueue }) => {
      if (!event.type.startsWith('xstate.error.actor.')) return;
      const id = event.type.slice('xstate.error.actor.'.length);
      const name = groupNameOf(id);
      const entry = context.groups[name];
      if (!entry || !entry.ref || entry.ref.id !== id) return;
      const error = 'error' in event ? event.error : undefined;
      const crashes = entry.crashes + 1;
      const now = context.now();
      const stable = entry.lastCrashAt === undefined || now - entry.lastCrashAt >= STABLE_MS;
      const recentCrashes = stable ? 1 : (entry.recentCrashes ?? 0) + 1;
      const restartInMs = backoffDelay(recentCrashes, context.restartInitialMs, context.restartMaxMs, context.random);
      // The crashed actor's last context survives in its error snapshot: keep counters and intent.
      const last = entry.ref.getSnapshot();
      enqueue.assign(({ context: c }) => ({
        groups: {
          ...c.groups,
          [name]: { ...entry, ref: null, crashes, recentCrashes, lastCrashAt: now, lastCrash: error instanceof Error ? error.message : String(error), resume: true, lastCounters: last.context.counters },
        },
      }));
      enqueue.emit({ type: 'group.crashed', name, error, crashes, restartInMs });
      enqueue.raise({ type: 'engine.restart', name }, { delay: restartInMs, id: `restart:${name}` });
    }),
    restartGroup: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'engine.restart') return;
      const entry = context.groups[event.name];
      if (!entry || entry.ref) return;
      const counters = entry.lastCounters;
      const generation = entry.generation + 1;
      enqueue.assign(({ context: c, spawn }) => ({
        groups: { ...c.groups, [event.name]: { ...entry, generation, ref: spawn('pollGroup', groupSpawn(c, entry.def, generation, counters)) } },
      }));
      if (entry.resume) {
        enqueue.sendTo(({ context: c }) => c.groups[event.name]!.ref!, { type: 'group.start' });
      }
    }),
  },
}).createMachine({
  id: 'engine',
  context: ({ input }) => ({
    now: input.now,
    random: input.random ?? Math.random,
    maxConcurrent: input.maxConcurrent,
    restartInitialMs: input.restartInitialMs ?? 1000,
    restartMaxMs: input.restartMaxMs ?? 60_000,
    groupOptions: input.groupOptions ?? {},
    groups: {},
  }),
  initial: 'loading',
  states: {
    /** No configuration yet: the API answers "engine not ready". */
    loading: {
      on: { 'engine.load': { target: 'ready', actions: 'reconcile' } },
    },
    ready: {
      on: {
        'engine.load': { actions: 'reconcile' },
        'engine.start': { actions: { type: 'startGroups', params: ({ event }) => ({ names: [event.name] }) } },
        'engine.startAll': { actions: { type: 'startGroups', params: ({ context }) => ({ names: Object.keys(context.groups) }) } },
        'engine.stop': { actions: { type: 'stopGroups', params: ({ event }) => ({ names: [event.name] }) } },
        'engine.stopAll': { actions: { type: 'stopGroups', params: ({ context }) => ({ names: Object.keys(context.groups) }) } },
        'engine.startMany': { actions: { type: 'startGroups', params: ({ event }) => ({ names: event.names }) } },
        'engine.stopMany': { actions: { type: 'stopGroups', params: ({ event }) => ({ names: event.names }) } },
        'engine.trigger': {
          actions: enqueueActions(({ context, event, enqueue }) => {
            const ref = context.groups[event.name]?.ref;
            if (ref) enqueue.sendTo(ref, { type: 'group.trigger' });
          }),
        },
        'engine.restart': { actions: 'restartGroup' },
        'xstate.error.actor.*': { actions: 'handleCrash' },
      },
    },
  },
});

function groupSpawn(context: EngineContext, def: GroupDef, generation: number, counters?: GroupCounters) {
  return {
    id: childId(def.name, generation),
    input: {
      name: def.name,
      mode: def.mode,
      intervalMs: def.intervalMs,
      now: context.now,
      random: context.random,
      counters,
      ...context.groupOptions,
    },
  };
}

export type EngineMachine = typeof engineMachine;
