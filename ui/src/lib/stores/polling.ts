import { batch, createSignal, type Accessor } from 'solid-js';
import { createStore, produce, reconcile, type SetStoreFunction } from 'solid-js/store';
import { createFrameQueue, type FrameQueueOptions } from '../frame-queue.js';
import { timed } from '../perf.js';
import type { SseMessage } from '../sse-parser.js';
import type { StreamState } from '../sse-client.js';
import { bufferStatusSchema, engineSchema, groupStatusSchema, type BufferStatus, type EngineStatus, type GroupStatus } from '../schemas/status.js';
import { groupRemovedSchema, pollingSnapshotSchema } from '../schemas/streams.js';
import { describeIssues } from '../zod-issues.js';
import type { StreamFactory } from './stream-source.js';

/**
 * Engine, groups and buffer, live from /api/polling/stream. Group messages are coalesced per
 * frame (the newest per group wins) and applied in one batch; each group is reconciled into the
 * store, so only the fields that changed touch the DOM, and the list of names changes only when
 * groups come or go: 100 groups updating four times a second re-render no table.
 */
export interface PollingStore {
  readonly groups: Readonly<Record<string, GroupStatus>>;
  readonly names: Accessor<readonly string[]>;
  readonly engine: Accessor<EngineStatus | null>;
  readonly buffer: Accessor<BufferStatus | null>;
  readonly stream: Accessor<StreamState>;
  /** When the last message was applied (epoch ms). */
  readonly updatedAt: Accessor<number | null>;
  /** The last payload that failed its schema (shown, never silently dropped). */
  readonly protocolError: Accessor<string | null>;
  /** Apply a status the REST API returned (a start or stop answer), without waiting for the stream. */
  applyGroup(status: GroupStatus): void;
  /** For tests and the stream: messages as parsed from the wire. */
  receive(messages: readonly SseMessage[]): void;
  flush(): void;
  start(): void;
  stop(): void;
  reconnectNow(): void;
}

export interface PollingStoreOptions {
  readonly streams: StreamFactory;
  readonly url?: string;
  readonly frames?: FrameQueueOptions;
}

type Pending = { kind: 'group'; status: GroupStatus } | { kind: 'removed' };

export function createPollingStore(options: PollingStoreOptions): PollingStore {
  const [groups, setGroups] = createStore<Record<string, GroupStatus>>({});
  const [names, setNames] = createSignal<readonly string[]>([], { equals: sameList });
  const [engine, setEngine] = createSignal<EngineStatus | null>(null);
  const [buffer, setBuffer] = createSignal<BufferStatus | null>(null);
  const [updatedAt, setUpdatedAt] = createSignal<number | null>(null);
  const [protocolError, setProtocolError] = createSignal<string | null>(null);

  // Between frames: the newest message per group, and the newest engine and buffer.
  let pendingGroups = new Map<string, Pending>();
  let pendingEngine: EngineStatus | null = null;
  let pendingBuffer: BufferStatus | null = null;
  let order: string[] = [];

  const apply = (): void =>
    timed('polling.apply', () => {
      const work = pendingGroups;
      pendingGroups = new Map();
      const eng = pendingEngine;
      const buf = pendingBuffer;
      pendingEngine = null;
      pendingBuffer = null;
      batch(() => {
        let membership = false;
        for (const [name, p] of work) {
          if (p.kind === 'removed') {
            if (name in groups) {
              removeGroup(setGroups, name);
              membership = true;
            }
          } else {
            if (!(name in groups)) membership = true;
            putGroup(setGroups, groups, p.status);
          }
        }
        if (membership) {
          const known = new Set(Object.keys(groups));
          order = [...order.filter((n) => known.has(n)), ...[...known].filter((n) => !order.includes(n))];
          setNames(order);
        }
        if (eng) setEngine(eng);
        if (buf) setBuffer(buf);
        setUpdatedAt(Date.now());
      });
    });
  const queue = createFrameQueue(apply, options.frames);

  const snapshot = (data: unknown): void => {
    const parsed = pollingSnapshotSchema.safeParse(data);
    if (!parsed.success) {
      setProtocolError(`polling snapshot: ${describeIssues(parsed.error)}`);
      return;
    }
    // A snapshot is the whole truth: anything queued before it is older.
    queue.cancel();
    pendingGroups = new Map();
    pendingEngine = null;
    pendingBuffer = null;
    const snap = parsed.data;
    timed('polling.snapshot', () =>
      batch(() => {
        const incoming = new Set(snap.groups.map((g) => g.name));
        for (const name of Object.keys(groups)) if (!incoming.has(name)) removeGroup(setGroups, name);
        for (const g of snap.groups) putGroup(setGroups, groups, g);
        order = snap.groups.map((g) => g.name);
        setNames(order);
        setEngine(snap.engine);
        setBuffer(snap.buffer);
        setUpdatedAt(Date.now());
        setProtocolError(null);
      }),
    );
  };

  const receive = (messages: readonly SseMessage[]): void => {
    for (const m of messages) {
      let data: unknown;
      try {
        data = JSON.parse(m.data);
      } catch {
        setProtocolError(`polling stream: "${m.type}" is not JSON`);
        continue;
      }
      switch (m.type) {
        case 'snapshot':
          snapshot(data);
          break;
        case 'group': {
          const parsed = groupStatusSchema.safeParse(data);
          if (parsed.success) pendingGroups.set(parsed.data.name, { kind: 'group', status: parsed.data });
          else setProtocolError(`polling group: ${describeIssues(parsed.error)}`);
          break;
        }
        case 'group.removed': {
          const parsed = groupRemovedSchema.safeParse(data);
          if (parsed.success) pendingGroups.set(parsed.data.name, { kind: 'removed' });
          break;
        }
        case 'engine': {
          const parsed = engineSchema.safeParse(data);
          if (parsed.success) pendingEngine = parsed.data;
          else setProtocolError(`polling engine: ${describeIssues(parsed.error)}`);
          break;
        }
        case 'buffer': {
          const parsed = bufferStatusSchema.safeParse(data);
          if (parsed.success) pendingBuffer = parsed.data;
          else setProtocolError(`polling buffer: ${describeIssues(parsed.error)}`);
          break;
        }
        default:
          // An event this panel does not know (a newer server): ignored on purpose.
          break;
      }
    }
    if (pendingGroups.size > 0 || pendingEngine || pendingBuffer) queue.request();
  };

  const source = options.streams(options.url ?? '/api/polling/stream', receive);

  return {
    groups,
    names,
    engine,
    buffer,
    stream: source.state,
    updatedAt,
    protocolError,
    applyGroup(status) {
      batch(() => {
        const isNew = !(status.name in groups);
        putGroup(setGroups, groups, status);
        if (isNew) {
          order = [...order, status.name];
          setNames(order);
        }
      });
    },
    receive,
    flush: () => queue.flushNow(),
    start: () => source.start(),
    stop: () => {
      source.stop();
      queue.cancel();
    },
    reconnectNow: () => source.reconnectNow(),
  };
}

function putGroup(set: SetStoreFunction<Record<string, GroupStatus>>, current: Readonly<Record<string, GroupStatus>>, status: GroupStatus): void {
  if (status.name in current) set(status.name, reconcile(status));
  else set(status.name, status);
}

function removeGroup(set: SetStoreFunction<Record<string, GroupStatus>>, name: string): void {
  set(
    produce((all) => {
      delete all[name];
    }),
  );
}

export function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
