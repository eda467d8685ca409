import { describe, expect, it } from 'vitest';
import { limitsFor } from '../../../src/io/mc/limits.js';
import { handleRequest, SimEndCode } from '../../../src/io/mc/simulator/handler.js';
import { McMemory } from '../../../src/io/mc/simulator/memory.js';
import { createMotion } from '../../../src/io/mc/simulator/motion.js';
import { ascii, hex, le, toHex } from './frame-builder.js';
import { simulator, until } from './helpers.js';

const q = (memory = new McMemory('q')) => ({ memory, series: 'q' as const, encoding: 'binary' as const, limits: limitsFor('q', 'binary') });

describe('simulated module: command handling', () => {
  it('answers C056 beyond the last device number, C052/C051 above the point limits', () => {
    // D12287 x 2 words: D has 12,288 words.
    expect(handleRequest({ command: 0x0401, subcommand: 0, body: hex(`${le(12287, 3)}a8 0200`) }, q()).endCode).toBe(SimEndCode.ADDRESS_OUT_OF_RANGE);
    expect(handleRequest({ command: 0x0401, subcommand: 0, body: hex(`${le(0, 3)}a8 ${le(961, 2)}`) }, q()).endCode).toBe(0xc052);
    expect(handleRequest({ command: 0x0401, subcommand: 1, body: hex(`${le(0, 3)}90 ${le(7169, 2)}`) }, q()).endCode).toBe(0xc051);
    expect(handleRequest({ command: 0x0403, subcommand: 0, body: hex(`c1 00 ${`${le(0, 3)}a8`.repeat(193)}`) }, q()).endCode).toBe(0xc054);
  });

  it('answers C059 to unknown commands and to iQ-R subcommands on a Q module', () => {
    expect(handleRequest({ command: 0x0619, subcommand: 0, body: new Uint8Array(0) }, q()).endCode).toBe(SimEndCode.UNSUPPORTED_COMMAND);
    expect(handleRequest({ command: 0x0401, subcommand: 2, body: hex(`${le(0, 4)}a800 0100`) }, q()).endCode).toBe(SimEndCode.UNSUPPORTED_COMMAND);
  });

  it('answers C061 when the body is shorter or longer than the command needs', () => {
    expect(handleRequest({ command: 0x0401, subcommand: 0, body: hex(`${le(0, 3)}a8`) }, q()).endCode).toBe(SimEndCode.LENGTH_MISMATCH);
    expect(handleRequest({ command: 0x0401, subcommand: 0, body: hex(`${le(0, 3)}a8 0100 00`) }, q()).endCode).toBe(SimEndCode.LENGTH_MISMATCH);
    // A write announcing 3 words but carrying 2.
    expect(handleRequest({ command: 0x1401, subcommand: 0, body: hex(`${le(0, 3)}a8 0300 0100 0200`) }, q()).endCode).toBe(SimEndCode.LENGTH_MISMATCH);
  });

  it('answers C05C to bit units on a word device and to unknown device codes', () => {
    expect(handleRequest({ command: 0x0401, subcommand: 1, body: hex(`${le(0, 3)}a8 0100`) }, q()).endCode).toBe(SimEndCode.WRONG_REQUEST_CONTENT);
    expect(handleRequest({ command: 0x0401, subcommand: 0, body: hex(`${le(0, 3)}77 0100`) }, q()).endCode).toBe(SimEndCode.WRONG_REQUEST_CONTENT);
  });

  it('packs bit devices 16 points per word for word units, and 2 points per byte for bit units', () => {
    const memory = new McMemory('q');
    memory.setBit('M1', true);
    memory.setBit('M16', true);
    const words = handleRequest({ command: 0x0401, subcommand: 0, body: hex(`${le(0, 3)}90 0200`) }, q(memory));
    expect(toHex(words.data!)).toBe('02000100');
    const bits = handleRequest({ command: 0x0401, subcommand: 1, body: hex(`${le(0, 3)}90 0300`) }, q(memory));
    expect(toHex(bits.data!)).toBe('0100');
  });

  it('reads ASCII requests with decimal and hex device numbers', () => {
    const memory = new McMemory('q');
    memory.setWord('W1A', 0xabcd);
    memory.setWord('D26', 0x1234);
    const ctx = { ...q(memory), encoding: 'ascii' as const, limits: limitsFor('q', 'ascii') };
    expect(new TextDecoder().decode(handleRequest({ command: 0x0401, subcommand: 0, body: ascii('W*00001A0001') }, ctx).data)).toBe('ABCD');
    expect(new TextDecoder().decode(handleRequest({ command: 0x0401, subcommand: 0, body: ascii('D*0000260001') }, ctx).data)).toBe('1234');
    expect(handleRequest({ command: 0x0401, subcommand: 0, body: ascii('D*00001A0001') }, ctx).endCode).toBe(SimEndCode.WRONG_REQUEST_CONTENT);
  });
});

