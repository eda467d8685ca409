import type { AppServices } from '../../app-services.js';
import type { Clock } from '../../clock.js';
import type { ServerConfig } from '../../io/config/schema.js';
import { DevicesStream } from './devices-stream.js';
import { InspectStream } from './inspect-stream.js';
import { SseLimiter } from './limiter.js';
import { PollingStream } from './polling-stream.js';
import { STREAM_DEFAULTS, type StreamDeps } from './stream-options.js';

export interface StreamTuning {
  readonly clock: Clock;
  readonly keepAliveMs?: number | undefined;
  readonly lingerMs?: number | undefined;
  readonly retryMs?: number | undefined;
  readonly coalesceMs?: number | undefined;
  readonly inspectPeriodMs?: number | undefined;
}

/** The three live streams of an app instance, sharing one client cap. */
export class Streams {
  readonly limiter: SseLimiter;
  readonly devices: DevicesStream;
  readonly polling: PollingStream;
  readonly inspect: InspectStream;

  constructor(services: AppServices, server: ServerConfig, tuning: StreamTuning) {
    this.limiter = new SseLimiter({ max: server.maxSseClients, perClient: server.maxSseClientsPerClient, reserved: server.reservedSseClients });
    const deps: StreamDeps = {
      clock: tuning.clock,
      limiter: this.limiter,
      keepAliveMs: tuning.keepAliveMs ?? STREAM_DEFAULTS.keepAliveMs,
      lingerMs: tuning.lingerMs ?? STREAM_DEFAULTS.lingerMs,
      retryMs: tuning.retryMs ?? STREAM_DEFAULTS.retryMs,
    };
    this.devices = new DevicesStream(services.collector, { ...deps, intervalMs: server.devicesStreamIntervalMs });
    this.polling = new PollingStream(services.collector, { ...deps, coalesceMs: tuning.coalesceMs });
    this.inspect = new InspectStream(services.inspection, { ...deps, periodMs: tuning.inspectPeriodMs });
  }

  stats(): Record<'devices' | 'polling' | 'inspect', { clients: number; dropped: number; queued: number }> {
    return { devices: this.devices.hub.stats(), polling: this.polling.hub.stats(), inspect: this.inspect.hub.stats() };
  }

  /** End every stream (server shutdown): clients see the end of the stream and reconnect elsewhere. */
  close(): void {
    this.devices.hub.close();
    this.polling.hub.close();
    this.inspect.hub.close();
  }
}
