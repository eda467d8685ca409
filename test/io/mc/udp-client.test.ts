import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMcAddress } from '../../../src/io/mc/address.js';
import { wordsFromData } from '../../../src/io/mc/codec/data.js';
import { batchReadWords1e, encode1eRequestFrame } from '../../../src/io/mc/codec/requests-1e.js';
import { batchReadWords } from '../../../src/io/mc/codec/requests.js';
import type { Encoding, FrameType } from '../../../src/io/mc/codec/wire.js';
import type { McSimulator } from '../../../src/io/mc/simulator/index.js';
import { McUdpClient, type McUdpClientOptions } from '../../../src/io/mc/udp-client.js';
import { binary3eResponse, binary4eResponse } from './frame-builder.js';
import { framed, simulator, until } from './helpers.js';

/** The UDP client against the UDP simulator: dropped, duplicated, late and stranger datagrams. */

const clients: McUdpClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function udp(sim: McSimulator, options: Partial<McUdpClientOptions> & { frame: FrameType | '1e' }): Promise<McUdpClient> {
  const c = await McUdpClient.open({ host: '127.0.0.1', port: sim.port, encoding: sim.encoding, timeoutMs: 2_000, ...options });
  clients.push(c);
  return c;
}

const read = (address: string, frame: FrameType, encoding: Encoding = 'binary') =>
  framed(batchReadWords(parseMcAddress(address, 'q'), 1, { series: 'q', encoding }), frame, encoding);

const read1e = (address: string, encoding: Encoding = 'binary') => {
  const command = batchReadWords1e(parseMcAddress(address, 'fx3'), 1, encoding);
  return { frame: encode1eRequestFrame({ encoding, pc: 0xff, monitoringTimer: 4 }, command), label: command.label, expect: { command: command.command, replyLength: command.replyLength ?? 0 } };
};

const word = (data: Uint8Array) => wordsFromData(data, 'binary', 1)![0]!;

describe('MC over UDP: the client', () => {
  it('4E: a duplicated reply datagram is discarded by serial, never taken for the next request', async () => {
    const sim = await simulator({ transport: 'udp', faults: { duplicateReplies: true } });
    sim.memory.setWords('D0', [10, 20, 30]);
    const c = await udp(sim, { frame: '4e' });
    expect(word(await c.request(read('D0', '4e')))).toBe(10);
    expect(word(await c.request(read('D1', '4e')))).toBe(20);
    expect(word(await c.request(read('D2', '4e')))).toBe(30);
    await until(() => c.stats.discarded === 3);
  });

  it('3E keeps one request in flight; 4E with pipelining several', async () => {
    const sim = await simulator({ transport: 'udp', faults: { scanMs: 5 } });
    sim.memory.setWords('D0', [1, 2, 3, 4]);
    const c3 = await udp(sim, { frame: '3e' });
    const all3 = await Promise.all(['D0', 'D1', 'D2', 'D3'].map((a) => c3.request(read(a, '3e'))));
    expect(all3.map(word)).toEqual([1, 2, 3, 4]);
    expect(sim.stats.maxPipelined).toBe(1);
    const c4 = await udp(sim, { frame: '4e', pipeline: true });
    const all4 = await Promise.all(['D0', 'D1', 'D2', 'D3'].map((a) => c4.request(read(a, '4e'))));
    expect(all4.map(word)).toEqual([1, 2, 3, 4]);
    expect(sim.stats.maxPipelined).toBeGreaterThan(1);
  });

  it('4E: a late reply (its request timed out) is dropped and the next request gets its own data', async () => {
    const sim = await simulator({ transport: 'udp', faults: { replyDelayMs: 300 } });
    sim.memory.setWords('D0', [111, 222]);
    const c = await udp(sim, { frame: '4e', timeoutMs: 0 });
    await expect(c.request(read('D0', '4e'), AbortSignal.timeout(50))).rejects.toBeDefined();
    expect(c.closed).toBe(false);
    sim.faults.replyDelayMs = 600;
    expect(word(await c.request(read('D1', '4e')))).toBe(222);
    expect(c.stats.discarded).toBe(1);
  });

  it('3E and 1E: a timeout closes the session (no serial tells a late reply apart)', async () => {
    const sim = await simulator({ transport: 'udp', faults: { silent: true } });
    const c = await udp(sim, { frame: '3e', timeoutMs: 50 });
    await expect(c.request(read('D0', '3e'))).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(c.closed).toBe(true);
    await expect(c.request(read('D0', '3e'))).rejects.toMatchObject({ code: 'POISONED' });
    const fx3 = await simulator({ series: 'fx3', transport: 'udp', faults: { silent: true } });
    const c1 = await udp(fx3, { frame: '1e', timeoutMs: 50 });
    await expect(c1.request(read1e('D0'))).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(c1.closed).toBe(true);
  });

  it('4E: a reply with the wrong serial is dropped (the request then times out)', async () => {
    const sim = await simulator({ transport: 'udp', faults: { wrongSerial: true } });
    const c = await udp(sim, { frame: '4e', timeoutMs: 150 });
    await expect(c.request(read('D0', '4e'))).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(c.stats.discarded).toBe(1);
    sim.faults.wrongSerial = false;
    sim.memory.setWord('D0', 5);
    expect(word(await c.request(read('D0', '4e')))).toBe(5);
  });

  it('replies from another port than the module\'s are ignored', async () => {
    const sim = await simulator({ transport: 'udp', faults: { replyFromOtherPort: true } });
    const c = await udp(sim, { frame: '4e', timeoutMs: 150 });
    await expect(c.request(read('D0', '4e'))).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(c.stats.foreign).toBe(1);
    expect(c.stats.received).toBe(0);
  });

  it('a stranger\'s forged reply to our port is ignored; the module\'s own reply is taken', async () => {
    const sim = await simulator({ transport: 'udp', faults: { replyDelayMs: 100 } });
    sim.memory.setWord('D0', 77);
    const c3 = await udp(sim, { frame: '3e' });
    const c4 = await udp(sim, { frame: '4e' });
    const stranger = createSocket('udp4');
    try {
      const p3 = c3.request(read('D0', '3e'));
      const p4 = c4.request(read('D0', '4e'));
      // Replies that would fit each waiting request, from the wrong sender, before the real ones.
      await new Promise<void>((resolve) => stranger.send(binary3eResponse(0, '3930'), c3.localPort, '127.0.0.1', () => resolve()));
      await new Promise<void>((resolve) => stranger.send(binary4eResponse(1, 0, '3930'), c4.localPort, '127.0.0.1', () => resolve()));
      expect(word(await p3)).toBe(77);
      expect(word(await p4)).toBe(77);
      expect(c3.stats.foreign).toBe(1);
      expect(c4.stats.foreign).toBe(1);
    } finally {
      stranger.close();
    }
  });

  it('binds the local port it is given (modules that answer a fixed host port)', async () => {
    const probe = createSocket('udp4');
    const port = await new Promise<number>((resolve) => probe.bind(0, () => resolve(probe.address().port)));
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const sim = await simulator({ series: 'fx3', transport: 'udp' });
    sim.memory.setWord('D9', 99);
    const c = await udp(sim, { frame: '1e', localPort: port });
    expect(c.localPort).toBe(port);
    expect(word(await c.request(read1e('D9')))).toBe(99);
    await expect(McUdpClient.open({ host: '127.0.0.1', port: sim.port, frame: '1e', encoding: 'binary', localPort: port })).rejects.toMatchObject({ code: 'CONNECT' });
  });
});
