import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpApp } from '../../src/http/app.js';
import { REDACTED } from '../../src/io/config/secrets.js';
import { parsePlantYaml } from '../../src/io/config/yaml-file.js';
import { AUTH, makeApp, PLANT_YAML, startPlant, until, type TestPlant } from './helpers.js';

let plant: TestPlant;
let http: HttpApp;

beforeAll(async () => {
  plant = await startPlant(`${PLANT_YAML}server: { token: secret-token-0123456789 }\n`);
  http = makeApp(plant);
});
afterAll(async () => {
  http.close();
  await plant.stop();
});

const body = async (res: Response) => (await res.json()) as Record<string, any>;
const csv = (text: string, query = '') => http.request(`/api/config/tags.csv${query}`, { method: 'POST', headers: { ...AUTH, 'content-type': 'text/csv' }, body: text });

describe('configuration export and CSV tags', () => {
  it('exports the whole configuration as YAML that imports again, without the token', async () => {
    const res = await http.request('/api/config/export');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/yaml; charset=utf-8');
    const text = await res.text();
    expect(text).not.toContain('secret-token');
    const again = parsePlantYaml(text, 'export.yaml');
    expect(again.groups.map((g) => g.name)).toEqual(['fast', 'batch', 'slow']);
    expect(again.server.token).toBe(REDACTED);
  });

  it('exports tags as CSV, one row per tag with the group first', async () => {
    const res = await http.request('/api/config/tags.csv');
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toMatch(/^group,name,address,type,length,wordOrder,scale,offset,unit,warn,crit,description/);
    expect(lines[1]).toMatch(/^fast,temp1,D100,int16,,,0\.1,,C,80,95,/);
    expect(lines).toHaveLength(5);
  });

  it('imports (replace): the named groups get exactly the CSV rows, applied hot', async () => {
    const res = await csv('group,name,address,type,unit\nslow,level,D10,int16,mm\nslow,level2,D11,uint16,\n');
    expect(res.status).toBe(200);
    const json = await body(res);
    expect(json).toMatchObject({ groups: ['slow'], rows: 2, summary: { tags: { added: 1 } } });
    expect(plant.running.collector.stored.plant.groups.find((g) => g.name === 'slow')!.tags).toEqual([
      { name: 'level', address: 'D10', type: 'int16', unit: 'mm' },
      { name: 'level2', address: 'D11', type: 'uint16' },
    ]);
  });

  it('imports (merge): updates tags by name and appends new ones', async () => {
    const res = await csv('group,name,address,warn\nfast,temp1,D100,70\nfast,temp9,D109,\n', '?mode=merge');
    expect(res.status).toBe(200);
    const tags = plant.running.collector.stored.plant.groups.find((g) => g.name === 'fast')!.tags;
    expect(tags.map((t) => t.name)).toEqual(['temp1', 'flow', 'temp9']);
    expect(tags[0]).toEqual({ name: 'temp1', address: 'D100', type: 'int16', warn: 70 });
    await until(() => (plant.running.collector.latest('plc1') ?? []).some((r) => r.tag === 'temp9'), 3_000, 'temp9 polled');
  });

  it('names the CSV line and column of every problem, and changes nothing', async () => {
    const before = plant.running.collector.stored.plant;
    const res = await csv('group,name,address,scale\nfast,a1,D1,x\nnope,a2,D2,\nfast,a3,D3,1\n');
    expect(res.status).toBe(400);
    const json = await body(res);
    expect(json.error.code).toBe('CONFIG_INVALID');
    expect(json.error.issues).toEqual([{ path: 'scale', field: 'scale', message: '"x" is not a number', line: 2, column: 4 }]);
    expect(json.error.message).toBe('invalid configuration: line 2, column 4: scale: "x" is not a number');

    const unknown = await body(await csv('group,name,address\nnope,a2,D2\n'));
    expect(unknown.error.issues[0]).toMatchObject({ line: 2, column: 1, message: expect.stringContaining('unknown group "nope"') });

    // Found only by the whole-plant validation, then traced back to its line and column.
    const address = await body(await csv('group,name,address\nfast,a1,D1\nfast,a2,%%\n'));
    expect(address.error.issues).toEqual([{ path: 'address', field: 'address', message: expect.stringContaining('bad address "%%"'), line: 3, column: 3 }]);
    const header = await body(await csv('group,name,adress\nfast,a1,D1\n'));
    expect(header.error.issues.map((i: { message: string }) => i.message)).toEqual([expect.stringContaining('unknown column "adress"'), 'missing column "address"']);
    const quote = await body(await csv('group,name,address\nfast,"a1,D1\n'));
    expect(quote.error.issues[0]).toMatchObject({ message: expect.stringContaining('Quote Not Closed'), line: 2 });
    expect(plant.running.collector.stored.plant).toEqual(before);
  });

  it('refuses a body that is not CSV (415) and a bad mode (400)', async () => {
    const res = await http.request('/api/config/tags.csv', { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(415);
    expect((await body(await csv('group,name,address\n', '?mode=upsert'))).error.field).toBe('mode');
  });
});
