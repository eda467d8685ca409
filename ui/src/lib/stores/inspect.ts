import { batch, createSignal, type Accessor } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import { timed } from '../perf.js';
import type { StreamState } from '../sse-client.js';
import type { SseMessage } from '../sse-parser.js';
import { definitionsSchema, liveActorsSchema, recordsBatchSchema, type Definitions, type InspectionRecord, type StateValue } from '../schemas/inspect.js';
import { describeIssues } from '../zod-issues.js';
import { sameList } from './polling.js';
import type { StreamFactory } from './stream-source.js';

/**
 * The inspector's data from /api/inspect/stream: machine definitions, every live actor's current
 * state, and a bounded log. Records arrive in batches of up to 500 every 250 ms (the server
 * throttles); each batch is applied at once.
 */
export interface ActorState {
  readonly actorId: string;
  readonly machine: string | null;
  readonly parentId: string | null;
  readonly value: StateValue | null;
  readonly status: string;
  readonly context: Readonly<Record<string, unknown>>;
  readonly updatedAt: number;
}

export type LogKind = 'event' | 'state' | 'actor' | 'stopped';

export interface LogEntry {
  readonly seq: number;
  readonly at: number;
  readonly actorId: string;
  readonly kind: LogKind;
  /** Event type, or the state reached ("polling.due"). */
  readonly text: string;
  /** A short JSON of the event's payload (no type), when it has one. */
  readonly detail: string;
}

export interface InspectStore {
  readonly definitions: Accessor<Definitions | null>;
  readonly actors: Readonly<Record<string, ActorState>>;
  readonly actorIds: Accessor<readonly string[]>;
  readonly log: Accessor<readonly LogEntry[]>;
  /** Records the server left out (too many in one period), summed. */
  readonly dropped: Accessor<number>;
  readonly stream: Accessor<StreamState>;
  readonly protocolError: Accessor<string | null>;
  /** "buffer x:0" for system actors with opaque ids; a group's "press-fast#0" as is. */
  actorLabel(actorId: string): string;
  receive(messages: readonly SseMessage[]): void;
  /** Start when the first viewer comes, stop after the last leaves (the stream costs the server). */
  acquire(): () => void;
}

export interface InspectStoreOptions {
  readonly streams: StreamFactory;
  readonly url?: string;
  readonly logSize?: number;
}

export const LOG_SIZE = 1000;
const DETAIL_MAX = 240;

/** "idle" -> "idle"; { polling: "due" } -> "polling.due"; parallel regions joined by ", ". */
export function stateText(value: StateValue | null): string {
  if (value === null) return '—';
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([k, v]) => (typeof v === 'string' ? `${k}.${v}` : `${k}.${stateText(v)}`))
    .join(', ');
}

/**
 * XState's internal event names as a reader wants them: "xstate.after.untilSlot.pollGroup.polling.due"
 * -> "after untilSlot", "xstate.done.actor.0.pollGroup.polling.reading" -> "done: polling.reading".
 */
export function eventText(type: string): string {
  const after = /^xstate\.after\.([^.]+)\./.exec(type);
  if (after) return `after ${after[1]}`;
  const actor = /^xstate\.(done|error)\.actor\.(.*)$/.exec(type);
  if (actor) return `${actor[1]}: ${invokeName(actor[2]!)}`;
  const state = /^xstate\.done\.state\.(.*)$/.exec(type);
  if (state) return `done: ${state[1]}`;
  return type;
}

/** "0.pollGroup.polling.reading" (an invoke id: index, machine, state path) -> "polling.reading". */
function invokeName(id: string): string {
  const parts = id.split('.');
  return /^\d+$/.test(parts[0] ?? '') && parts.length > 2 ? parts.slice(2).join('.') : id;
}

function detailOf(event: Record<string, unknown>): string {
  // The invoked actor's id is already in the text ("done: polling.reading").
  const { type: _type, ...rest } = event;
  if (typeof event.type === 'string' && event.type.startsWith('xstate.') && 'actorId' in rest) delete rest.actorId;
  if (Object.keys(rest).length === 0) return '';
  const text = JSON.stringify(rest);
  return text.length > DETAIL_MAX ? `${text.slice(0, DETAIL_MAX - 1)}…` : text;
}

