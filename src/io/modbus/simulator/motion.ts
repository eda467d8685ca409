import { wordsOf } from '../../types.js';
import { formatModbusAddress, isRegisterTable, parseModbusAddress } from '../address.js';
import type { Layout } from '../encode.js';
import { resolveModbusBit } from '../tag-check.js';
import type { ModbusMemory, NumericType } from './memory.js';

/**
 * "Motion" mode: values that move, so the demo panel shows living trends. Each signal covers
 * `count` consecutive values of one type from `address` (each a little out of phase with the
 * next). Values are a pure function of time and tick number, so `tick()` is testable without
 * timers; only the random bits use a seeded generator, which is deterministic too.
 */

interface RangeSignal {
  readonly address: string;
  readonly type: NumericType;
  readonly count?: number;
  readonly min: number;
  readonly max: number;
}

export type MotionSignal =
  /** Rises from min to max over periodMs, then starts again at min. */
  | (RangeSignal & { readonly kind: 'ramp'; readonly periodMs: number })
  /** Swings between min and max with period periodMs. */
  | (RangeSignal & { readonly kind: 'sine'; readonly periodMs: number })
  /** Adds `step` (default 1) every tick, wrapping from max back to min. */
  | (RangeSignal & { readonly kind: 'counter'; readonly step?: number })
  /** Each of `count` bits (coils, discrete inputs, or bits of registers from HRn.0) flips with `probability` per tick. */
  | { readonly kind: 'random-bits'; readonly address: string; readonly count: number; readonly probability?: number }
  /**
   * The PLC side of the handshake: raise the trigger bit (`address`) every `everyTicks` ticks;
   * once the collector sets `ack`, clear both, as a PLC program does when it sees the acknowledge.
   */
  | { readonly kind: 'handshake'; readonly address: string; readonly ack: string; readonly everyTicks: number };

export interface MotionConfig {
  readonly signals: readonly MotionSignal[];
  /** Update period (default 100 ms). */
  readonly tickMs?: number;
  /** Seed of the random bits (default 1). */
  readonly seed?: number;
  /** Layout of multi-register values (default: high word first, big-endian). */
  readonly layout?: Layout;
}

/** mulberry32: small, fast, seedable; good enough for blinking lamps. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type ValueSignal = Exclude<MotionSignal, { kind: 'random-bits' } | { kind: 'handshake' }>;

function shape(signal: ValueSignal, tMs: number, tick: number, i: number, n: number): number {
  const span = signal.max - signal.min;
  switch (signal.kind) {
    case 'ramp': {
      const phase = ((tMs / signal.periodMs + i / n) % 1 + 1) % 1;
      return signal.min + span * phase;
    }
    case 'sine':
      return signal.min + (span / 2) * (1 + Math.sin(2 * Math.PI * (tMs / signal.periodMs + i / n)));
    case 'counter': {
      const range = Math.floor(span) + 1;
      return signal.min + ((((tick + i) * (signal.step ?? 1)) % range) + range) % range;
    }
  }
}

/** Write every signal's values for time `tMs` (the `tick`-th update) into memory. */
export function applyMotion(memory: ModbusMemory, config: MotionConfig, tMs: number, tick: number, random: () => number): void {
  for (const signal of config.signals) {
    const start = parseModbusAddress(signal.address);
    if (signal.kind === 'random-bits') {
      const p = signal.probability ?? 0.1;
      for (let i = 0; i < signal.count; i++) {
        if (random() >= p) continue;
        const bitIndex = (start.bit ?? 0) + i;
        const at = isRegisterTable(start.table)
          ? { table: start.table, offset: start.offset + (bitIndex >> 4), bit: bitIndex & 15 }
          : { table: start.table, offset: start.offset + i, bit: null };
        memory.setBit(at, !memory.getBit(at));
      }
      continue;
    }
    if (signal.kind === 'handshake') {
      const ack = parseModbusAddress(signal.ack);
      if (memory.getBit(ack)) {
        memory.setBit(start, false);
        memory.setBit(ack, false);
      } else if (tick % signal.everyTicks === 0) {
        memory.setBit(start, true);
      }
      continue;
    }
    const n = signal.count ?? 1;
    const step = wordsOf(signal.type);
    for (let i = 0; i < n; i++) {
      let value = shape(signal, tMs, tick, i, n);
      if (signal.type !== 'float32' && signal.type !== 'float64') value = Math.round(value);
      const address = formatModbusAddress({ table: start.table, offset: start.offset + i * step, bit: start.bit });
      memory.set(address, signal.type, value, config.layout);
    }
  }
}

function checkMotion(config: MotionConfig): void {
  if (config.tickMs !== undefined && !(config.tickMs >= 10)) throw new RangeError(`motion tickMs must be >= 10, got ${config.tickMs}`);
  for (const signal of config.signals) {
    const where = `motion ${signal.kind} at ${signal.address}`;
    parseModbusAddress(signal.address); // throws AddressError now, not in a timer later
    switch (signal.kind) {
      case 'random-bits':
        break;
      case 'handshake':
        resolveModbusBit(signal.address, 0);
        resolveModbusBit(signal.ack, 0);
        if (!(Number.isInteger(signal.everyTicks) && signal.everyTicks > 0)) throw new RangeError(`${where}: everyTicks must be a whole number > 0`);
        break;
      default:
        if (signal.type === 'bcd16' && (signal.min < 0 || signal.max > 9999)) throw new RangeError(`${where}: bcd16 holds 0..9999`);
        if (signal.kind !== 'counter' && !(signal.periodMs > 0)) throw new RangeError(`${where}: periodMs must be > 0`);
        if (!(signal.max >= signal.min)) throw new RangeError(`${where}: max must be >= min`);
    }
  }
}

export interface MotionController {
  /** Start moving (with a new config, or the last one). */
  start(config?: MotionConfig): void;
  stop(): void;
  readonly running: boolean;
  /** One update at time `tMs`, without timers (tests). */
  tick(tMs: number): void;
}

export function createMotion(memory: ModbusMemory, initial?: MotionConfig): MotionController {
  let config: MotionConfig | undefined = initial;
  let timer: NodeJS.Timeout | null = null;
  let ticks = 0;
  let random = seededRandom(initial?.seed ?? 1);
  const controller: MotionController = {
    start(next) {
      const candidate = next ?? config;
      if (!candidate) throw new Error('motion needs a config: start({ signals: [...] })');
      checkMotion(candidate);
      controller.stop();
      if (next) {
        config = next;
        random = seededRandom(next.seed ?? 1);
      }
      controller.tick(Date.now());
      timer = setInterval(() => {
        try {
          controller.tick(Date.now());
        } catch {
          // checkMotion rules out what we know can throw; anything else stops the motion, not the process.
          controller.stop();
        }
      }, candidate.tickMs ?? 100);
      // The server keeps the process alive; motion alone must not.
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    get running() {
      return timer !== null;
    },
    tick(tMs) {
      if (!config) return;
      applyMotion(memory, config, tMs, ticks++, random);
    },
  };
  return controller;
}
