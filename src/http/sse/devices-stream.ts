import type { Collector } from '../../actors/collector.js';
import type { LatestReading } from '../../actors/latest.js';
import { SseHub } from './hub.js';
import type { OpenRequest, StreamDeps } from './stream-options.js';
import { Ticker } from './ticker.js';

export interface DevicesPayload {
  readonly at: string;
  readonly devices: readonly { name: string; status: string; lastReadingAt: string | null; lastError: string | null; lastErrorAt: string | null; tagErrors: number }[];
  readonly readings: readonly LatestReading[];
}

/**
 * GET /api/devices/stream: every device's latest readings on connect (`snapshot`), then the same
 * for all devices every `intervalMs` (`batch`), built once per period and shared by all clients.
 */
export class DevicesStream {
  readonly hub: SseHub;
  private readonly ticker: Ticker;

  constructor(
    private readonly collector: Collector,
    private readonly deps: StreamDeps & { intervalMs: number },
  ) {
    this.ticker = new Ticker(deps.clock, deps.intervalMs, () => this.hub.broadcast('batch', this.payload()));
    this.hub = new SseHub({
      name: 'devices',
      ...deps,
      // Each batch is the whole state: a slow client needs only the newest couple.
      queueCapacity: 4,
      historySize: 8,
      onActive: () => this.ticker.start(),
      onIdle: () => this.ticker.stop(),
    });
  }

  payload(): DevicesPayload {
    return {
      at: new Date(this.deps.clock.now()).toISOString(),
      devices: this.collector.devices().map((d) => ({ name: d.name, status: d.status, lastReadingAt: d.lastReadingAt, lastError: d.lastError, lastErrorAt: d.lastErrorAt, tagErrors: d.tagErrors })),
      readings: this.collector.allLatest(),
    };
  }

  open(request: OpenRequest): Response {
    return this.hub.open({ ...request, snapshot: () => [{ event: 'snapshot', data: this.payload() }] });
  }
}
