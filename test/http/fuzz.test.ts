import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpApp } from '../../src/http/app.js';
import { AUTH, makeApp, startPlant, type TestPlant } from './helpers.js';

let plant: TestPlant;
let http: HttpApp;

beforeAll(async () => {
  plant = await startPlant();
  http = makeApp(plant, { triggerWaitMs: 200, server: { maxSseClients: 1000 } });
});
afterAll(async () => {
  http.close();
  await plant.stop();
});

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly query: readonly string[];
}

function operations(): Operation[] {
  const doc = http.document() as unknown as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name) })),
  );
}

const known = (names: string[]) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...names, 'nope', 'stream', '..', '%00'), weight: 6 },
    { arbitrary: fc.string({ maxLength: 70 }), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 1 },
  );
const DEVICES = ['plc1', 'plc2', 'spare'];
const GROUPS = ['fast', 'batch', 'slow'];
const TAGS = ['temp1', 'flow', 'count', 'level'];
const name = known([...DEVICES, ...GROUPS, ...TAGS]);

/** Values for the fields of the real shapes, valid or not. */
const fieldValues = fc.record(
  {
    name: name,
    protocol: fc.oneof(fc.constantFrom('sim', 'mc3e', 'modbus', 'mc4e'), fc.jsonValue()),
    port: fc.oneof(fc.integer({ min: -5, max: 70_000 }), fc.jsonValue()),
    device: fc.oneof(fc.constantFrom('plc1', 'plc2', 'ghost'), fc.jsonValue()),
    intervalMs: fc.oneof(fc.integer({ min: 0, max: 5_000_000 }), fc.double(), fc.jsonValue()),
    mode: fc.oneof(fc.constantFrom('fixed', 'handshake'), fc.jsonValue()),
    enabled: fc.oneof(fc.boolean(), fc.jsonValue()),
    address: fc.oneof(fc.constantFrom('D1', 'M10', 'D100.3', 'X', ''), fc.string()),
    type: fc.oneof(fc.constantFrom('int16', 'string', 'float32', 'bit'), fc.jsonValue()),
    length: fc.oneof(fc.integer({ min: -1, max: 600 }), fc.constant(null)),
    warn: fc.oneof(fc.double(), fc.constant(null)),
    crit: fc.oneof(fc.double(), fc.constant(null)),
    record: fc.oneof(fc.record({ mode: fc.constantFrom('every', 'change', 'x'), deadband: fc.double() }, { requiredKeys: [] }), fc.jsonValue()),
    trigger: fc.oneof(fc.record({ bit: fc.constantFrom('M1', 'bad', ''), ack: fc.string() }, { requiredKeys: [] }), fc.jsonValue()),
    tags: fc.oneof(fc.array(fc.record({ name: name, address: fc.constantFrom('D1', 'D2', 'bad'), type: fc.constantFrom('int16', 'string') }, { requiredKeys: [] }), { maxLength: 3 }), fc.jsonValue()),
  },
);
const FIELDS = ['name', 'protocol', 'port', 'device', 'intervalMs', 'mode', 'enabled', 'address', 'type', 'length', 'warn', 'crit', 'record', 'trigger', 'tags'] as const;

/** Valid bodies of each kind with one or two fields changed: they pass the schema and reach the plant validation. */
const DEVICE = { name: 'f1', protocol: 'sim', port: 1 };
const GROUP = { name: 'g1', device: 'plc1', intervalMs: 500, tags: [{ name: 'u1', address: 'D1' }] };
const TAG = { name: 'u2', address: 'D2' };
function basesFor(path: string): Record<string, unknown>[] {
  if (path.includes('/tags')) return [TAG, {}];
  if (path.startsWith('/api/groups')) return [GROUP, {}];
  if (path.startsWith('/api/devices')) return [DEVICE, {}];
  return [DEVICE, GROUP, TAG, {}];
}
const nearValid = (path: string) =>
  fc
    .tuple(fc.constantFrom(...basesFor(path)), fieldValues, fc.subarray([...FIELDS], { maxLength: 2 }))
    .map(([base, values, keys]) => ({ ...base, ...Object.fromEntries(keys.map((k) => [k, values[k]])) }));

const bodyFor = (path: string) => fc.oneof(
  { arbitrary: nearValid(path).map((v) => JSON.stringify(v)), weight: 4 },
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('', '{', '[1,2', 'null', 'group,name,address\nfast,t9,D9\n', 'group,name,address\n"x', '\u0000\u00ff'),
);

const contentType = fc.constantFrom('application/json', undefined, 'application/json', 'application/merge-patch+json', 'text/csv', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'garbage');

describe('bodies, params and queries thrown at every route', () => {
  it('never produce a 500, and every error has the error shape', async () => {
    const ops = operations();
    const statuses = new Map<number, number>();
    expect(ops.length).toBeGreaterThan(40);
    for (const op of ops) {
      await fc.assert(
        fc.asyncProperty(
          fc.record({ name: op.path.startsWith('/api/devices') ? known(DEVICES) : op.path.startsWith('/api/tags') ? known(TAGS) : known(GROUPS), tag: known(TAGS), file: name }),
          fc.array(fc.tuple(fc.oneof(fc.constantFrom(...op.query, 'x'), fc.string({ maxLength: 10 })), fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String))), { maxLength: 4 }),
          bodyFor(op.path),
          contentType,
          fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
          async (params, query, payload, type, withAuth) => {
            const path = op.path.replace(/\{(\w+)\}/g, (_, p: 'name' | 'tag' | 'file') => encodeURIComponent(params[p]));
            const qs = new URLSearchParams(query).toString();
            const headers: Record<string, string> = { ...(withAuth ? AUTH : {}), ...(type ? { 'content-type': type } : {}) };
            const hasBody = op.method !== 'GET' && op.method !== 'DELETE';
            const res = await http.request(`${path}${qs ? `?${qs}` : ''}`, { method: op.method, headers, body: hasBody ? payload : null });
            const text = res.headers.get('content-type')?.startsWith('text/event-stream') ? (await res.body?.cancel(), '') : await res.text();
            const where = `${op.method} ${path}?${qs} ${type} ${payload.slice(0, 200)} -> ${res.status} ${text.slice(0, 300)}`;
            expect(res.status, where).not.toBe(500);
            expect(res.status < 500 || res.status === 503, where).toBe(true);
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (res.status >= 400) expect(JSON.parse(text).error, where).toMatchObject({ code: expect.any(String), message: expect.any(String) });
          },
        ),
        { numRuns: 120, seed: -1_878_378_980 },
      );
    }
    expect(http.streams.limiter.active).toBe(0);
    // The generators reach past the schema checks: successes, config errors, not-found and conflicts all occur.
    for (const status of [200, 201, 204, 400, 401, 404, 409]) expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);
  }, 120_000);
});
