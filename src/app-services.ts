import type { Collector } from './actors/collector.js';
import type { ConfigService } from './actors/config-service.js';
import type { InspectionHub } from './actors/inspection/inspection-hub.js';
import type { DeliveryMetrics } from './io/sink/delivery/metrics.js';
import type { HistoryReader } from './io/sink/sqlite/history.js';

/** What the HTTP layer (and tests) work with: the running collector and its services. */
export interface AppServices {
  readonly collector: Collector;
  readonly config: ConfigService;
  readonly history: HistoryReader;
  readonly inspection: InspectionHub;
  /** This collector's name on the value database (collector.name, else the host name). */
  readonly collectorName: string;
  readonly version: string;
  /** The sink's delivery (health, spool): /ready and /metrics read it. Absent in tests without one. */
  readonly delivery?: { metrics(): DeliveryMetrics } | undefined;
}
