import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppServices } from '../app-services.js';
import type { Clock } from '../clock.js';
import type { PlantMetrics } from './metrics.js';
import type { WriterMetrics } from './schemas/status.js';
import type { Streams } from './sse/streams.js';

/** `authenticated`: the request carried the right token (set by bearerAuth, also on open reads). */
export type AppEnv = { Variables: { authenticated?: boolean } };
export type App = OpenAPIHono<AppEnv>;

/** What route modules get: the services, the streams, and the providers the lead may extend. */
export interface RouteContext {
  readonly services: AppServices;
  readonly streams: Streams;
  readonly metrics: PlantMetrics;
  readonly writerMetrics: () => WriterMetrics;
  readonly clock: Clock;
  /** The security requirement of read routes: bearer under server.protectReads, none otherwise. */
  readonly readSecurity: { bearerAuth: string[] }[] | undefined;
  /** Trigger: how long to wait for the poll by default. */
  readonly triggerWaitMs: number;
}