export function createInspectStore(options: InspectStoreOptions): InspectStore {
  const logSize = options.logSize ?? LOG_SIZE;
  const [definitions, setDefinitions] = createSignal<Definitions | null>(null);
  const [actors, setActors] = createStore<Record<string, ActorState>>({});
  const [actorIds, setActorIds] = createSignal<readonly string[]>([], { equals: sameList });
  const [log, setLog] = createSignal<readonly LogEntry[]>([]);
  const [dropped, setDropped] = createSignal(0);
  const [protocolError, setProtocolError] = createSignal<string | null>(null);
  let viewers = 0;
  // Machines of actors seen, kept after they stop (the log still names them), bounded: restarted
  // groups get new ids all shift long.
  const machineOf = new Map<string, string>();
  const rememberMachine = (actorId: string, machine: string | null): void => {
    if (!machine || machineOf.get(actorId) === machine) return;
    machineOf.set(actorId, machine);
    if (machineOf.size <= 2 * logSize) return;
    const oldest = machineOf.keys().next();
    if (!oldest.done) machineOf.delete(oldest.value);
  };

  const syncIds = (): void => {
    setActorIds(Object.keys(actors).sort(compareActorIds));
  };

  const applyRecords = (records: readonly InspectionRecord[]): void => {
    const entries: LogEntry[] = [];
    let membership = false;
    setActors(
      produce((all) => {
        for (const r of records) {
          switch (r.kind) {
            case 'actor':
              rememberMachine(r.actorId, r.machine);
              if (!all[r.actorId]) membership = true;
              all[r.actorId] = { actorId: r.actorId, machine: r.machine, parentId: r.parentId, value: null, status: 'active', context: {}, updatedAt: r.at };
              entries.push({ seq: r.seq, at: r.at, actorId: r.actorId, kind: 'actor', text: `started (${r.machine ?? '?'})`, detail: '' });
              break;
            case 'snapshot': {
              const cur = all[r.actorId];
              const before = cur ? stateText(cur.value) : null;
              const next = stateText(r.value);
              if (!cur) membership = true;
              all[r.actorId] = { actorId: r.actorId, machine: r.machine, parentId: cur?.parentId ?? null, value: r.value, status: r.status, context: r.context, updatedAt: r.at };
              if (before !== next) entries.push({ seq: r.seq, at: r.at, actorId: r.actorId, kind: 'state', text: next, detail: '' });
              break;
            }
            case 'stopped':
              if (all[r.actorId]) {
                delete all[r.actorId];
                membership = true;
              }
              entries.push({ seq: r.seq, at: r.at, actorId: r.actorId, kind: 'stopped', text: 'stopped', detail: '' });
              break;
            case 'event':
              entries.push({ seq: r.seq, at: r.at, actorId: r.actorId, kind: 'event', text: eventText(r.event.type), detail: detailOf(r.event) });
              break;
          }
        }
      }),
    );
    if (membership) syncIds();
    if (entries.length > 0) setLog((l) => (l.length + entries.length <= logSize ? [...l, ...entries] : [...l, ...entries].slice(-logSize)));
  };

  const receive = (messages: readonly SseMessage[]): void => {
    timed('inspect.apply', () =>
      batch(() => {
        for (const m of messages) {
          let data: unknown;
          try {
            data = JSON.parse(m.data);
          } catch {
            setProtocolError(`inspect stream: "${m.type}" is not JSON`);
            continue;
          }
          if (m.type === 'definitions') {
            const parsed = definitionsSchema.safeParse(data);
            if (parsed.success) setDefinitions(parsed.data);
            else setProtocolError(`inspect definitions: ${describeIssues(parsed.error)}`);
          } else if (m.type === 'actors') {
            const parsed = liveActorsSchema.safeParse(data);
            if (!parsed.success) {
              setProtocolError(`inspect actors: ${describeIssues(parsed.error)}`);
              continue;
            }
            const next: Record<string, ActorState> = {};
            for (const a of parsed.data) rememberMachine(a.actorId, a.machine);
            for (const a of parsed.data) next[a.actorId] = { actorId: a.actorId, machine: a.machine, parentId: a.parentId, value: a.value, status: a.status, context: a.context, updatedAt: a.updatedAt };
            setActors(reconcile(next));
            syncIds();
          } else if (m.type === 'records') {
            const parsed = recordsBatchSchema.safeParse(data);
            if (!parsed.success) {
              setProtocolError(`inspect records: ${describeIssues(parsed.error)}`);
              continue;
            }
            if (parsed.data.dropped > 0) setDropped((d) => d + parsed.data.dropped);
            applyRecords(parsed.data.records);
          }
        }
      }),
    );
  };

  const source = options.streams(options.url ?? '/api/inspect/stream', receive);

  return {
    definitions,
    actors,
    actorIds,
    log,
    dropped,
    stream: source.state,
    protocolError,
    receive,
    actorLabel(actorId) {
      const machine = machineOf.get(actorId);
      return machine && /^x:\d+$/.test(actorId) ? `${machine} ${actorId}` : actorId;
    },
    acquire() {
      if (viewers++ === 0) source.start();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (--viewers === 0) source.stop();
      };
    },
  };
}

/** Actors in a readable order: "press-fast#0" before "press-fast#1", "x:2" before "x:10". */
export function compareActorIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
