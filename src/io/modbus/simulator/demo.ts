import type { MotionConfig } from './motion.js';

/**
 * Motion for the demo Modbus device. Zero-based addresses; every multi-register value is high
 * word first (the Modbus default), so demo tags need no wordOrder.
 *
 *   HR0..HR19    10 float32  sine 20..80 (temperatures), period 60 s, phases spread
 *   HR20..HR29   10 uint16   ramp 0..1000 over 30 s
 *   HR30..HR39   10 uint16   counter 0..9999, +1 per tick
 *   HR40..HR49    5 int32    counter -50000..50000, +7 per tick
 *   HR50..HR53    1 float64  sine 0..1 (a ratio), period 20 s
 *   HR60..HR69   10 bcd16    counter 0..9999, +1 per tick
 *   IR0..IR19    10 float32  sine 0..10 (pressures, bar), period 15 s
 *   C0..C31      32 coils    random, 5 % flip per tick
 *   DI0..DI31    32 inputs   random, 2 % flip per tick
 *   C100 / C101  handshake trigger / ack: the trigger rises every 50 ticks (5 s at 100 ms)
 */
export const DEMO_MOTION: MotionConfig = {
  tickMs: 100,
  seed: 2024,
  signals: [
    { kind: 'sine', address: 'HR0', type: 'float32', count: 10, min: 20, max: 80, periodMs: 60_000 },
    { kind: 'ramp', address: 'HR20', type: 'uint16', count: 10, min: 0, max: 1000, periodMs: 30_000 },
    { kind: 'counter', address: 'HR30', type: 'uint16', count: 10, min: 0, max: 9999 },
    { kind: 'counter', address: 'HR40', type: 'int32', count: 5, min: -50_000, max: 50_000, step: 7 },
    { kind: 'sine', address: 'HR50', type: 'float64', min: 0, max: 1, periodMs: 20_000 },
    { kind: 'counter', address: 'HR60', type: 'bcd16', count: 10, min: 0, max: 9999 },
    { kind: 'sine', address: 'IR0', type: 'float32', count: 10, min: 0, max: 10, periodMs: 15_000 },
    { kind: 'random-bits', address: 'C0', count: 32, probability: 0.05 },
    { kind: 'random-bits', address: 'DI0', count: 32, probability: 0.02 },
    { kind: 'handshake', address: 'C100', ack: 'C101', everyTicks: 50 },
  ],
};
