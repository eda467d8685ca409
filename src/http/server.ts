import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer, serve, type ServerType } from '@hono/node-server';
import type { Logger } from 'pino';
import type { AppServices } from '../app-services.js';
import type { Clock } from '../clock.js';
import { serverSchema, type ServerConfig } from '../io/config/schema.js';
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
  /** A port claimed earlier (claimHttpPort); else the server listens on `port` here. */
  readonly listener?: HttpListener | undefined;
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
    if (options.listener) {
      // The port was claimed before the store was opened: the limits and the guard join it now.
      server = options.listener.server;
      applyLimits(server as Server, options.server);
      connections.attach(server as Server);
      options.listener.attach(app.fetch);
    } else server = await listen(app, options.port, options.host, options.server, connections);
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

/** Node's server timeouts from the server settings. */
function serverTimeouts(limits: Pick<ServerConfig, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs'>) {
  // Node checks headersTimeout and requestTimeout every connectionsCheckingInterval (30 s by
  // default): check often enough that the configured timeouts mean what they say.
  const headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return {
    headersTimeout,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 4))),
  };
}

/** The timeouts of a server that already listens (connectionsCheckingInterval was set at its creation). */
function applyLimits(server: Server, limits: ServerConfig): void {
  const t = serverTimeouts(limits);
  server.headersTimeout = t.headersTimeout;
  server.requestTimeout = t.requestTimeout;
  server.keepAliveTimeout = t.keepAliveTimeout;
}

function listen(app: HttpApp, port: number, hostname: string, limits: ServerConfig, connections: ConnectionGuard): Promise<ServerType> {
  const serverOptions = serverTimeouts(limits);
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

/** A listening HTTP server that answers 503 until the collector's app is attached. */
export interface HttpListener {
  readonly server: ServerType;
  readonly port: number;
  attach(fetch: HttpApp['fetch']): void;
  close(): Promise<void>;
}

/**
 * Claim the HTTP port before anything else starts (issue 12, finding 9): with the port taken the
 * collector must fail before it touches the store, prints a token or polls a PLC. Requests that
 * arrive before the app is attached get 503 (the same answer /ready gives while starting).
 */
export async function claimHttpPort(port: number, host: string): Promise<HttpListener> {
  let handler: HttpApp['fetch'] | undefined;
  const starting = (): Response =>
    new Response(JSON.stringify({ error: { code: 'STARTING', message: 'the collector is starting' } }), { status: 503, headers: { 'content-type': 'application/json', 'retry-after': '1' } });
  // The plant's server limits are applied when the app attaches; until then the defaults hold
  // (and the connection-checking interval, which Node fixes at creation, follows the default timeouts).
  const server = createAdaptorServer({ fetch: (req, env) => (handler ? handler(req, env) : starting()), hostname: host, serverOptions: serverTimeouts(serverSchema.parse({})) });
  await new Promise<void>((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException): void => reject(new Error(describeListenError(err, port, host), { cause: err }));
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    attach: (fetch) => void (handler = fetch),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One line an operator can act on, instead of "listen EADDRINUSE: address already in use". */
export function describeListenError(err: NodeJS.ErrnoException, port: number, host: string): string {
  switch (err.code) {
    case 'EADDRINUSE':
      return `HTTP port ${port} on ${host} is in use by another program (another jsscada?): stop it, or choose another port with --port`;
    case 'EACCES':
      return `no permission to listen on HTTP port ${port} on ${host} (ports below 1024 need privileges): choose another port with --port`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${host}:${port}: this machine has no such address; choose another with --host`;
    default:
      return `cannot listen on ${host}:${port}: ${err.message}`;
  }
}
