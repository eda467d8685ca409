import type { AnyStateMachine, InspectionEvent } from 'xstate';
import type { Clock } from '../../clock.js';
import { machineGraph, type StateGraph } from './machine-graph.js';

/**
 * XState inspection for the panel (the Stately web viewer needs the internet; plants have none).
 * Every actor created with `inspect: hub.inspect` reports here; the hub keeps each live actor's
 * current state and a bounded log of recent events, sanitised to JSON, and fans them out to
 * subscribers (the SSE stream), which do their own throttling.
 */
export interface InspectedActor {
  readonly actorId: string;
  readonly machine: string | null;
  readonly parentId: string | null;
  value: unknown;
  status: string;
  context: Record<string, unknown>;
  updatedAt: number;
}

/** What the hub keeps per actor: the raw context, sanitised only when someone asks. */
interface TrackedActor extends Omit<InspectedActor, 'context'> {
  rawContext: unknown;
}

export type InspectionRecord =
  | { readonly seq: number; readonly at: number; readonly kind: 'actor'; readonly actorId: string; readonly machine: string | null; readonly parentId: string | null }
  | { readonly seq: number; readonly at: number; readonly kind: 'event'; readonly actorId: string; readonly sourceId: string | null; readonly event: Record<string, unknown> }
  | { readonly seq: number; readonly at: number; readonly kind: 'snapshot'; readonly actorId: string; readonly machine: string | null; readonly value: unknown; readonly status: string; readonly context: Record<string, unknown> }
  | { readonly seq: number; readonly at: number; readonly kind: 'stopped'; readonly actorId: string };

const RECENT = 500;

export class InspectionHub {
  private readonly actors = new Map<string, TrackedActor>();
  private readonly recent: InspectionRecord[] = [];
  private readonly listeners = new Set<(record: InspectionRecord) => void>();
  private readonly graphs: Record<string, StateGraph> = {};
  private seq = 0;

  constructor(
    machines: readonly AnyStateMachine[],
    private readonly clock: Clock,
  ) {
    for (const m of machines) this.graphs[m.id] = machineGraph(m);
  }

  /** Pass as `inspect` to createActor. Arrow function: it is handed around unbound. */
  readonly inspect = (ev: InspectionEvent): void => {
    const machine = machineIdOf(ev.actorRef);
    if (machine === null) return; // promise actors and the like: not statecharts, not drawn
    const actorId = (ev.actorRef as unknown as { id: string }).id;
    const at = this.clock.now();
    // Nobody watching (the usual case on the hot path): keep each actor's current state, cheaply,
    // and skip sanitising and recording events.
    if (this.listeners.size === 0) return this.track(ev, actorId, machine, at);
    switch (ev.type) {
      case '@xstate.actor': {
        const parentId = (ev.actorRef as { _parent?: { id: string } })._parent?.id ?? null;
        this.actors.set(actorId, { actorId, machine, parentId, value: null, status: 'active', rawContext: {}, updatedAt: at });
        this.publish({ seq: ++this.seq, at, kind: 'actor', actorId, machine, parentId });
        return;
      }
      case '@xstate.event': {
        const type = ev.event.type;
        // Internal bookkeeping events say nothing to an operator.
        if (type.startsWith('xstate.init')) return;
        this.publish({ seq: ++this.seq, at, kind: 'event', actorId, sourceId: (ev.sourceRef as { id?: string } | undefined)?.id ?? null, event: sanitize(ev.event as Record<string, unknown>) });
        return;
      }
      case '@xstate.snapshot': {
        const snap = ev.snapshot as { value?: unknown; status?: string; context?: unknown };
        const entry = this.actors.get(actorId);
        const context = sanitize((snap.context ?? {}) as Record<string, unknown>);
        const status = snap.status ?? 'active';
        if (entry) Object.assign(entry, { value: snap.value ?? null, status, rawContext: snap.context ?? {}, updatedAt: at });
        this.publish({ seq: ++this.seq, at, kind: 'snapshot', actorId, machine, value: snap.value ?? null, status, context });
        if (status !== 'active') {
          this.actors.delete(actorId);
          this.publish({ seq: ++this.seq, at, kind: 'stopped', actorId });
        }
        return;
      }
      default:
        return;
    }
  };

  definitions(): Readonly<Record<string, StateGraph>> {
    return this.graphs;
  }

  liveActors(): InspectedActor[] {
    return [...this.actors.values()].map(({ rawContext, ...a }) => ({ ...a, context: sanitize((rawContext ?? {}) as Record<string, unknown>) }));
  }

  /** The no-listener path: the actor table only. */
  private track(ev: InspectionEvent, actorId: string, machine: string, at: number): void {
    if (ev.type === '@xstate.actor') {
      const parentId = (ev.actorRef as { _parent?: { id: string } })._parent?.id ?? null;
      this.actors.set(actorId, { actorId, machine, parentId, value: null, status: 'active', rawContext: {}, updatedAt: at });
    } else if (ev.type === '@xstate.snapshot') {
      const snap = ev.snapshot as { value?: unknown; status?: string; context?: unknown };
      const status = snap.status ?? 'active';
      if (status !== 'active') {
        this.actors.delete(actorId);
        return;
      }
      const entry = this.actors.get(actorId);
      if (entry) {
        entry.value = snap.value ?? null;
        entry.status = status;
        entry.rawContext = snap.context ?? {};
        entry.updatedAt = at;
      }
    }
  }

  recentRecords(): readonly InspectionRecord[] {
    return this.recent;
  }

  subscribe(listener: (record: InspectionRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forget an actor that was stopped without a final snapshot (stopChild). */
  forget(actorId: string): void {
    if (this.actors.delete(actorId)) this.publish({ seq: ++this.seq, at: this.clock.now(), kind: 'stopped', actorId });
  }

  private publish(record: InspectionRecord): void {
    this.recent.push(record);
    if (this.recent.length > RECENT) this.recent.splice(0, this.recent.length - RECENT);
    for (const l of this.listeners) l(record);
  }
}

function machineIdOf(ref: unknown): string | null {
  const logic = (ref as { logic?: { id?: unknown; root?: unknown } }).logic;
  return logic && logic.root && typeof logic.id === 'string' ? logic.id : null;
}

/** JSON-safe copy: primitives and plain objects/arrays of them, two levels deep; no functions or actor refs. */
export function sanitize(obj: Record<string, unknown>, depth = 2): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const safe = safeValue(v, depth);
    if (safe !== undefined) out[k] = safe;
  }
  return out;
}

function safeValue(v: unknown, depth: number): unknown {
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v !== 'object' || depth <= 0) return undefined;
  if (Array.isArray(v)) return v.length <= 50 ? v.map((x) => safeValue(x, depth - 1) ?? null) : `[${v.length} items]`;
  if (ArrayBuffer.isView(v)) return `[${(v as unknown as { length: number }).length} values]`;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v instanceof Error ? v.message : undefined;
  return sanitize(v as Record<string, unknown>, depth - 1);
}
