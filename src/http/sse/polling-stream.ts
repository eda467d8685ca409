import type { Collector } from '../../actors/collector.js';
import { engineView } from '../views.js';
import { SseHub } from './hub.js';
import type { OpenRequest, StreamDeps } from './stream-options.js';
import { Ticker } from './ticker.js';

/** Coalescing period: at most one message per actor (group, engine, buffer) per period. */
export const POLLING_COALESCE_MS = 250;

/**
 * GET /api/polling/stream: a `snapshot` (engine, groups, buffer) on connect, then `group`,
 * `group.removed`, `engine` and `buffer` events as they change. Changes are found by comparing
 * each actor's serialised view every 250 ms, which coalesces bursts for free: however often a
 * group polls, its clients get at most four messages a second.
 */
export class PollingStream {
  readonly hub: SseHub;
  private readonly ticker: Ticker;
  private last = new Map<string, string>();

  constructor(
    private readonly collector: Collector,
    deps: StreamDeps & { coalesceMs?: number },
  ) {
    this.ticker = new Ticker(deps.clock, deps.coalesceMs ?? POLLING_COALESCE_MS, () => this.tick(true));
    this.hub = new SseHub({
      name: 'polling',
      ...deps,
      queueCapacity: 256,
      historySize: 512,
      onActive: () => {
        this.last.clear();
        this.tick(false); // baseline: what a new client's snapshot already shows
        this.ticker.start();
      },
      onIdle: () => this.ticker.stop(),
    });
  }

  snapshot(): { engine: ReturnType<typeof engineView>; groups: ReturnType<Collector['groupStatuses']>; buffer: ReturnType<Collector['buffer']['status']> } {
    const groups = this.collector.groupStatuses();
    return { engine: engineView(this.collector, groups), groups, buffer: this.collector.buffer.status() };
  }

  private tick(send: boolean): void {
    const { engine, groups, buffer } = this.snapshot();
    const seen = new Set<string>();
    for (const group of groups) {
      const key = `group:${group.name}`;
      seen.add(key);
      this.emit(key, 'group', group, send);
    }
    for (const key of [...this.last.keys()]) {
      if (!key.startsWith('group:') || seen.has(key)) continue;
      this.last.delete(key);
      if (send) this.hub.broadcast('group.removed', { name: key.slice('group:'.length) });
    }
    this.emit('engine', 'engine', engine, send);
    this.emit('buffer', 'buffer', buffer, send);
  }

  private emit(key: string, event: string, data: unknown, send: boolean): void {
    const json = JSON.stringify(data);
    if (this.last.get(key) === json) return;
    this.last.set(key, json);
    if (send) this.hub.broadcast(event, data, json);
  }

  open(request: OpenRequest): Response {
    return this.hub.open({ ...request, snapshot: () => [{ event: 'snapshot', data: this.snapshot() }] });
  }
}
