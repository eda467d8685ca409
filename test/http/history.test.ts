import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpApp } from '../../src/http/app.js';
import { makeApp, startPlant, until, type TestPlant } from './helpers.js';

let plant: TestPlant;
let http: HttpApp;

beforeAll(async () => {
  plant = await startPlant();
  http = makeApp(plant);
  // Values reach the store after a buffer flush (every 500 ms).
  const { services } = plant.running;
  const key = { collector: services.collectorName, device: 'plc1', tag: 'temp1' };
  await until(async () => {
    const r = await services.history.read(key, { from: 0, to: Date.now() + 1_000, limit: 10 });
    return r.kind === 'points' && r.points.length >= 3;
  }, 5_000, 'temp1 rows');
});
afterAll(async () => {
  http.close();
  await plant.stop();
});

const body = async (res: Response) => (await res.json()) as Record<string, any>;

describe('GET /api/tags/{name}/history', () => {
  it('defaults to the last hour, oldest first, with ISO and epoch times', async () => {
    const res = await http.request('/api/tags/temp1/history');
    expect(res.status).toBe(200);
    const json = await body(res);
    expect(json).toMatchObject({ tag: 'temp1', limit: 1000, truncated: false, mode: 'raw' });
    expect(Date.parse(json.to) - Date.parse(json.from)).toBe(3_600_000);
    const points = json.points as { ts: number; timestamp: string; value: number; quality: string }[];
    expect(points.length).toBeGreaterThanOrEqual(3);
    expect(points[0]).toMatchObject({ quality: 'good', text: null, timestamp: new Date(points[0]!.ts).toISOString() });
    expect(points.map((p) => p.ts)).toEqual([...points.map((p) => p.ts)].sort((a, b) => a - b));
  });

  it('takes from/to as ISO or epoch ms, and keeps the newest `limit` points', async () => {
    const to = Date.now() + 1_000;
    const json = await body(await http.request(`/api/tags/temp1/history?from=0&to=${to}&limit=2`));
    expect(json.points).toHaveLength(2);
    expect(json.truncated).toBe(true);
    const iso = await body(await http.request(`/api/tags/temp1/history?from=1970-01-01T00:00:00Z&to=${encodeURIComponent(new Date(to).toISOString())}&limit=2`));
    expect(iso.points).toEqual(json.points);
    const empty = await body(await http.request('/api/tags/temp1/history?from=0&to=1000'));
    expect(empty.points).toEqual([]);
  });

  it('400 naming the parameter for bad times, limits and ranges; 404 for an unknown tag', async () => {
    const cases: [string, string][] = [
      ['from=yesterday', 'from'],
      ['to=12:00', 'to'],
      ['limit=0', 'limit'],
      ['limit=10001', 'limit'],
      ['limit=abc', 'limit'],
      ['from=2000&to=1000', 'from'],
    ];
    for (const [query, field] of cases) {
      const res = await http.request(`/api/tags/temp1/history?${query}`);
      expect(res.status, query).toBe(400);
      expect((await body(res)).error.field, query).toBe(field);
    }
    const missing = await http.request('/api/tags/nope/history');
    expect(missing.status).toBe(404);
    expect((await body(missing)).error).toEqual({ code: 'TAG_NOT_FOUND', message: 'unknown tag "nope": the store has no history for it' });
  });
});
