import type { Collector } from './actors/collector.js';
import type { ConfigService } from './actors/config-service.js';
import type { InspectionHub } from './actors/inspection/inspection-hub.js';
import type { DeliveryMetrics } from './io/sink/delivery/metrics.js';
import type { HistorySource } from './io/sink/history/history-source.js';

/** What the HTTP layer (and tests) work with: the running collector and its services. */
export interface AppServices {
  readonly collector: Collector;
  readonly config: ConfigService;
  /** History from the database the values go to (the configured sink), downsampled there. */
  readonly history: HistorySource;
  /** This collector's name: its tags in the (shared) value database are (collectorName, device, tag). */
  readonly collectorName: string;
  readonly inspection: InspectionHub;
  readonly version: string;
  /** The sink's delivery (health, spool): /ready and /metrics read it. Absent in tests without one. */
  readonly delivery?: { metrics(): DeliveryMetrics } | undefined;
}
