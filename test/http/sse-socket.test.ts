import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpApp } from '../../src/http/app.js';
import { makeApp, serveApp, startPlant, until, type TestPlant } from './helpers.js';
import { SseReader } from './sse-client.js';

let plant: TestPlant;
let http: HttpApp;
let server: { port: number; close(): Promise<void> };
const open: SseReader[] = [];

beforeAll(async () => {
  plant = await startPlant();
  http = makeApp(plant, { server: { devicesStreamIntervalMs: 250, maxSseClients: 6, reservedSseClients: 0 }, streams: { keepAliveMs: 300 } });
  server = await serveApp(http);
  await until(() => plant.running.collector.latest('plc1') !== null, 3_000, 'first poll');
});
afterAll(async () => {
  open.forEach((r) => r.close());
  await server.close();
  await plant.stop();
});

async function connect(path: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const reader = await SseReader.open(server.port, path, headers);
  open.push(reader);
  return reader;
}

const json = (data: string | undefined) => JSON.parse(data ?? 'null') as Record<string, any>;

describe('SSE over a real socket', () => {
  it('devices stream: every latest reading on connect, then a batch of all devices every period', async () => {
    const r = await connect('/api/devices/stream');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    await r.until((x) => x.events('batch').length >= 2, 3_000, 'two batches');
    expect(r.blocks[0]!.raw).toBe('retry: 3000\n\n');
    const [snapshot] = r.events('snapshot');
    const data = json(snapshot!.data);
    expect(data.devices.map((d: { name: string }) => d.name)).toEqual(['plc1', 'plc2', 'spare']);
    const temp = data.readings.find((x: { tag: string }) => x.tag === 'temp1');
    expect(Object.keys(temp).sort()).toEqual(['device', 'group', 'level', 'quality', 'tag', 'timestamp', 'unit', 'value']);
    const ids = r.events().map((b) => Number(b.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(json(r.events('batch')[0]!.data).readings.length).toBe(data.readings.length);
    r.close();
  });

  it('resumes with Last-Event-ID: the missed batches, not a snapshot; an unknown id gets a fresh snapshot', async () => {
    const first = await connect('/api/devices/stream');
    await first.until((x) => x.events('batch').length >= 2, 3_000, 'two batches');
    const seen = first.events('batch')[0]!.id!;
    first.close();
    const resumed = await connect('/api/devices/stream', { 'last-event-id': seen });
    await resumed.until((x) => x.events().length >= 1);
    expect(resumed.events()[0]).toMatchObject({ event: 'batch', id: String(Number(seen) + 1) });
    expect(resumed.events('snapshot')).toEqual([]);
    resumed.close();
    const stranger = await connect('/api/devices/stream?lastEventId=12');
    await stranger.until((x) => x.events().length >= 1);
    expect(stranger.events()[0]!.event).toBe('snapshot');
    stranger.close();
  });

  it('cleans up on disconnect: no client, no slot held', async () => {
    const readers = await Promise.all([connect('/api/devices/stream'), connect('/api/polling/stream'), connect('/api/inspect/stream')]);
    await until(() => http.streams.limiter.active === 3, 2_000, 'three clients');
    readers.forEach((r) => r.close());
    await until(() => http.streams.limiter.active === 0, 2_000, 'slots released');
    expect(Object.values(http.streams.stats()).map((s) => s.clients)).toEqual([0, 0, 0]);
  });

  it('sends keep-alive comments', async () => {
    const r = await connect('/api/inspect/stream?kinds=stopped');
    await r.until((x) => x.blocks.some((b) => b.raw === ': keep-alive\n\n'), 3_000, 'a keep-alive');
    r.close();
  });

  it('polling stream: a snapshot, then group changes coalesced to at most one per group per 250 ms', async () => {
    const r = await connect('/api/polling/stream');
    await r.until((x) => x.events('snapshot').length === 1);
    const snap = json(r.events('snapshot')[0]!.data);
    expect(Object.keys(snap)).toEqual(['engine', 'groups', 'buffer']);
    expect(snap.groups.map((g: { name: string }) => g.name)).toEqual(['fast', 'batch', 'slow']);
    const polls = plant.running.collector.groupStatus('fast')!.counters.pollsOk;
    await new Promise((res) => setTimeout(res, 1_100));
    const fastEvents = r.events('group').filter((b) => json(b.data).name === 'fast');
    // fast polls every 100 ms (about 11 polls here): its changes reach the client at most every 250 ms.
    expect(plant.running.collector.groupStatus('fast')!.counters.pollsOk - polls).toBeGreaterThanOrEqual(8);
    expect(fastEvents.length).toBeGreaterThanOrEqual(3);
    expect(fastEvents.length).toBeLessThanOrEqual(5);
    expect(r.events('buffer').length).toBeGreaterThanOrEqual(1);
    r.close();
  });

  it('inspect stream: definitions and actors on connect, then throttled records filtered by actor and kind', async () => {
    const r = await connect('/api/inspect/stream?actor=fast&kinds=snapshot,event');
    await r.until((x) => x.events('records').length >= 2, 3_000, 'records');
    expect(r.events().slice(0, 2).map((b) => b.event)).toEqual(['definitions', 'actors']);
    expect(Object.keys(json(r.events('definitions')[0]!.data))).toEqual(expect.arrayContaining(['engine', 'pollGroup', 'buffer']));
    const actors = json(r.events('actors')[0]!.data) as unknown as { actorId: string }[];
    // Not an empty list passed over (issue 13): the group's actors are there, and only they.
    expect(actors.length).toBeGreaterThan(0);
    for (const actor of actors) expect(actor.actorId.startsWith('fast')).toBe(true);
    const records = r.events('records').flatMap((b) => json(b.data).records as { actorId: string; kind: string }[]);
    expect(records.length).toBeGreaterThan(0);
    for (const rec of records) {
      expect(rec.actorId.startsWith('fast')).toBe(true);
      expect(['snapshot', 'event']).toContain(rec.kind);
    }
    r.close();
    const bad = await connect('/api/inspect/stream?kinds=bogus');
    await bad.until((x) => x.ended);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error).toMatchObject({ code: 'VALIDATION', field: 'kinds' });
  });

  it('caps the clients across streams with a 503 naming the limit', async () => {
    const readers = await Promise.all(Array.from({ length: 6 }, (_, i) => connect(['/api/devices/stream', '/api/polling/stream', '/api/inspect/stream'][i % 3]!)));
    expect(readers.every((r) => r.status === 200)).toBe(true);
    const refused = await connect('/api/polling/stream');
    await refused.until((x) => x.ended);
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.text).error).toMatchObject({ code: 'TOO_MANY_STREAMS', message: expect.stringContaining('server.maxSseClients') });
    readers.forEach((r) => r.close());
    await until(() => http.streams.limiter.active === 0, 2_000, 'slots released');
  });
});
