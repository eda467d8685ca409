import { describe, expect, it } from 'vitest';
import { parseMcAddress } from '../../../src/io/mc/address.js';
import { bitsFromData, randomWordsFromData, wordsFromData } from '../../../src/io/mc/codec/data.js';
import { McEndCodeError } from '../../../src/io/mc/codec/end-codes.js';
import { batchReadBits, batchReadWords, batchWriteBits, batchWriteWords, randomRead, type McCommand } from '../../../src/io/mc/codec/requests.js';
import type { McSeries } from '../../../src/io/mc/devices.js';
import { client, COMBOS, framed, simulator } from './helpers.js';

const at = (text: string, series: McSeries = 'q') => parseMcAddress(text, series);

describe.each(COMBOS)('MC client over $frame $encoding against the simulator', ({ frame, encoding }) => {
  const ctx = { series: 'q' as const, encoding };
  const req = (command: McCommand) => framed(command, frame, encoding);

  it('reads words, bits and random points that the test put in memory', async () => {
    const sim = await simulator({ encoding });
    sim.memory.setWords('D100', [1, 2, 0xffff]);
    sim.memory.setBit('M5', true);
    sim.memory.setBit('X1F', true);
    sim.memory.setUint32('D2000', 0x12345678);
    sim.memory.setWord('W1A', 0xbeef);
    const c = await client(sim, { frame });

    const words = wordsFromData(await c.request(req(batchReadWords(at('D100'), 3, ctx))), encoding, 3);
    expect(Array.from(words ?? [])).toEqual([1, 2, 0xffff]);

    const bits = bitsFromData(await c.request(req(batchReadBits(at('M4'), 3, ctx))), encoding, 3);
    expect(Array.from(bits ?? [])).toEqual([0, 1, 0]);

    // X0-X1F in word units: X1F is bit 15 of the second word.
    const packed = wordsFromData(await c.request(req(batchReadWords(at('X0'), 2, ctx))), encoding, 2);
    expect(Array.from(packed ?? [])).toEqual([0, 0x8000]);

    const random = randomWordsFromData(await c.request(req(randomRead([at('W1A'), at('D101')], [at('D2000')], ctx))), encoding, 2, 1);
    expect(Array.from(random ?? [])).toEqual([0xbeef, 2, 0x5678, 0x1234]);
  });

  it('writes words and bits with batch write 0x1401', async () => {
    const sim = await simulator({ encoding });
    const c = await client(sim, { frame });
    await c.request(req(batchWriteWords(at('D10'), [7, 8, 9], ctx)));
    await c.request(req(batchWriteBits(at('M100'), [1, 0, 1], ctx)));
    expect(Array.from(sim.memory.getWords('D10', 3))).toEqual([7, 8, 9]);
    expect([sim.memory.getBit('M100'), sim.memory.getBit('M101'), sim.memory.getBit('M102')]).toEqual([true, false, true]);
  });

  it('surfaces end codes as McEndCodeError with the name and the request', async () => {
    const sim = await simulator({ encoding });
    const c = await client(sim, { frame });
    const outOfRange = c.request(req(batchReadWords(at('D12280'), 20, ctx)));
    await expect(outOfRange).rejects.toBeInstanceOf(McEndCodeError);
    await expect(outOfRange).rejects.toMatchObject({ endCode: 0xc056, endCodeName: 'ADDRESS_OUT_OF_RANGE', request: 'batch read words D12280-D12299' });
    await expect(c.request(req(batchReadWords(at('D0'), 961, ctx)))).rejects.toMatchObject({ endCodeName: 'TOO_MANY_POINTS' });
    await expect(c.request(req({ command: 0x0619, subcommand: 0, body: new Uint8Array(0), label: 'loopback test' }))).rejects.toMatchObject({
      endCode: 0xc059,
      endCodeName: 'UNSUPPORTED_COMMAND',
    });
    // A body one field longer than the command says: the request data length does not match.
    const padded = batchReadWords(at('D0'), 1, ctx);
    const extra = encoding === 'binary' ? Uint8Array.of(0, 0) : new TextEncoder().encode('0000');
    await expect(c.request(req({ ...padded, body: Uint8Array.from([...padded.body, ...extra]) }))).rejects.toMatchObject({ endCode: 0xc061, endCodeName: 'LENGTH_MISMATCH' });
    // The connection survives end codes.
    expect(c.closed).toBe(false);
    expect(wordsFromData(await c.request(req(batchReadWords(at('D0'), 1, ctx))), encoding, 1)).toHaveLength(1);
  });

  it('answers C05E when the route is slower than the monitoring timer', async () => {
    const sim = await simulator({ encoding, faults: { routeDelayMs: 2_000 } });
    const c = await client(sim, { frame });
    const request = framed(batchReadWords(at('D0'), 1, ctx), frame, encoding, 1); // 250 ms
    await expect(c.request(request)).rejects.toMatchObject({ endCode: 0xc05e, endCodeName: 'MONITORING_TIMER_EXPIRED' });
  });

  it('reassembles a 960-word reply split into 100-byte segments', async () => {
    const sim = await simulator({ encoding, faults: { splitReplies: 100 } });
    const values = Array.from({ length: 960 }, (_, i) => (i * 37) & 0xffff);
    sim.memory.setWords('D0', values);
    const c = await client(sim, { frame });
    const words = wordsFromData(await c.request(req(batchReadWords(at('D0'), 960, ctx))), encoding, 960);
    expect(Array.from(words ?? [])).toEqual(values);
    expect(c.stats.chunks).toBeGreaterThan(1);
  });

  it('uses iQ-R extended device specs against an iqr module', async () => {
    const sim = await simulator({ encoding, series: 'iqr' });
    sim.memory.setWord('D5', 42);
    const c = await client(sim, { frame });
    const command = batchReadWords(at('D5', 'iqr'), 1, { series: 'iqr', encoding });
    expect(command.subcommand).toBe(0x0002);
    expect(Array.from(wordsFromData(await c.request(framed(command, frame, encoding)), encoding, 1) ?? [])).toEqual([42]);
  });
});

describe('series differences', () => {
  it('a Q module refuses iQ-R extended subcommands with C059', async () => {
    const sim = await simulator({ series: 'q' });
    const c = await client(sim, { frame: '3e' });
    const command = batchReadWords(at('D5', 'iqr'), 1, { series: 'iqr', encoding: 'binary' });
    await expect(c.request(framed(command, '3e', 'binary'))).rejects.toMatchObject({ endCodeName: 'UNSUPPORTED_COMMAND' });
  });

  it('an fx module numbers X in octal on the wire (X17 is point 15)', async () => {
    const sim = await simulator({ series: 'fx', encoding: 'ascii' });
    sim.memory.setBit('X17', true);
    const c = await client(sim, { frame: '3e' });
    const command = batchReadBits(at('X10', 'fx'), 8, { series: 'fx', encoding: 'ascii' });
    expect(new TextDecoder().decode(command.body)).toBe('X*0000100008');
    const bits = bitsFromData(await c.request(framed(command, '3e', 'ascii')), 'ascii', 8);
    expect(Array.from(bits ?? [])).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
  });
});
