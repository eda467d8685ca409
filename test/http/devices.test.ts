import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpApp } from '../../src/http/app.js';
import { AUTH, jsonInit, makeApp, startPlant, until, type TestPlant } from './helpers.js';

let plant: TestPlant;
let http: HttpApp;

beforeAll(async () => {
  plant = await startPlant();
  http = makeApp(plant);
  await until(() => plant.running.collector.latest('plc1') !== null, 3_000, 'plc1 polled');
});
afterAll(async () => {
  http.close();
  await plant.stop();
});

const body = async (res: Response) => (await res.json()) as Record<string, any>;

describe('devices and readings', () => {
  it('GET /api/devices: configuration and status of every device', async () => {
    const res = await http.request('/api/devices');
    expect(res.status).toBe(200);
    const list = (await res.json()) as Record<string, unknown>[];
    expect(list.map((d) => d.name)).toEqual(['plc1', 'plc2', 'spare']);
    expect(list[0]).toMatchObject({ protocol: 'sim', port: 5001, timeoutMs: 2000, status: 'ONLINE', groups: ['fast', 'batch'], queueDepth: 0, lastError: null });
    expect(typeof list[0]!.lastReadingAt).toBe('string');
    expect(list[2]).toMatchObject({ name: 'spare', status: 'UNKNOWN', lastReadingAt: null, groups: [] });
  });

  it('GET /api/devices/{name}: one device, 404 for an unknown one', async () => {
    expect(await body(await http.request('/api/devices/plc2'))).toMatchObject({ name: 'plc2', groups: ['slow'] });
    const missing = await http.request('/api/devices/nope');
    expect(missing.status).toBe(404);
    expect(await body(missing)).toEqual({ error: { code: 'DEVICE_NOT_FOUND', message: 'unknown device "nope"' } });
  });

  it('GET /api/devices/{name}/latest: readings with alarm levels; distinct 404s for unknown and never polled', async () => {
    const res = await http.request('/api/devices/plc1/latest');
    expect(res.status).toBe(200);
    const json = await body(res);
    const temp = json.readings.find((r: { tag: string }) => r.tag === 'temp1');
    expect(temp).toMatchObject({ device: 'plc1', group: 'fast', unit: 'C', quality: 'good', level: expect.stringMatching(/^(normal|warning|critical)$/) });
    expect(typeof temp.value).toBe('number');

    const unknown = await body(await http.request('/api/devices/nope/latest'));
    expect(unknown.error).toEqual({ code: 'DEVICE_NOT_FOUND', message: 'unknown device "nope"' });
    const never = await http.request('/api/devices/plc2/latest');
    expect(never.status).toBe(404);
    expect((await body(never)).error).toEqual({ code: 'NO_READINGS', message: 'device "plc2" has never been polled: its groups (slow) have not completed a poll yet: are they running?' });
    expect((await body(await http.request('/api/devices/spare/latest'))).error.message).toBe('device "spare" has never been polled: no polling group uses it');
  });

  it('POST creates (201 + Location), then 409 for the same name', async () => {
    const created = await http.request('/api/devices', jsonInit('POST', { name: 'plc9', protocol: 'sim', port: 5009 }));
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/devices/plc9');
    expect(await body(created)).toMatchObject({ name: 'plc9', host: '127.0.0.1', timeoutMs: 2000, status: 'UNKNOWN' });
    const again = await http.request('/api/devices', jsonInit('POST', { name: 'plc9', protocol: 'sim', port: 5009 }));
    expect(again.status).toBe(409);
    expect((await body(again)).error).toEqual({ code: 'CONFLICT', message: 'device "plc9" already exists', field: 'name' });
    // Persisted in the store, not only in memory.
    expect(plant.running.services.config.current().plant.devices.map((d) => d.name)).toContain('plc9');
  });

  it('POST rejects bad bodies with 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ name: 'x', protocol: 'sim' }, 'port'],
      [{ name: 'x', protocol: 'sim', port: 70000 }, 'port'],
      [{ name: 'x', protocol: 'telnet', port: 1 }, 'protocol'],
      [{ name: 'bad name', protocol: 'sim', port: 1 }, 'name'],
      [{ name: 'x', protocol: 'sim', port: 1, colour: 'red' }, 'colour'],
      [[], ''],
    ];
    for (const [input, field] of cases) {
      const res = await http.request('/api/devices', jsonInit('POST', input));
      expect(res.status, JSON.stringify(input)).toBe(400);
      const json = await body(res);
      expect(json.error.code).toBe('VALIDATION');
      if (field) expect(json.error.field).toBe(field);
    }
    // Found by the fuzz test (when this build had no Modbus driver, validation threw: a 500). A protocol
    // change is checked against the device's groups: their sim addresses are not Modbus addresses.
    const protocol = await http.request('/api/devices/plc1', jsonInit('PATCH', { protocol: 'modbus' }));
    expect(protocol.status).toBe(400);
    expect((await body(protocol)).error).toMatchObject({ code: 'CONFIG_INVALID', field: expect.stringMatching(/^groups\[\d\]\.tags\[\d\]\.address$/) });
    const malformed = await http.request('/api/devices', jsonInit('POST', '{"name":'));
    expect(malformed.status).toBe(400);
    expect((await body(malformed)).error.code).toBe('BAD_REQUEST');
    const wrongType = await http.request('/api/devices', { method: 'POST', headers: { ...AUTH, 'content-type': 'text/plain' }, body: 'hello' });
    expect(wrongType.status).toBe(415);
  });

  it('PUT replaces, PATCH changes some fields (null removes), renames are refused', async () => {
    const put = await http.request('/api/devices/plc9', jsonInit('PUT', { protocol: 'sim', port: 6000, timeoutMs: 500, byteOrder: 'big' }));
    expect(put.status).toBe(200);
    expect(await body(put)).toMatchObject({ name: 'plc9', port: 6000, timeoutMs: 500, byteOrder: 'big' });
    const patch = await http.request('/api/devices/plc9', jsonInit('PATCH', { retries: 1, byteOrder: null }));
    expect(patch.status).toBe(200);
    const json = await body(patch);
    expect(json).toMatchObject({ port: 6000, timeoutMs: 500, retries: 1 });
    expect(json.byteOrder).toBeUndefined();
    const rename = await http.request('/api/devices/plc9', jsonInit('PATCH', { name: 'plc10' }));
    expect(rename.status).toBe(400);
    expect((await body(rename)).error.field).toBe('name');
    const removeRequired = await http.request('/api/devices/plc9', jsonInit('PATCH', { port: null }));
    expect(removeRequired.status).toBe(400);
    expect((await body(removeRequired)).error).toMatchObject({ code: 'CONFIG_INVALID', field: 'port' });
    expect((await http.request('/api/devices/nope', jsonInit('PATCH', { retries: 1 }))).status).toBe(404);
    expect((await http.request('/api/devices/nope', jsonInit('PUT', { protocol: 'sim', port: 1 }))).status).toBe(404);
  });

  it('DELETE: 204, 404 when unknown, 409 naming the groups that still use it', async () => {
    const used = await http.request('/api/devices/plc1', { method: 'DELETE', headers: AUTH });
    expect(used.status).toBe(409);
    expect((await body(used)).error).toEqual({
      code: 'CONFLICT',
      message: 'device "plc1" is used by groups "fast", "batch": delete those groups or move them to another device first',
      blockers: ['fast', 'batch'],
    });
    const gone = await http.request('/api/devices/plc9', { method: 'DELETE', headers: AUTH });
    expect(gone.status).toBe(204);
    expect(await gone.text()).toBe('');
    expect((await http.request('/api/devices/plc9', { method: 'DELETE', headers: AUTH })).status).toBe(404);
  });
});
