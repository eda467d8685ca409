import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { startDemo, type RunningDemo } from '../../../src/cli/demo.js';
import { createHttpApp, type HttpApp } from '../../../src/http/app.js';
import { registerPanel } from '../../../src/http/panel.js';
import { silentLogger } from '../../../src/log.js';
import type { PlantConfig } from '../../../src/io/config/schema.js';
import { ensurePanelBuilt } from './panel-build.js';

/**
 * The demo plant (simulated PLCs on free ports, the collector, its HTTP server on a free port)
 * plus the panel. Until the lead registers the panel in src/http/app.ts, the harness builds a
 * second HTTP app on the same running services, registers the panel on it and serves it: the
 * browser talks to exactly the routes the product serves.
 */
export interface PanelDemo {
  readonly url: string;
  readonly token: string;
  readonly demo: RunningDemo;
  readonly dataDir: string;
  close(): Promise<void>;
}

export interface PanelDemoOptions {
  /** The devices stream period (the product default is 5 s; tests want to see values move sooner). */
  readonly devicesStreamIntervalMs?: number;
  /** The value database (default: the demo's SQLite file). */
  readonly sink?: PlantConfig['sink'];
}

export async function startPanelDemo(options: PanelDemoOptions = {}): Promise<PanelDemo> {
  const dist = await ensurePanelBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'jsscada-e2e-'));
  const logger = silentLogger();
  let demo: RunningDemo | undefined;
  let http: HttpApp | undefined;
  let server: ServerType | undefined;
  try {
    demo = await startDemo({ dataDir, port: 0, plcPorts: 'auto', sink: options.sink }, logger, () => undefined);
    const running = demo.running;
    const token = running.token;
    if (token === null) throw new Error('the demo started no HTTP server');
    const stored = running.services.config.current().plant.server;
    http = createHttpApp(running.services, {
      server: { ...stored, devicesStreamIntervalMs: options.devicesStreamIntervalMs ?? 1000 },
      token,
      logger,
      writerMetrics: () => ({ ...running.collector.writerMetrics(), delivery: running.delivery.metrics() }),
    });
    registerPanel(http.app, dist);
    const app = http;
    server = await new Promise<ServerType>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
      s.once('error', reject);
    });
    const port = (server.address() as AddressInfo).port;
    const started = { demo, http, server };
    return {
      url: `http://127.0.0.1:${port}`,
      token,
      demo,
      dataDir,
      close: async () => {
        started.http.close();
        await new Promise<void>((resolve) => {
          started.server.close(() => resolve());
          (started.server as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        await started.demo.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    http?.close();
    server?.close();
    await demo?.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
