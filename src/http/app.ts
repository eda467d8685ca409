import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import type { Logger } from 'pino';
import type { AppServices } from '../app-services.js';
import { systemClock, type Clock } from '../clock.js';
import type { ServerConfig } from '../io/config/schema.js';
import { errorResponder, validationHook, wrapNonErrors } from './error-handler.js';
import { ApiError } from './errors.js';
import { PlantMetrics } from './metrics.js';
import { AuthThrottle } from './auth-throttle.js';
import type { ConnectionGuard } from './connection-guard.js';
import { bearerAuth } from './middleware/auth.js';
import { connectionPolicy } from './middleware/connection-policy.js';
import { limitBody } from './middleware/body-limit.js';
import { requestLog } from './middleware/request-log.js';
import type { App, AppEnv, RouteContext } from './route-context.js';
import { registerConfigIoRoutes } from './routes/config-io.js';
import { registerDeviceRoutes } from './routes/devices.js';
import { registerDocsRoutes } from './routes/docs.js';
import { defaultPanelDir, registerPanel } from './panel.js';
import { registerGroupRoutes } from './routes/groups.js';
import { registerHistoryRoutes } from './routes/history.js';
import { registerOpsRoutes } from './routes/ops.js';
import { registerPollingRoutes } from './routes/polling.js';
import { registerStreamRoutes, STREAM_PATHS } from './routes/streams.js';
import { registerTagRoutes } from './routes/tags.js';
import { bufferWriterMetrics, registerWriterRoutes } from './routes/writer.js';
import { BEARER } from './schemas/common.js';
import type { WriterMetrics } from './schemas/status.js';
import { Streams, type StreamTuning } from './sse/streams.js';

export interface HttpAppOptions {
  readonly server: ServerConfig;
  /** The bearer token (resolveToken); required even when reads are open. */
  readonly token: string;
  readonly logger: Logger;
  readonly clock?: Clock | undefined;
  /** GET /api/writer/metrics; defaults to what the buffer knows. Extend it with delivery metrics. */
  readonly writerMetrics?: (() => WriterMetrics) | undefined;
  /** Trigger: default wait for the poll's outcome. */
  readonly triggerWaitMs?: number | undefined;
  /** Stream timing (tests shorten it). */
  readonly streams?: Omit<StreamTuning, 'clock'> | undefined;
  /** The built operator panel served at /; default ui/dist; null = no panel. */
  readonly panelDir?: string | null | undefined;
  /** The server's socket accounting (startHttpServer); absent in-process. */
  readonly connections?: ConnectionGuard | undefined;
}

export interface HttpApp {
  readonly app: App;
  readonly fetch: App['fetch'];
  readonly request: App['request'];
  readonly streams: Streams;
  readonly metrics: PlantMetrics;
  /** Wrong tokens per client (stats() for /metrics). */
  readonly throttle: AuthThrottle;
  /** The OpenAPI document served at /openapi.json. */
  document(): ReturnType<App['getOpenAPIDocument']>;
  /** End the streams, stop their timers and the metrics subscription. The app answers no more streams. */
  close(): void;
}

/** Open whatever server.protectReads says: probes and the API description. */
const OPEN_PATHS = /^\/(health|ready|openapi\.json|docs(\/.*)?)$/;
/** The panel's own files hold no plant data: open even with protectReads (it asks for the token on a 401). */
const DATA_PATHS = /^\/(api|metrics)(\/|$)/;

/** The HTTP API on a running collector's services (src/app.ts starts it through startHttpServer). */
export function createHttpApp(services: AppServices, options: HttpAppOptions): HttpApp {
  const clock = options.clock ?? systemClock;
  const { server, logger } = options;
  const app: App = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const streams = new Streams(services, server, { clock, ...options.streams });
  const metrics = new PlantMetrics(services, streams);
  const ctx: RouteContext = {
    services,
    streams,
    metrics,
    clock,
    writerMetrics: options.writerMetrics ?? bufferWriterMetrics(services.collector),
    readSecurity: server.protectReads ? BEARER : undefined,
    triggerWaitMs: options.triggerWaitMs ?? 5_000,
  };

  app.use(wrapNonErrors());
  app.use(requestLog(logger));
  if (server.corsOrigins.length > 0) {
    app.use(
      cors({
        // "*" in the list opens the API to any origin (a LAN panel served from another host).
        origin: server.corsOrigins.includes('*') ? '*' : [...server.corsOrigins],
        allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        allowHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID'],
        exposeHeaders: ['Location', 'Retry-After'],
        maxAge: 600,
      }),
    );
  }
  app.use(limitBody(server.bodyLimitBytes));
  const throttle = new AuthThrottle({ limit: server.authFailureLimit, windowMs: server.authFailureWindowMs, clock, logger });
  app.use(bearerAuth({ token: options.token, protectReads: server.protectReads, isOpen: (p) => OPEN_PATHS.test(p) || !DATA_PATHS.test(p), queryTokenPaths: new Set(STREAM_PATHS), throttle }));
  if (options.connections) app.use(connectionPolicy(options.connections));

  registerOpsRoutes(app, ctx);
  let doc: ReturnType<App['getOpenAPIDocument']> | undefined;
  const document = () => (doc ??= buildDocument(app, services.version));
  registerDocsRoutes(app, document);
  registerStreamRoutes(app, ctx);
  registerPollingRoutes(app, ctx);
  registerDeviceRoutes(app, ctx);
  registerGroupRoutes(app, ctx);
  registerTagRoutes(app, ctx);
  registerHistoryRoutes(app, ctx);
  registerConfigIoRoutes(app, ctx);
  registerWriterRoutes(app, ctx);
  // Last: the panel answers every other GET (its client routes fall back to index.html).
  if (options.panelDir !== null) registerPanel(app, options.panelDir ?? defaultPanelDir());

  const respond = errorResponder(logger);
  app.onError(respond);
  app.notFound((c) => respond(new ApiError(404, 'NOT_FOUND', `no route for ${c.req.method} ${c.req.path} (see /docs)`), c));

  return {
    app,
    fetch: app.fetch,
    request: app.request,
    streams,
    metrics,
    throttle,
    document,
    close: () => {
      streams.close();
      metrics.close();
    },
  };
}

function buildDocument(app: App, version: string) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'server.token, JSSCADA_TOKEN, or the token generated at first start (<dataDir>/http-token)',
  });
  return app.getOpenAPIDocument({
    openapi: '3.0.3',
    info: {
      title: 'JSScada collector API',
      version,
      description: 'Polling control, live values, configuration (applied hot), streams and metrics. Errors are always `{ "error": { "code", "message", "field"? } }`.',
    },
  });
}
