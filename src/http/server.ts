import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Logger } from 'pino';
import type { AppServices } from '../app-services.js';
import type { Clock } from '../clock.js';
import type { ServerConfig } from '../io/config/schema.js';
import { createHttpApp, type HttpApp, type HttpAppOptions } from './app.js';
import { ConnectionGuard } from './connection-guard.js';
import { resolveToken } from './token.js';

export { createHttpApp, type HttpApp, type HttpAppOptions };

export interface HttpServerOptions {
  readonly server: ServerConfig;
  readonly dataDir: string;
  /** 0 = any free port. */
  readonly port: number;
  readonly host: string;
  readonly logger: Logger;
  readonly clock?: Clock | undefined;
  /** Extends GET /api/writer/metrics (the default reads the buffer). */
  readonly writerMetrics?: HttpAppOptions['writerMetrics'];
  /** Where a newly generated token is announced; stdout by default (never the log). */
  readonly print?: ((line: string) => void) | undefined;
  /** JSSCADA_TOKEN by default. */
  readonly envToken?: string | undefined;
}

export interface RunningHttpServer {
  readonly port: number;
  readonly token: string;
  readonly app: HttpApp;
  /** Socket accounting: open, evicted, refused (server.maxConnections and friends). */
  readonly connections: ConnectionGuard;
  /** End the streams, stop accepting, close idle keep-alive sockets, then the rest after 2 s. */
  close(): Promise<void>;
}

/**
 * The HTTP server on a running collector: resolve the token, build the app, listen.
 * Called by src/app.ts in place of the minimal server it started before.
 */
export async function startHttpServer(services: AppServices, options: HttpServerOptions): Promise<RunningHttpServer> {
  const { token, source } = resolveToken({
    configured: options.server.token,
    env: 'envToken' in options ? options.envToken : process.env.JSSCADA_TOKEN,
    dataDir: options.dataDir,
    print: options.print ?? ((line) => process.stdout.write(`${line}\n`)),
  });
  const { maxConnections, reservedConnections, idleSocketTimeoutMs } = options.server;
  const connections = new ConnectionGuard({ maxConnections, reservedConnections, idleSocketTimeoutMs });
  const app = createHttpApp(services, { server: options.server, token, logger: options.logger, clock: options.clock, writerMetrics: options.writerMetrics, connections });
  let server: ServerType;
  try {
    server = await listen(app, options.port, options.host, options.server, connections);
  } catch (err) {
    app.close();
    connections.stop();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  options.logger.info({ port, host: options.host, tokenSource: source, protectReads: options.server.protectReads }, `HTTP API on http://${options.host === '0.0.0.0' ? 'localhost' : options.host}:${port}/ (docs at /docs)`);
  let closing: Promise<void> | undefined;
  return {
    port,
    token,
    app,
    connections,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        app.close();
        const force = setTimeout(() => (server as { closeAllConnections?: () => void }).closeAllConnections?.(), 2_000);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      })),
  };
}

function listen(app: HttpApp, port: number, hostname: string, limits: ServerConfig, connections: ConnectionGuard): Promise<ServerType> {
  // Node checks headersTimeout and requestTimeout every connectionsCheckingInterval (30 s by
  // default): check often enough that the configured timeouts mean what they say.
  const headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  const serverOptions = {
    headersTimeout,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 4))),
  };
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname, serverOptions }, () => {
      server.off('error', reject);
      resolve(server);
    });
    // Before the first connection can arrive (listen completes on a later tick).
    connections.attach(server as Server);
    server.once('error', reject);
  });
}
