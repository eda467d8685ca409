import { connect, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpApp } from '../../src/http/app.js';
import { makeApp, serveApp, startPlant, until, type TestPlant } from './helpers.js';
import { SseReader } from './sse-client.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let plant: TestPlant;
let http: HttpApp;
let server: { port: number; close(): Promise<void> };

beforeAll(async () => {
  plant = await startPlant();
  http = makeApp(plant, { server: { maxSseClients: 10 } });
  server = await serveApp(http);
});
afterAll(async () => {
  await server.close();
  await plant.stop();
});

async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}

const resources = (kind: string) => process.getActiveResourcesInfo().filter((r) => r === kind).length;

describe('streams under load', () => {
  it('a client that stops reading does not grow memory: its queue stays bounded and drops are counted', async () => {
    const socket: Socket = connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('GET /api/devices/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
    // Read the headers and snapshot, then never read again: the kernel buffers fill, then ours.
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.pause();
    await until(() => http.streams.devices.hub.clientCount === 1, 2_000, 'the slow client');
    const before = await heapAfterGc();
    const payload = { blob: 'x'.repeat(256 * 1024) };
    for (let i = 0; i < 400; i++) {
      http.streams.devices.hub.broadcast('batch', { ...payload, i }); // 100 MB in total
      if (i % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    const stats = http.streams.devices.hub.stats();
    expect(stats.queued).toBeLessThanOrEqual(4);
    expect(stats.dropped).toBeGreaterThan(300);
    const grown = (await heapAfterGc()) - before;
    expect(grown).toBeLessThan(24 * 1024 * 1024);
    socket.destroy();
    await until(() => http.streams.devices.hub.clientCount === 0, 2_000, 'cleanup');
  });

  it('10,000 in-process connect/disconnect cycles leave no client, slot, timer or heap behind', async () => {
    const cycle = async (i: number) => {
      const abort = new AbortController();
      const path = ['/api/devices/stream', '/api/polling/stream', '/api/inspect/stream'][i % 3]!;
      const res = await http.request(path, { signal: abort.signal });
      const reader = res.body!.getReader();
      await reader.read();
      // Half go away by cancelling the body (the socket closed), half by aborting the request.
      if (i % 2 === 0) await reader.cancel();
      else abort.abort();
    };
    for (let i = 0; i < 500; i++) await cycle(i); // warm-up: JIT, caches, first allocations
    const heap = await heapAfterGc();
    const timerCount = resources('Timeout');
    for (let i = 0; i < 10_000; i++) await cycle(i);
    expect(http.streams.limiter.active).toBe(0);
    expect(Object.values(http.streams.stats()).map((s) => s.clients)).toEqual([0, 0, 0]);
    expect(resources('Timeout')).toBeLessThanOrEqual(timerCount + 2);
    expect((await heapAfterGc()) - heap).toBeLessThan(8 * 1024 * 1024);
  }, 60_000);

  it('10,000 connect/disconnect cycles over real sockets leave no client, socket, timer or heap behind', async () => {
    const cycle = async () => {
      const r = await SseReader.open(server.port, '/api/polling/stream');
      await r.until((x) => x.events('snapshot').length === 1);
      r.close();
    };
    for (let i = 0; i < 100; i++) await cycle();
    await until(() => http.streams.limiter.active === 0, 2_000, 'released');
    const heap = await heapAfterGc();
    const sockets = resources('TCPSocketWrap');
    const timerCount = resources('Timeout');
    for (let i = 0; i < 10_000; i++) await cycle();
    await until(() => http.streams.limiter.active === 0, 2_000, 'released');
    expect(http.streams.polling.hub.clientCount).toBe(0);
    await until(() => resources('TCPSocketWrap') <= sockets, 2_000, 'sockets closed');
    expect(resources('Timeout')).toBeLessThanOrEqual(timerCount + 2);
    const grown = (await heapAfterGc()) - heap;
    expect(grown).toBeLessThan(8 * 1024 * 1024);
  }, 120_000);
});
