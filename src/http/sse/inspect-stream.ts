import type { InspectionHub, InspectionRecord } from '../../actors/inspection/inspection-hub.js';
import { SseHub, type HubMessage } from './hub.js';
import type { OpenRequest, StreamDeps } from './stream-options.js';
import { Ticker } from './ticker.js';

export const INSPECT_KINDS = ['actor', 'event', 'snapshot', 'stopped'] as const;
export type InspectKind = (typeof INSPECT_KINDS)[number];

export interface InspectFilter {
  /** Only actors whose id starts with this (a group's actors are `<group>#<generation>`). */
  readonly actor?: string | undefined;
  readonly kinds?: ReadonlySet<InspectKind> | undefined;
}

export interface RecordsBatch {
  readonly records: readonly InspectionRecord[];
  /** Records left out of this batch because too many came in one period. */
  readonly dropped: number;
}

/** Throttle: one `records` message per period, at most this many records in it. */
export const INSPECT_PERIOD_MS = 250;
export const INSPECT_MAX_RECORDS = 500;

/**
 * GET /api/inspect/stream: machine `definitions` and live `actors` on connect, then `records`
 * batches. The hub's records arrive at poll rate (thousands a second on a big plant), so they are
 * collected and sent once per period: an actor's snapshots in one period collapse to the last,
 * and a batch is capped (newest kept, the rest counted). Subscribed only while clients listen.
 */
export class InspectStream {
  readonly hub: SseHub;
  private readonly ticker: Ticker;
  private pending: InspectionRecord[] = [];
  private overflow = 0;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly inspection: InspectionHub,
    deps: StreamDeps & { periodMs?: number },
  ) {
    this.ticker = new Ticker(deps.clock, deps.periodMs ?? INSPECT_PERIOD_MS, () => this.flush());
    this.hub = new SseHub({
      name: 'inspect',
      ...deps,
      queueCapacity: 32,
      historySize: 64,
      onActive: () => {
        this.unsubscribe = this.inspection.subscribe((record) => this.collect(record));
        this.ticker.start();
      },
      onIdle: () => {
        this.unsubscribe?.();
        this.unsubscribe = null;
        this.ticker.stop();
        this.pending = [];
        this.overflow = 0;
      },
    });
  }

  private collect(record: InspectionRecord): void {
    this.pending.push(record);
    // Trim in steps, not per record: keeps collect O(1) amortised under a flood.
    if (this.pending.length > INSPECT_MAX_RECORDS * 4) {
      const cut = this.pending.length - INSPECT_MAX_RECORDS * 2;
      this.pending.splice(0, cut);
      this.overflow += cut;
    }
  }

  private flush(): void {
    if (this.pending.length === 0 && this.overflow === 0) return;
    const kept: InspectionRecord[] = [];
    const snapshotted = new Set<string>();
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const r = this.pending[i]!;
      if (r.kind === 'snapshot') {
        // Superseded snapshots are not losses: the newer one carries their state.
        if (snapshotted.has(r.actorId)) continue;
        snapshotted.add(r.actorId);
      }
      kept.push(r);
    }
    kept.reverse();
    const over = Math.max(0, kept.length - INSPECT_MAX_RECORDS);
    const batch: RecordsBatch = { records: over > 0 ? kept.slice(over) : kept, dropped: this.overflow + over };
    this.pending = [];
    this.overflow = 0;
    this.hub.broadcast('records', batch);
  }

  open(request: OpenRequest & { filter: InspectFilter }): Response {
    const { filter } = request;
    const filtered = filter.actor !== undefined || filter.kinds !== undefined;
    return this.hub.open({
      ...request,
      snapshot: () => [
        { event: 'definitions', data: this.inspection.definitions() },
        { event: 'actors', data: this.inspection.liveActors().filter((a) => matchesActor(filter, a.actorId)) },
      ],
      view: filtered ? (message) => viewOf(message, filter) : undefined,
    });
  }
}

function matchesActor(filter: InspectFilter, actorId: string): boolean {
  return filter.actor === undefined || actorId.startsWith(filter.actor);
}

function viewOf(message: HubMessage, filter: InspectFilter): RecordsBatch | null {
  const batch = message.data as RecordsBatch;
  const records = batch.records.filter((r) => matchesActor(filter, r.actorId) && (filter.kinds === undefined || filter.kinds.has(r.kind)));
  return records.length > 0 ? { records, dropped: batch.dropped } : null;
}
