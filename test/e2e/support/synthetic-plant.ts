import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { registerPanel } from '../../../src/http/panel.js';

/**
 * A fake collector for the panel's load test: `groups` polling groups whose status changes every
 * 250 ms (the polling stream's coalescing period) and `tags` tags whose values all change every
 * `batchMs` (the devices stream), with the real payload shapes. No PLCs, no engine: only the
 * panel is under load.
 */
export interface SyntheticPlant {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface SyntheticOptions {
  readonly groups: number;
  readonly tags: number;
  readonly devices: number;
  readonly batchMs: number;
  /** 0 (default) = any free port; a given port to come back on the same address. */
  readonly port?: number;
}

const T0 = Date.now();

function groupName(i: number): string {
  return `group-${String(i).padStart(3, '0')}`;
}

function groupStatus(i: number, tick: number) {
  const handshake = i % 10 === 9;
  const trouble = i % 23 === 7;
  return {
    name: groupName(i),
    device: `plc-${i % 10}`,
    mode: handshake ? 'HANDSHAKE' : 'FIXED',
    state: trouble ? 'backoff' : 'polling',
    intervalMs: 1000,
    enabled: true,
    tagCount: 50,
    requestsPerPoll: 2,
    counters: { pollsOk: 1000 + tick * 4 + i, errors: trouble ? tick : 0, skippedSlots: 0, triggersAccepted: handshake ? tick : 0, triggersIgnored: 0 },
    crashes: 0,
    lastCrash: null,
    lastPollAt: new Date(T0 + tick * 250).toISOString(),
    lastDurationMs: 1 + ((i * 7 + tick) % 30) / 10,
    lastError: trouble ? 'timeout after 2000 ms' : null,
    successRate: trouble ? 0.97 : 1,
    deviceStatus: { state: 'ONLINE', lastReadingAt: T0 + tick * 250, lastError: null },
  };
}

function buffer(tick: number) {
  return { size: (tick * 37) % 10_000, capacity: 10_000, state: 'collecting', produced: tick * 5000, written: tick * 5000, dropped: 0, inFlight: 0, batches: tick, failedWrites: 0, lastError: null, writeLatencyMs: { avg: 3, p95: 7 }, rowsPerSecond: 20_000 };
}

function readings(o: SyntheticOptions, tick: number) {
  const at = new Date(T0 + tick * o.batchMs).toISOString();
  return Array.from({ length: o.tags }, (_, i) => {
    const value = Math.round((50 + 40 * Math.sin((i + tick) / 7)) * 100) / 100;
    return {
      device: `plc-${i % o.devices}`,
      group: groupName(i % o.groups),
      tag: `tag-${String(i).padStart(5, '0')}`,
      value,
      unit: 'C',
      level: value >= 85 ? 'critical' : value >= 75 ? 'warning' : 'normal',
      quality: 'good',
      timestamp: at,
    };
  });
}

function devicesPayload(o: SyntheticOptions, tick: number) {
  return {
    at: new Date(T0 + tick * o.batchMs).toISOString(),
    devices: Array.from({ length: o.devices }, (_, i) => ({ name: `plc-${i}`, status: 'ONLINE', lastReadingAt: new Date(T0 + tick * o.batchMs).toISOString(), lastError: null })),
    readings: readings(o, tick),
  };
}

/** A stream that sends `first` at once and `next(n)` every `periodMs`, until the client goes. */
function sse(first: string, periodMs: number, next: (n: number) => string): Response {
  let timer: ReturnType<typeof setInterval> | undefined;
  let id = 1;
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(enc.encode(`retry: 3000\n\n${first}`));
      let n = 0;
      timer = setInterval(() => {
        n++;
        try {
          controller.enqueue(enc.encode(next(n).replace(/^/, `id: ${++id}\n`)));
        } catch {
          clearInterval(timer);
        }
      }, periodMs);
    },
    cancel() {
      clearInterval(timer);
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' } });
}

const frame = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

export async function startSyntheticPlant(distDir: string, o: SyntheticOptions): Promise<SyntheticPlant> {
  const app = new Hono();
  const engine = { ready: true, runningGroups: o.groups, maxConcurrentGroups: o.groups, groups: o.groups };
  const groups = () => Array.from({ length: o.groups }, (_, i) => groupStatus(i, 0));
  app.get('/api/polling/status', (c) => c.json({ ready: true, engine, groups: groups(), buffer: buffer(0) }));
  app.get('/api/polling/stream', () =>
    sse(frame('snapshot', { engine, groups: groups(), buffer: buffer(0) }), 250, (tick) => {
      // Every group changed in this period: one `group` message each, then the buffer.
      let out = '';
      for (let i = 0; i < o.groups; i++) out += frame('group', groupStatus(i, tick));
      return out + frame('buffer', buffer(tick));
    }),
  );
  app.get('/api/devices/stream', () => sse(frame('snapshot', devicesPayload(o, 0)), o.batchMs, (tick) => frame('batch', devicesPayload(o, tick))));
  app.get('/api/devices', (c) =>
    c.json(Array.from({ length: o.devices }, (_, i) => ({ name: `plc-${i}`, protocol: 'sim', host: '127.0.0.1', port: 5000 + i, status: 'ONLINE', lastReadingAt: new Date(T0).toISOString(), lastError: null, queueDepth: 0, groups: [] }))),
  );
  app.get('/api/groups', (c) =>
    c.json(
      Array.from({ length: o.groups }, (_, g) => ({
        name: groupName(g),
        device: `plc-${g % 10}`,
        mode: 'fixed',
        intervalMs: 1000,
        enabled: true,
        tags: Array.from({ length: Math.ceil(o.tags / o.groups) }, (_, t) => ({ name: `tag-${String(t * o.groups + g).padStart(5, '0')}`, address: `D${t}`, type: 'float32', unit: 'C', warn: 75, crit: 85 })).filter(
          (t) => Number(t.name.slice(4)) < o.tags,
        ),
        status: groupStatus(g, 0),
      })),
    ),
  );
  app.get('/api/writer/metrics', (c) => c.json({ written: 1, inFlight: 0, batches: 1, failedWrites: 0, lastError: null, writeLatencyMs: { avg: 1, p95: 2 }, rowsPerSecond: 20_000 }));
  registerPanel(app, distDir);

  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: o.port ?? 0, hostname: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
