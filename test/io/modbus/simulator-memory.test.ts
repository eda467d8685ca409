import { describe, expect, it } from 'vitest';
import { ModbusFaults } from '../../../src/io/modbus/simulator/faults.js';
import { ModbusMemory } from '../../../src/io/modbus/simulator/memory.js';
import { DEMO_MOTION } from '../../../src/io/modbus/simulator/demo.js';
import { applyMotion, createMotion, seededRandom, type MotionConfig } from '../../../src/io/modbus/simulator/motion.js';

describe('simulator memory helpers', () => {
  it('stores typed values as the registers a device would hold', () => {
    const memory = new ModbusMemory();
    memory.set('HR10', 'float32', 1.5);
    expect([...memory.holding.subarray(10, 12)]).toEqual([0x3fc0, 0x0000]);
    memory.set('HR20', 'int32', 0x12345678, { wordOrder: 'low' });
    expect([...memory.holding.subarray(20, 22)]).toEqual([0x5678, 0x1234]);
    expect(memory.get('HR20', 'int32', { wordOrder: 'low' })).toBe(0x12345678);
    memory.set('IR0', 'int16', -1);
    expect(memory.input[0]).toBe(0xffff);
  });

  it('sets coils, discrete inputs and register bits without touching the other bits', () => {
    const memory = new ModbusMemory();
    memory.holding[5] = 0x0100;
    memory.set('HR5.0', 'bit', 1);
    memory.set('C3', 'bit', 1);
    memory.set('DI4', 'bit', 1);
    expect(memory.holding[5]).toBe(0x0101);
    expect(memory.bit('C3')).toBe(true);
    expect(memory.bit('DI4')).toBe(true);
    expect(memory.bit('HR5.8')).toBe(true);
    expect(memory.bit('HR5.1')).toBe(false);
  });

  it('stores strings NUL-padded and reads them back', () => {
    const memory = new ModbusMemory();
    memory.setString('HR30', 'PUMP-1', 5);
    expect([...memory.holding.subarray(30, 35)]).toEqual([0x5055, 0x4d50, 0x2d31, 0, 0]);
    expect(memory.getString('HR30', 5)).toBe('PUMP-1');
    expect(() => memory.setString('C1', 'x', 1)).toThrow(/not a register/);
  });
});

describe('fault switches', () => {
  it('counts down late replies and keeps the latency for every reply', () => {
    const faults = new ModbusFaults();
    faults.set({ latencyMs: 5, lateReplies: 2, lateReplyMs: 100 });
    expect([faults.takeDelay(), faults.takeDelay(), faults.takeDelay()]).toEqual([105, 105, 5]);
    faults.reset();
    expect(faults.takeDelay()).toBe(0);
  });

  it('rejects a negative or fractional setting', () => {
    expect(() => new ModbusFaults().set({ latencyMs: -1 })).toThrow(RangeError);
    expect(() => new ModbusFaults().set({ splitBytes: 1.5 })).toThrow(RangeError);
  });
});

describe('motion', () => {
  const config: MotionConfig = {
    signals: [
      { kind: 'ramp', address: 'HR0', type: 'uint16', min: 0, max: 1000, periodMs: 10_000 },
      { kind: 'sine', address: 'HR10', type: 'float32', min: -1, max: 1, periodMs: 4_000, count: 2 },
      { kind: 'counter', address: 'IR0', type: 'uint16', min: 0, max: 9, step: 3 },
      { kind: 'random-bits', address: 'C0', count: 64, probability: 0.5 },
    ],
  };

  it('moves ramps, sines and counters as pure functions of time and tick', () => {
    const memory = new ModbusMemory();
    applyMotion(memory, config, 2_500, 4, seededRandom(1));
    expect(memory.get('HR0', 'uint16')).toBe(250);
    // min -1, max 1: the sine itself; the second value is half a period behind the first.
    expect(memory.get('HR10', 'float32')).toBeCloseTo(Math.sin(2 * Math.PI * (2_500 / 4_000)), 5);
    expect(memory.get('HR12', 'float32')).toBeCloseTo(Math.sin(2 * Math.PI * (2_500 / 4_000 + 0.5)), 5);
    expect(memory.get('IR0', 'uint16')).toBe((4 * 3) % 10);
  });

  it('flips random bits the same way for the same seed', () => {
    const a = new ModbusMemory();
    const b = new ModbusMemory();
    applyMotion(a, config, 0, 0, seededRandom(42));
    applyMotion(b, config, 0, 0, seededRandom(42));
    expect([...a.coils.subarray(0, 64)]).toEqual([...b.coils.subarray(0, 64)]);
    const set = a.coils.subarray(0, 64).reduce((n, v) => n + v, 0);
    expect(set).toBeGreaterThan(10);
    expect(set).toBeLessThan(54);
  });

  it('plays the PLC side of the handshake: trigger every N ticks, both bits cleared after the ack', () => {
    const memory = new ModbusMemory();
    const hs: MotionConfig = { signals: [{ kind: 'handshake', address: 'C100', ack: 'HR5.0', everyTicks: 3 }] };
    const random = seededRandom(1);
    applyMotion(memory, hs, 0, 1, random);
    expect(memory.bit('C100')).toBe(false);
    applyMotion(memory, hs, 0, 3, random);
    expect(memory.bit('C100')).toBe(true);
    memory.set('HR5.0', 'bit', 1); // the collector acknowledges
    applyMotion(memory, hs, 0, 4, random);
    expect([memory.bit('C100'), memory.bit('HR5.0')]).toEqual([false, false]);
    applyMotion(memory, hs, 0, 6, random);
    expect(memory.bit('C100')).toBe(true);
  });

  it('runs the demo motion without error, moving every listed range', () => {
    const memory = new ModbusMemory();
    const random = seededRandom(DEMO_MOTION.seed ?? 1);
    applyMotion(memory, DEMO_MOTION, 12_345, 0, random);
    const before = [memory.get('HR0', 'float32'), memory.get('HR20', 'uint16'), memory.get('HR30', 'uint16'), memory.get('IR0', 'float32')];
    applyMotion(memory, DEMO_MOTION, 13_345, 1, random);
    const after = [memory.get('HR0', 'float32'), memory.get('HR20', 'uint16'), memory.get('HR30', 'uint16'), memory.get('IR0', 'float32')];
    after.forEach((value, i) => expect(value).not.toBe(before[i]));
    expect(memory.get('HR0', 'float32')).toBeGreaterThanOrEqual(20);
    expect(memory.get('HR0', 'float32')).toBeLessThanOrEqual(80);
    expect(memory.get('HR60', 'bcd16')).toBe(1);
  });

  it('starts and stops, and refuses a bad config at start rather than in a timer', () => {
    const motion = createMotion(new ModbusMemory());
    expect(() => motion.start()).toThrow(/needs a config/);
    expect(() => motion.start({ signals: [{ kind: 'ramp', address: 'HR0', type: 'int16', min: 0, max: 1, periodMs: 0 }] })).toThrow(/periodMs/);
    expect(() => motion.start({ signals: [{ kind: 'counter', address: 'X0', type: 'int16', min: 0, max: 1 }] })).toThrow(/bad address/);
    expect(() => motion.start({ signals: [{ kind: 'handshake', address: 'HR1', ack: 'C1', everyTicks: 1 }] })).toThrow(/name one bit/);
    expect(motion.running).toBe(false);
    motion.start(config);
    expect(motion.running).toBe(true);
    motion.stop();
    expect(motion.running).toBe(false);
  });
});
