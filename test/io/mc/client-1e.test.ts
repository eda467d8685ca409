import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseMcAddress } from '../../../src/io/mc/address.js';
import { McClient } from '../../../src/io/mc/client.js';
import { Mc1eEndCodeError } from '../../../src/io/mc/codec/end-codes-1e.js';
import { wordsFromData } from '../../../src/io/mc/codec/data.js';
import { batchReadWords1e, encode1eRequestFrame } from '../../../src/io/mc/codec/requests-1e.js';
import type { Encoding } from '../../../src/io/mc/codec/wire.js';
import { binary1eResponse } from './frame-builder-1e.js';
import { client, simulator } from './helpers.js';

/** The 1E client over TCP: replies framed by the request, split or whole, stray bytes, faults. */

const read1e = (address: string, words: number, encoding: Encoding = 'binary') => {
  const command = batchReadWords1e(parseMcAddress(address, 'fx3'), words, encoding);
  return { frame: encode1eRequestFrame({ encoding, pc: 0xff, monitoringTimer: 4 }, command), label: command.label, expect: { command: command.command, replyLength: command.replyLength ?? 0 } };
};

describe('MC 1E client over TCP', () => {
  it.each(['binary', 'ascii'] as const)('%s: reads replies cut into 1-byte segments', async (encoding) => {
    const sim = await simulator({ series: 'fx3', encoding, faults: { splitReplies: 1 } });
    sim.memory.setWords('D10', [1, 2, 3]);
    const c = await client(sim, { frame: '1e' });
    const data = await c.request(read1e('D10', 3, encoding));
    expect(Array.from(wordsFromData(data, encoding, 3)!)).toEqual([1, 2, 3]);
    expect(c.stats.chunks).toBeGreaterThan(1);
  });

  it('keeps one request in flight when the caller sends several at once', async () => {
    const sim = await simulator({ series: 'fx3', faults: { scanMs: 5 } });
    sim.memory.setWords('D0', [5, 6, 7]);
    const c = await client(sim, { frame: '1e' });
    const all = await Promise.all(['D0', 'D1', 'D2'].map((a) => c.request(read1e(a, 1))));
    expect(all.map((d) => wordsFromData(d, 'binary', 1)![0])).toEqual([5, 6, 7]);
    expect(sim.stats.maxPipelined).toBe(1);
  });

  it('an abnormal complete code rejects that request only; the connection stays', async () => {
    const sim = await simulator({ series: 'fx3', sizes: { D: 100 } });
    const c = await client(sim, { frame: '1e' });
    await expect(c.request(read1e('D200', 1))).rejects.toBeInstanceOf(Mc1eEndCodeError);
    await expect(c.request(read1e('D200', 1))).rejects.toMatchObject({ endCode: 0x58, endCodeName: 'ADDRESS_OUT_OF_RANGE' });
    expect(c.closed).toBe(false);
    sim.memory.setWord('D1', 4);
    expect(wordsFromData(await c.request(read1e('D1', 1)), 'binary', 1)![0]).toBe(4);
  });

  it('a timeout poisons the connection (a late 1E reply has nothing to tell it apart)', async () => {
    const sim = await simulator({ series: 'fx3', faults: { replyDelayMs: 300 } });
    const c = await client(sim, { frame: '1e', timeoutMs: 80 });
    await expect(c.request(read1e('D0', 1))).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(c.closed).toBe(true);
    await expect(c.request(read1e('D0', 1))).rejects.toMatchObject({ code: 'POISONED' });
  });

  it('bytes nobody asked for break the stream (MALFORMED), and so does a reply to another command', async () => {
    const server = createServer((socket) => {
      socket.once('data', () => socket.write(Uint8Array.from([...binary1eResponse(1, 0, '0100'), 0x81, 0x00])));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const c = await McClient.connect({ host: '127.0.0.1', port, frame: '1e', encoding: 'binary' });
      const first = await c.request(read1e('D0', 1));
      expect(wordsFromData(first, 'binary', 1)![0]).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(c.closed).toBe(true);
      await expect(c.request(read1e('D0', 1))).rejects.toMatchObject({ code: 'MALFORMED' });
    } finally {
      server.close();
    }
  });

  it('bytes after a reply are never read as the reply to the request queued behind it', async () => {
    // The server answers the first request with its reply AND a reply-shaped extra (D0 = 2).
    const server = createServer((socket) => {
      socket.once('data', () => socket.write(Uint8Array.from([...binary1eResponse(1, 0, '0100'), ...binary1eResponse(1, 0, '0200')])));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const c = await McClient.connect({ host: '127.0.0.1', port, frame: '1e', encoding: 'binary' });
      const [first, second] = await Promise.allSettled([c.request(read1e('D0', 1)), c.request(read1e('D0', 1))]);
      expect(first.status === 'fulfilled' && wordsFromData(first.value, 'binary', 1)![0]).toBe(1);
      expect(second).toMatchObject({ status: 'rejected', reason: { code: 'MALFORMED' } });
    } finally {
      server.close();
    }
  });
});
