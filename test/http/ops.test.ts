import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpApp } from '../../src/http/app.js';
import { AUTH, jsonInit, makeApp, startPlant, until, type TestPlant } from './helpers.js';

let plant: TestPlant;
let http: HttpApp;

beforeAll(async () => {
  plant = await startPlant();
  http = makeApp(plant, { server: { bodyLimitBytes: 1024, corsOrigins: ['http://panel.local'] } });
});
afterAll(async () => {
  http.close();
  await plant.stop();
});

const body = async (res: Response) => (await res.json()) as Record<string, any>;

describe('operations endpoints', () => {
  it('GET /health and /ready', async () => {
    expect(await body(await http.request('/health'))).toMatchObject({ status: 'ok', version: plant.running.services.version });
    const ready = await http.request('/ready');
    expect(ready.status).toBe(200);
    expect(await body(ready)).toEqual({ status: 'ready' });
  });

  it('GET /metrics: Prometheus text with polls, durations, queue, buffer, writer and devices', async () => {
    await until(() => (plant.running.collector.groupStatus('fast')?.counters.pollsOk ?? 0) >= 3, 3_000, 'polls');
    const res = await http.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const raw = await res.text();
    // Every series carries the collector's name (many collectors into one Prometheus).
    expect(raw).toMatch(/^jsscada_polls_total\{group="fast",result="ok",collector="[A-Za-z0-9][A-Za-z0-9_.-]*"\} \d+$/m);
    expect(raw.split('\n').filter((l) => l.startsWith('jsscada_') && !l.includes('collector="'))).toEqual([]);
    const text = raw.replace(/collector="[^"]*",?/g, '').replace(/,\}/g, '}').replace(/\{\}/g, '');
    for (const line of [
      /^jsscada_polls_total\{group="fast",result="ok"\} [1-9]\d*$/m,
      /^jsscada_polls_total\{group="fast",result="error"\} 0$/m,
      /^jsscada_poll_duration_seconds_count\{group="fast"\} [1-9]\d*$/m,
      /^jsscada_poll_skipped_slots_total\{group="fast"\} \d+$/m,
      /^jsscada_device_queue_depth\{device="plc1"\} 0$/m,
      /^jsscada_devices\{state="ONLINE"\} 1$/m,
      /^jsscada_buffer_capacity_rows 10000$/m,
      /^jsscada_buffer_dropped_rows_total 0$/m,
      /^jsscada_buffer_delivered_rows_total \d+$/m,
      /^jsscada_writer_latency_seconds\{stat="p95"\} [\d.e-]+$/m,
      /^jsscada_groups\{state="polling"\} 2$/m,
      /^jsscada_sse_clients\{stream="devices"\} 0$/m,
    ]) {
      expect(text).toMatch(line);
    }
  });

  it('keeps a private registry per app: two apps on the same services both render', async () => {
    const other = makeApp(plant);
    expect((await other.request('/metrics')).status).toBe(200);
    expect((await http.request('/metrics')).status).toBe(200);
    other.close();
  });

  it('GET /api/buffer/status and /api/writer/metrics; the writer metrics provider is replaceable', async () => {
    expect(await body(await http.request('/api/buffer/status'))).toMatchObject({ capacity: 10_000, dropped: 0, writeLatencyMs: { avg: expect.any(Number) } });
    expect(Object.keys(await body(await http.request('/api/writer/metrics'))).sort()).toEqual(['batches', 'failedWrites', 'inFlight', 'lastError', 'rowsPerSecond', 'writeLatencyMs', 'written']);
    const extended = makeApp(plant, {
      writerMetrics: () => ({ written: 1, inFlight: 0, batches: 1, failedWrites: 0, lastError: null, writeLatencyMs: { avg: 1, p95: 2 }, rowsPerSecond: 3, spooledRows: 7 }),
    });
    expect((await body(await extended.request('/api/writer/metrics'))).spooledRows).toBe(7);
    extended.close();
  });

  it('limits the request body size: 413 with a clear error', async () => {
    const big = { name: 'x'.repeat(2_000), protocol: 'sim', port: 1 };
    const res = await http.request('/api/devices', jsonInit('POST', big));
    expect(res.status).toBe(413);
    expect(await body(res)).toEqual({ error: { code: 'BODY_TOO_LARGE', message: 'request body larger than 1024 bytes (server.bodyLimitBytes)' } });
  });

  it('answers CORS for configured origins only, preflight included', async () => {
    const allowed = await http.request('/api/devices', { headers: { origin: 'http://panel.local' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://panel.local');
    const other = await http.request('/api/devices', { headers: { origin: 'http://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await http.request('/api/devices/plc1', { method: 'OPTIONS', headers: { origin: 'http://panel.local', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,content-type' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  });

  it('treats "*" in corsOrigins as any origin', async () => {
    const open = makeApp(plant, { server: { corsOrigins: ['*'] } });
    expect((await open.request('/api/devices', { headers: { origin: 'http://anywhere.example' } })).headers.get('access-control-allow-origin')).toBe('*');
    open.close();
  });

  it('answers unknown routes with the JSON error shape', async () => {
    const res = await http.request('/api/nothing', { method: 'POST', headers: AUTH });
    expect(res.status).toBe(404);
    expect(await body(res)).toEqual({ error: { code: 'NOT_FOUND', message: 'no route for POST /api/nothing (see /docs)' } });
  });
});
