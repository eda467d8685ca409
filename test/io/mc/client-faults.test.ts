import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CommError } from '../../../src/io/errors.js';
import { parseMcAddress } from '../../../src/io/mc/address.js';
import { McClient } from '../../../src/io/mc/client.js';
import { wordsFromData } from '../../../src/io/mc/codec/data.js';
import { batchReadWords } from '../../../src/io/mc/codec/requests.js';
import type { Encoding, FrameType } from '../../../src/io/mc/codec/wire.js';
import { client, framed, simulator, until } from './helpers.js';

const read = (address: string, count: number, frame: FrameType, encoding: Encoding = 'binary') =>
  framed(batchReadWords(parseMcAddress(address, 'q'), count, { series: 'q', encoding }), frame, encoding);

function word(data: Uint8Array, encoding: Encoding = 'binary'): number {
  return wordsFromData(data, encoding, 1)![0]!;
}

describe('MC client faults', () => {
  it('3E: a timeout poisons the connection, so a late reply can never answer the next request', async () => {
    const sim = await simulator({ faults: { replyDelayMs: 400 } });
    sim.memory.setWord('D0', 111);
    const c = await client(sim, { frame: '3e', timeoutMs: 100 });
    await expect(c.request(read('D0', 1, '3e'))).rejects.toMatchObject({ name: 'CommError', code: 'TIMEOUT' });
    expect(c.closed).toBe(true);
    await expect(c.request(read('D1', 1, '3e'))).rejects.toMatchObject({ code: 'POISONED' });
    // The simulator survives writing the stale reply to the closed connection; a new one works.
    await until(() => sim.stats.unsent === 1);
    expect(sim.stats.replies).toBe(0);
    sim.faults.replyDelayMs = 0;
    sim.memory.setWord('D1', 222);
    const fresh = await client(sim, { frame: '3e', timeoutMs: 1_000 });
    expect(word(await fresh.request(read('D1', 1, '3e')))).toBe(222);
  });

  it('4E: a stale reply with an old serial is discarded and the next request gets its own data', async () => {
    const sim = await simulator({ faults: { replyDelayMs: 300 } });
    sim.memory.setWords('D0', [111, 222]);
    const c = await client(sim, { frame: '4e', timeoutMs: 0 });
    await expect(c.request(read('D0', 1, '4e'), AbortSignal.timeout(50))).rejects.toBeDefined();
    expect(c.closed).toBe(false);
    // The second reply is slower than the stale one: the stale reply arrives while it waits.
    sim.faults.replyDelayMs = 600;
    const second = c.request(read('D1', 1, '4e'));
    expect(word(await second)).toBe(222);
    expect(c.stats.discarded).toBe(1);
  });

  it('4E pipelining: several replies in one read are all matched by serial', async () => {
    const sim = await simulator({ faults: { coalesceReplies: 3 } });
    sim.memory.setWords('D0', [10, 20, 30]);
    const c = await client(sim, { frame: '4e', pipeline: true });
    const replies = await Promise.all([c.request(read('D0', 1, '4e')), c.request(read('D1', 1, '4e')), c.request(read('D2', 1, '4e'))]);
    expect(replies.map((d) => word(d))).toEqual([10, 20, 30]);
    expect(c.stats.received).toBe(3);
    expect(c.stats.chunks).toBe(1);
  });

  it('3E keeps one request in flight even when the caller sends several at once', async () => {
    const sim = await simulator({ faults: { scanMs: 10 } });
    sim.memory.setWords('D0', [1, 2, 3, 4]);
    const c = await client(sim, { frame: '3e' });
    const replies = await Promise.all([0, 1, 2, 3].map((i) => c.request(read(`D${i}`, 1, '3e'))));
    expect(replies.map((d) => word(d))).toEqual([1, 2, 3, 4]);
    expect(sim.stats.maxPipelined).toBe(1);
  });

  it('RST in the middle of a reply rejects the request with a CommError and closes the client', async () => {
    const sim = await simulator({ faults: { resetMidReply: true } });
    const c = await client(sim, { frame: '3e' });
    const failure = c.request(read('D0', 100, '3e'));
    await expect(failure).rejects.toBeInstanceOf(CommError);
    await expect(failure).rejects.toMatchObject({ code: expect.stringMatching(/RESET|CLOSED/) });
    expect(c.closed).toBe(true);
  });

  it('a connection closed while a request waits rejects it with CommError CLOSED', async () => {
    const sim = await simulator({ faults: { silent: true } });
    const c = await client(sim, { frame: '4e', timeoutMs: 0 });
    const pending = c.request(read('D0', 1, '4e'));
    await until(() => sim.stats.requests === 1);
    sim.dropConnections();
    await expect(pending).rejects.toMatchObject({ name: 'CommError', code: expect.stringMatching(/CLOSED|RESET/) });
  });

  it('silence ends in a TIMEOUT', async () => {
    const sim = await simulator({ faults: { silent: true } });
    const c = await client(sim, { frame: '4e', timeoutMs: 150 });
    await expect(c.request(read('D0', 1, '4e'))).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(c.stats.timeouts).toBe(1);
  });

  it('a module port answers nothing to a frame in the other encoding', async () => {
    const sim = await simulator({ encoding: 'binary' });
    const c = await client(sim, { frame: '3e', encoding: 'ascii', timeoutMs: 150 });
    await expect(c.request(read('D0', 1, '3e', 'ascii'))).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(sim.stats.ignored).toBe(1);
    expect(sim.stats.replies).toBe(0);
  });

  it('abort via AbortSignal rejects with the signal reason', async () => {
    const sim = await simulator({ faults: { silent: true } });
    const c = await client(sim, { frame: '4e', timeoutMs: 0 });
    const controller = new AbortController();
    const pending = c.request(read('D0', 1, '4e'), controller.signal);
    controller.abort(new CommError('CANCELLED', 'group stopped'));
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(c.closed).toBe(false);
  });

  it('a second connection is refused (RST) or ignored when the module allows one', async () => {
    const sim = await simulator({ faults: { maxConnections: 1, excessConnection: 'reset' } });
    sim.memory.setWord('D0', 5);
    const first = await client(sim, { frame: '3e' });
    // The reset may hit the connect itself or the first request: either way a CommError.
    const second = client(sim, { frame: '3e', timeoutMs: 1_000 }).then((c) => c.request(read('D0', 1, '3e')));
    await expect(second).rejects.toBeInstanceOf(CommError);
    sim.faults.excessConnection = 'ignore';
    const third = await client(sim, { frame: '3e', timeoutMs: 150 });
    await expect(third.request(read('D0', 1, '3e'))).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(word(await first.request(read('D0', 1, '3e')))).toBe(5);
    expect(sim.stats.rejected).toBe(2);
  });

  it('a malformed reply closes the connection: the stream cannot be trusted after it', async () => {
    const server = createServer((socket) => socket.on('data', () => socket.write(Buffer.from('d00000ffff0300ffff', 'hex'))));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const c = await McClient.connect({ host: '127.0.0.1', port, frame: '3e', encoding: 'binary' });
      await expect(c.request(read('D0', 1, '3e'))).rejects.toMatchObject({ code: 'MALFORMED' });
      expect(c.closed).toBe(true);
      await c.close();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('connecting to a closed port fails with CommError CONNECT', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise((resolve) => server.close(resolve));
    await expect(McClient.connect({ host: '127.0.0.1', port, frame: '3e', encoding: 'binary' })).rejects.toMatchObject({ name: 'CommError', code: 'CONNECT' });
  });
});