describe('simulated memory test API', () => {
  it('sets and reads typed values, strings and bits of words', () => {
    const m = new McMemory('q');
    m.setFloat32('D10', 1.5);
    expect(Array.from(m.getWords('D10', 2))).toEqual([0x0000, 0x3fc0]);
    m.setInt32('D20', 0x12345678, 'high');
    expect(Array.from(m.getWords('D20', 2))).toEqual([0x1234, 0x5678]);
    m.setString('D30', 'OK', 2);
    expect(m.getString('D30', 2)).toBe('OK');
    m.setBit('D40.F', true);
    expect(m.getWord('D40')).toBe(0x8000);
    expect(m.getBit('D40.F')).toBe(true);
    m.setWord('M16', 0x0003);
    expect([m.getBit('M16'), m.getBit('M17'), m.getBit('M18')]).toEqual([true, true, false]);
  });

  it('refuses addresses beyond the simulated device size', () => {
    const m = new McMemory('q', { D: 100 });
    expect(() => m.setWord('D100', 1)).toThrow(RangeError);
    expect(() => m.setWords('D99', [1, 2])).toThrow(/beyond/);
  });
});

describe('motion', () => {
  it('ramps, sines, counts and flips bits deterministically per tick', () => {
    const m = new McMemory('q');
    const motion = createMotion(m, [
      { kind: 'ramp', address: 'D0', min: 0, max: 1000, periodMs: 1000 },
      { kind: 'sine', address: 'D10', type: 'float32', center: 50, amplitude: 10, periodMs: 1000 },
      { kind: 'counter', address: 'D20', type: 'uint16', step: 30000 },
      { kind: 'random-bits', address: 'M0', count: 64, probability: 0.5 },
    ]);
    motion.tick(250);
    expect(m.getWord('D0')).toBe(250);
    expect(m.getValue('D10', 'float32')).toBeCloseTo(60, 4);
    expect(m.getWord('D20')).toBe(30000);
    motion.tick(500);
    expect(m.getWord('D0')).toBe(500);
    expect(m.getWord('D20')).toBe(60000);
    motion.tick(750);
    expect(m.getWord('D20')).toBe(90000 - 65536); // a uint16 counter wraps like the PLC's
    const bits = Array.from(m.getWords('M0', 4));
    expect(bits.some((w) => w !== 0)).toBe(true);
  });

  it('moves values on a timer when started, and stops', async () => {
    const sim = await simulator({ motion: [{ kind: 'counter', address: 'D0' }], motionIntervalMs: 10 });
    expect(sim.motion.running).toBe(true);
    await until(() => sim.memory.getWord('D0') >= 3);
    sim.motion.stop();
    const stopped = sim.memory.getWord('D0');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sim.memory.getWord('D0')).toBe(stopped);
  });

  it('rejects a motion address it cannot parse at creation', () => {
    expect(() => createMotion(new McMemory('q'), [{ kind: 'ramp', address: 'Q9' }])).toThrow(/unknown device/);
  });
});
