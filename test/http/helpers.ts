import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollector, type RunningCollector } from '../../src/app.js';
import { createHttpApp, type HttpApp, type HttpAppOptions } from '../../src/http/app.js';
import { serverSchema, type ServerConfig } from '../../src/io/config/schema.js';
import { silentLogger } from '../../src/log.js';

export const TOKEN = 'test-token-0123456789abcdef';
export const AUTH = { authorization: `Bearer ${TOKEN}` } as const;

/** A small plant on the in-process `sim` protocol: one FIXED group at 100 ms, one HANDSHAKE group. */
export const PLANT_YAML = `
devices:
  - { name: plc1, protocol: sim, port: 5001 }
  - { name: plc2, protocol: sim, port: 5002 }
  - { name: spare, protocol: sim, port: 5003 }
collector: { maxConcurrentGroups: 2 }
groups:
  - name: fast
    device: plc1
    intervalMs: 100
    tags:
      - { name: temp1, address: D100, scale: 0.1, unit: C, warn: 80, crit: 95 }
      - { name: flow, address: D200, type: float32 }
  - name: batch
    device: plc1
    mode: handshake
    tags:
      - { name: count, address: D300, type: int32 }
  - name: slow
    device: plc2
    intervalMs: 1000
    enabled: false
    tags:
      - { name: level, address: D10 }
`;

export interface TestPlant {
  readonly running: RunningCollector;
  readonly dir: string;
  stop(): Promise<void>;
}

export async function startPlant(yaml = PLANT_YAML): Promise<TestPlant> {
  const dir = mkdtempSync(join(tmpdir(), 'jsscada-http-'));
  const file = join(dir, 'plant.yaml');
  writeFileSync(file, yaml);
  const running = await startCollector({ configFile: file, dataDir: dir, logger: silentLogger() });
  return {
    running,
    dir,
    stop: async () => {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function serverConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return { ...serverSchema.parse({}), ...overrides };
}

export function makeApp(plant: TestPlant, options: Partial<Omit<HttpAppOptions, 'server'>> & { server?: Partial<ServerConfig> } = {}): HttpApp {
  return createHttpApp(plant.running.services, { token: TOKEN, logger: silentLogger(), ...options, server: serverConfig(options.server) });
}

/** Poll a condition (real time, bounded) — for effects of the running engine. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function jsonInit(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { 'content-type': 'application/json', ...AUTH, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

/** Serve an app on a loopback port (tests that need a real socket). */
export async function serveApp(http: HttpApp): Promise<{ port: number; close(): Promise<void> }> {
  const { serve } = await import('@hono/node-server');
  return new Promise((resolve) => {
    const server = serve({ fetch: http.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            http.close();
            server.close(() => done());
            (server as unknown as { closeAllConnections(): void }).closeAllConnections();
          }),
      }),
    );
  });
}
