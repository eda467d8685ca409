import { parseMcAddress, type McAddress } from '../address.js';
import { encodeNumber } from '../values.js';
import type { McMemory } from './memory.js';

/**
 * "Motion" for the demo: values that move on configured address ranges, driven by a timer.
 * Values are a function of the time since start (ramps, sines) or of the tick count (counters,
 * random bits with a seeded generator), so `tick(ms)` is deterministic in tests.
 */

export type MotionValueType = 'int16' | 'uint16' | 'int32' | 'float32';

interface Run {
  /** First address; `count` values follow, each `type` wide (bit devices: points). */
  readonly address: string;
  readonly count?: number | undefined;
}

export type MotionSpec =
  | (Run & { readonly kind: 'ramp'; readonly type?: MotionValueType; readonly min?: number; readonly max?: number; readonly periodMs?: number })
  | (Run & { readonly kind: 'sine'; readonly type?: MotionValueType; readonly center?: number; readonly amplitude?: number; readonly periodMs?: number })
  | (Run & { readonly kind: 'counter'; readonly type?: MotionValueType; readonly step?: number })
  /** Each tick every point flips with `probability`; on a word device, each of the 16 bits. */
  | (Run & { readonly kind: 'random-bits'; readonly probability?: number });

export interface MotionController {
  start(intervalMs?: number): void;
  stop(): void;
  readonly running: boolean;
  /** Apply one step at `elapsedMs` since start (the timer calls this; tests call it directly). */
  tick(elapsedMs: number): void;
}

type IntType = Exclude<MotionValueType, 'float32'>;
const RANGE: Record<IntType, readonly [number, number]> = {
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x8000_0000, 0x7fff_ffff],
};

export function createMotion(memory: McMemory, specs: readonly MotionSpec[], seed = 1): MotionController {
  // Validate addresses once, at creation: a typo fails the demo's start, not every tick.
  const addresses = specs.map((spec) => parseMcAddress(spec.address, memory.series));
  let random = mulberry32(seed);
  let ticks = 0;
  let timer: NodeJS.Timeout | null = null;
  let startedAt = 0;

  const put = (a: McAddress, index: number, type: MotionValueType, value: number): void => {
    const width = type === 'int32' || type === 'float32' ? 2 : 1;
    // Bit devices take word values as 16 packed points (M0 = bit 0 of the word).
    const head = a.number + index * width * (a.kind === 'bit' ? 16 : 1);
    let words: Uint16Array;
    if (type === 'float32') {
      words = encodeNumber(value, 'float32');
    } else {
      const [lo, hi] = RANGE[type];
      words = encodeNumber(Math.min(hi, Math.max(lo, Math.round(value))), type);
    }
    if (memory.fitsWords(a.info, head, words.length)) memory.writeWordUnits(a.info, head, words);
  };

  const tick = (elapsedMs: number): void => {
    ticks++;
    specs.forEach((spec, s) => {
      const a = addresses[s]!;
      const count = spec.count ?? 1;
      if (spec.kind === 'random-bits') {
        const p = spec.probability ?? 0.1;
        if (a.kind === 'bit' ? !memory.fitsBits(a.info, a.number, count) : !memory.fitsWords(a.info, a.number, count)) return;
        if (a.kind === 'bit') {
          const bits = memory.readBitUnits(a.info, a.number, count);
          for (let i = 0; i < count; i++) if (random() < p) bits[i] = bits[i] ? 0 : 1;
          memory.writeBitUnits(a.info, a.number, bits);
        } else {
          const words = memory.readWordUnits(a.info, a.number, count);
          for (let i = 0; i < count; i++) for (let b = 0; b < 16; b++) if (random() < p) words[i]! ^= 1 << b;
          memory.writeWordUnits(a.info, a.number, words);
        }
        return;
      }
      const type = spec.type ?? 'int16';
      for (let i = 0; i < count; i++) {
        // Each value of a run is shifted in phase so a trend shows distinct lines.
        const phase = count > 1 ? i / count : 0;
        put(a, i, type, valueOf(spec, elapsedMs, phase, ticks));
      }
    });
  };

  return {
    start(intervalMs = 100) {
      if (timer) return;
      startedAt = Date.now();
      random = mulberry32(seed);
      timer = setInterval(() => tick(Date.now() - startedAt), intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    get running() {
      return timer !== null;
    },
    tick,
  };
}

function valueOf(spec: Exclude<MotionSpec, { kind: 'random-bits' }>, t: number, phase: number, ticks: number): number {
  switch (spec.kind) {
    case 'ramp': {
      const min = spec.min ?? 0;
      const max = spec.max ?? 1000;
      const f = (t / (spec.periodMs ?? 10_000) + phase) % 1;
      return min + (max - min) * f;
    }
    case 'sine': {
      const angle = 2 * Math.PI * (t / (spec.periodMs ?? 10_000) + phase);
      return (spec.center ?? 0) + (spec.amplitude ?? 100) * Math.sin(angle);
    }
    case 'counter':
      return wrapCounter(ticks * (spec.step ?? 1), spec.type ?? 'int16');
  }
}

/** Counters wrap like the PLC's own (a uint16 counter goes 65535 -> 0). */
function wrapCounter(value: number, type: MotionValueType): number {
  if (type === 'float32') return value;
  const span = type === 'int32' ? 0x1_0000_0000 : 0x1_0000;
  const [lo] = RANGE[type];
  return (((value - lo) % span) + span) % span + lo;
}

/** Small seeded PRNG: the demo's random bits are reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
