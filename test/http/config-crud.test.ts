import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpApp } from '../../src/http/app.js';
import { AUTH, jsonInit, makeApp, PLANT_YAML, startPlant, until, type TestPlant } from './helpers.js';

let plant: TestPlant;
let http: HttpApp;

beforeAll(async () => {
  plant = await startPlant(PLANT_YAML.replace('maxConcurrentGroups: 2', 'maxConcurrentGroups: 5'));
  http = makeApp(plant);
});
afterAll(async () => {
  http.close();
  await plant.stop();
});

const body = async (res: Response) => (await res.json()) as Record<string, any>;
const polls = (group: string) => plant.running.collector.groupStatus(group)?.counters.pollsOk ?? -1;

describe('groups and tags, applied hot to the running engine', () => {
  it('GET /api/groups and /api/groups/{name}: configuration with status; 404 unknown', async () => {
    const list = (await (await http.request('/api/groups')).json()) as Record<string, any>[];
    expect(list.map((g) => g.name)).toEqual(['fast', 'batch', 'slow']);
    expect(list[0]).toMatchObject({ device: 'plc1', mode: 'fixed', intervalMs: 100, tags: [{ name: 'temp1' }, { name: 'flow' }], status: { state: 'polling' } });
    expect((await http.request('/api/groups/nope')).status).toBe(404);
  });

  it('a changed interval takes effect at the next cycle', async () => {
    const res = await http.request('/api/groups/fast', jsonInit('PATCH', { intervalMs: 400 }));
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ intervalMs: 400, status: { intervalMs: 400 } });
    // Over 1.2 s a 100 ms group would poll about 12 times; at 400 ms it polls about 3.
    const before = polls('fast');
    await new Promise((r) => setTimeout(r, 1_200));
    const n = polls('fast') - before;
    expect(n).toBeGreaterThanOrEqual(2);
    expect(n).toBeLessThanOrEqual(5);
  });

  it('a new group starts polling without a manual start; 409 for an existing name', async () => {
    const group = { name: 'extra', device: 'plc2', intervalMs: 100, tags: [{ name: 'x1', address: 'D1' }] };
    const res = await http.request('/api/groups', jsonInit('POST', group));
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/api/groups/extra');
    await until(() => polls('extra') >= 2, 3_000, 'extra polling');
    expect((await http.request('/api/groups', jsonInit('POST', group))).status).toBe(409);
  });

  it('a group for an unknown device or with a bad address is a 400 naming the body field', async () => {
    const unknown = await http.request('/api/groups', jsonInit('POST', { name: 'g9', device: 'ghost', tags: [{ name: 'y1', address: 'D1' }] }));
    expect(unknown.status).toBe(400);
    expect((await body(unknown)).error).toMatchObject({ code: 'CONFIG_INVALID', field: 'device', message: expect.stringContaining('unknown device "ghost"') });
    const bad = await http.request('/api/groups', jsonInit('POST', { name: 'g9', device: 'plc1', tags: [{ name: 'y1', address: 'not an address' }] }));
    expect(bad.status).toBe(400);
    const json = await body(bad);
    expect(json.error.field).toBe('tags[0].address');
    expect(json.error.issues[0]).toMatchObject({ path: expect.stringMatching(/^groups\[\d+\]\.tags\[0\]\.address$/), field: 'tags[0].address' });
    const shape = await http.request('/api/groups', jsonInit('POST', { name: 'g9', device: 'plc1', intervalMs: 5, tags: [{ name: 'y1', address: 'D1' }] }));
    expect((await body(shape)).error).toMatchObject({ code: 'VALIDATION', field: 'intervalMs', message: expect.stringContaining('at least 100 ms') });
  });

  it('PUT replaces a group with its tags; PATCH refuses tags and renames', async () => {
    const res = await http.request('/api/groups/extra', jsonInit('PUT', { device: 'plc2', intervalMs: 200, enabled: true, tags: [{ name: 'x1', address: 'D1' }, { name: 'x2', address: 'D2' }] }));
    expect(res.status).toBe(200);
    expect((await body(res)).tags.map((t: { name: string }) => t.name)).toEqual(['x1', 'x2']);
    const tags = await http.request('/api/groups/extra', jsonInit('PATCH', { tags: [] }));
    expect(tags.status).toBe(400);
    expect((await body(tags)).error.field).toBe('tags');
    expect((await http.request('/api/groups/nope', jsonInit('PUT', { device: 'plc2', tags: [{ name: 'q', address: 'D1' }] }))).status).toBe(404);
  });

  it('tags: list, get, add (201), duplicate (409), replace, patch thresholds, delete; last tag is a 409', async () => {
    expect((await body(await http.request('/api/groups/extra/tags/x2'))).group).toBe('extra');
    expect(((await (await http.request('/api/groups/extra/tags')).json()) as unknown[]).length).toBe(2);
    expect((await http.request('/api/groups/nope/tags')).status).toBe(404);
    expect((await http.request('/api/groups/extra/tags/nope')).status).toBe(404);

    const added = await http.request('/api/groups/extra/tags', jsonInit('POST', { name: 'x3', address: 'D3', unit: 'bar' }));
    expect(added.status).toBe(201);
    expect(added.headers.get('location')).toBe('/api/groups/extra/tags/x3');
    const dup = await http.request('/api/groups/extra/tags', jsonInit('POST', { name: 'temp1', address: 'D9' }));
    expect(dup.status).toBe(409);
    expect((await body(dup)).error).toMatchObject({ field: 'name', message: 'tag "temp1" already exists in group "fast" (tag names are unique in the plant)' });
    expect((await http.request('/api/groups/nope/tags', jsonInit('POST', { name: 'q1', address: 'D9' }))).status).toBe(404);

    const put = await http.request('/api/groups/extra/tags/x3', jsonInit('PUT', { address: 'D30', type: 'float32' }));
    expect(await body(put)).toMatchObject({ name: 'x3', address: 'D30', type: 'float32', group: 'extra' });
    const thresholds = await http.request('/api/groups/extra/tags/x3', jsonInit('PATCH', { warn: 10, crit: 5 }));
    expect(thresholds.status).toBe(400);
    expect((await body(thresholds)).error).toMatchObject({ code: 'CONFIG_INVALID', field: 'warn', message: expect.stringContaining('warn (10) is above crit (5)') });
    const ok = await http.request('/api/groups/extra/tags/x3', jsonInit('PATCH', { warn: 5, crit: 10 }));
    expect(await body(ok)).toMatchObject({ warn: 5, crit: 10, address: 'D30' });

    expect((await http.request('/api/groups/extra/tags/x3', { method: 'DELETE', headers: AUTH })).status).toBe(204);
    expect((await http.request('/api/groups/extra/tags/x2', { method: 'DELETE', headers: AUTH })).status).toBe(204);
    const last = await http.request('/api/groups/extra/tags/x1', { method: 'DELETE', headers: AUTH });
    expect(last.status).toBe(409);
    expect((await body(last)).error.message).toContain('the last tag of group "extra"');
  });

  it('a deleted group stops at once', async () => {
    await until(() => polls('extra') > 0, 3_000, 'extra polling');
    const res = await http.request('/api/groups/extra', { method: 'DELETE', headers: AUTH });
    expect(res.status).toBe(204);
    expect((await http.request('/api/polling/groups/extra/status')).status).toBe(404);
    // Its actor is gone from the engine, and its values from the latest readings.
    expect(plant.running.services.inspection.liveActors().some((a) => a.actorId.startsWith('extra#'))).toBe(false);
    expect((plant.running.collector.latest('plc2') ?? []).some((r) => r.group === 'extra')).toBe(false);
    expect((await http.request('/api/groups/extra', { method: 'DELETE', headers: AUTH })).status).toBe(404);
  });

  it('disabling a group through PATCH stops it; enabling starts it again', async () => {
    expect((await http.request('/api/groups/fast', jsonInit('PATCH', { enabled: false }))).status).toBe(200);
    await until(() => plant.running.collector.groupStatus('fast')?.state === 'idle', 3_000, 'fast idle');
    expect((await http.request('/api/groups/fast', jsonInit('PATCH', { enabled: true }))).status).toBe(200);
    await until(() => plant.running.collector.groupStatus('fast')?.state === 'polling', 3_000, 'fast polling');
  });
});
