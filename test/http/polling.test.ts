import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Collector } from '../../src/actors/collector.js';
import { systemClock } from '../../src/clock.js';
import { createHttpApp, type HttpApp } from '../../src/http/app.js';
import { protocolOf } from '../../src/io/protocols.js';
import { silentLogger } from '../../src/log.js';
import { AUTH, makeApp, serverConfig, startPlant, TOKEN, until, type TestPlant } from './helpers.js';

let plant: TestPlant;
let http: HttpApp;

beforeAll(async () => {
  plant = await startPlant();
  http = makeApp(plant, { triggerWaitMs: 2_000 });
});
afterAll(async () => {
  http.close();
  await plant.stop();
});

const post = (path: string) => http.request(path, { method: 'POST', headers: AUTH });
const body = async (res: Response) => (await res.json()) as Record<string, any>;

describe('polling control', () => {
  it('GET /api/polling/status lists engine, groups and buffer', async () => {
    const res = await http.request('/api/polling/status');
    expect(res.status).toBe(200);
    const json = await body(res);
    expect(json.ready).toBe(true);
    expect(json.engine).toEqual({ collector: expect.any(String), ready: true, runningGroups: 2, maxConcurrentGroups: 2, groups: 3 });
    expect(json.groups.map((g: { name: string; state: string }) => [g.name, g.state])).toEqual([
      ['fast', 'polling'],
      ['batch', 'polling'],
      ['slow', 'idle'],
    ]);
    expect(json.buffer).toMatchObject({ capacity: 10_000, dropped: 0 });
  });

  it('GET /api/polling/groups/{name}/status: 200, and 404 for an unknown group', async () => {
    const ok = await http.request('/api/polling/groups/fast/status');
    expect(ok.status).toBe(200);
    expect(await body(ok)).toMatchObject({ name: 'fast', mode: 'FIXED', intervalMs: 100, tagCount: 2 });
    const missing = await http.request('/api/polling/groups/nope/status');
    expect(missing.status).toBe(404);
    expect(await body(missing)).toEqual({ error: { code: 'GROUP_NOT_FOUND', message: 'unknown group "nope"' } });
  });

  it('start: 409 already running, 429 at the concurrency limit, 404 unknown', async () => {
    expect((await body(await post('/api/polling/groups/fast/start'))).error.code).toBe('ALREADY_RUNNING');
    const full = await post('/api/polling/groups/slow/start');
    expect(full.status).toBe(429);
    expect(full.headers.get('retry-after')).toBe('5');
    expect((await body(full)).error).toMatchObject({ code: 'CAPACITY', message: expect.stringContaining('at most 2 concurrent groups') });
    expect((await post('/api/polling/groups/nope/start')).status).toBe(404);
  });

  it('stop then start: 200 with the status, 409 when not running', async () => {
    const stopped = await post('/api/polling/groups/fast/stop');
    expect(stopped.status).toBe(200);
    await until(() => plant.running.collector.groupStatus('fast')?.state === 'idle', 3_000, 'fast idle');
    const again = await post('/api/polling/groups/fast/stop');
    expect(again.status).toBe(409);
    expect((await body(again)).error.code).toBe('NOT_RUNNING');
    const started = await post('/api/polling/groups/fast/start');
    expect(started.status).toBe(200);
    expect((await body(started)).state).toBe('polling');
  });

  it('trigger: outcome after the poll, 202 without waiting, 429 when ignored, 409 on FIXED or stopped groups', async () => {
    const done = await post('/api/polling/groups/batch/trigger');
    expect(done.status).toBe(200);
    expect(await body(done)).toMatchObject({ group: 'batch', accepted: true, completed: true, ok: true, tagCount: 1, error: null });
    // Within 1 s of the last accepted trigger the engine ignores a trigger: say so, with a retry hint.
    const ignored = await post('/api/polling/groups/batch/trigger?wait=false');
    expect(ignored.status).toBe(429);
    expect(ignored.headers.get('retry-after')).toBe('1');
    expect((await body(ignored)).error.code).toBe('TRIGGER_IGNORED');
    await new Promise((r) => setTimeout(r, 1_050));
    const queued = await post('/api/polling/groups/batch/trigger?wait=false');
    expect(queued.status).toBe(202);
    expect(await body(queued)).toEqual({ group: 'batch', accepted: true, completed: false });

    const fixed = await post('/api/polling/groups/fast/trigger');
    expect(fixed.status).toBe(409);
    expect((await body(fixed)).error.code).toBe('NOT_HANDSHAKE');
    expect((await post('/api/polling/groups/nope/trigger')).status).toBe(404);
    expect((await post('/api/polling/groups/batch/stop')).status).toBe(200);
    await until(() => plant.running.collector.groupStatus('batch')?.state === 'idle', 3_000, 'batch idle');
    const stopped = await post('/api/polling/groups/batch/trigger');
    expect(stopped.status).toBe(409);
    expect((await body(stopped)).error.code).toBe('NOT_RUNNING');
  });

  it('trigger rejects a bad query with 400 naming the field', async () => {
    const res = await post('/api/polling/groups/batch/trigger?timeoutMs=abc');
    expect(res.status).toBe(400);
    expect((await body(res)).error).toMatchObject({ code: 'VALIDATION', field: 'timeoutMs' });
  });

  it('stop-all and start-all report every group, and who was refused by the limit', async () => {
    const stopped = await post('/api/polling/stop-all');
    expect(stopped.status).toBe(200);
    expect((await body(stopped)).refused).toEqual([]);
    await until(() => plant.running.collector.groupStatuses().every((g) => g.state === 'idle'), 3_000, 'all idle');
    const started = await post('/api/polling/start-all');
    expect(started.status).toBe(200);
    const json = await body(started);
    expect(json.groups.filter((g: { state: string }) => g.state === 'polling')).toHaveLength(2);
    expect(json.refused).toEqual([{ name: 'slow', reason: 'at most 2 concurrent groups (collector.maxConcurrentGroups)' }]);
  });

  it('GET /api/polling/queue/status sums the device queues', async () => {
    const res = await http.request('/api/polling/queue/status');
    expect(res.status).toBe(200);
    const json = await body(res);
    expect(json.devices.map((d: { device: string }) => d.device)).toEqual(['plc1', 'plc2', 'spare']);
    expect(json).toMatchObject({ totalQueueDepth: 0, maxConcurrentGroups: 2, buffer: { capacity: 10_000 } });
  });

  it('answers 503 with Retry-After while the engine is not ready', async () => {
    // A collector that was created but not started: its engine is still loading.
    const idle = new Collector(plant.running.collector.stored, { logger: silentLogger(), clock: systemClock, sink: plant.running.delivery, protocolOf });
    const app = createHttpApp({ ...plant.running.services, collector: idle }, { server: serverConfig(), token: TOKEN, logger: silentLogger() });
    for (const [method, path] of [
      ['GET', '/api/polling/status'],
      ['GET', '/api/polling/groups/fast/status'],
      ['POST', '/api/polling/groups/fast/start'],
      ['POST', '/api/polling/groups/fast/stop'],
      ['POST', '/api/polling/groups/batch/trigger'],
      ['POST', '/api/polling/start-all'],
      ['POST', '/api/polling/stop-all'],
      ['GET', '/api/polling/queue/status'],
      ['GET', '/ready'],
    ] as const) {
      const res = await app.request(path, { method, headers: AUTH });
      expect(res.status, `${method} ${path}`).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect((await body(res)).error.code).toBe('NOT_READY');
    }
    app.close();
  });
});
