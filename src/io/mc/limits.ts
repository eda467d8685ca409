import type { McSeries } from './devices.js';
import type { Encoding } from './codec/wire.js';
import { MC1E_FX3_LIMITS } from './codec/wire-1e.js';

/**
 * Points one request may carry, per series and encoding (SLMP reference, per-request limits):
 * batch words 960 (FX5 ASCII 480), batch bits 7,168 (FX5 3,584 binary / 1,792 ASCII),
 * random read 192 word+dword points on Q/L, 96 with iQ-R extended device specs, 123 on FX5.
 * Going over makes the module answer C051-C054, so the planner never does.
 */
export interface McLimits {
  readonly words: number;
  readonly bits: number;
  readonly randomPoints: number;
  /** Words of a bit device (16 points each) in one word-unit read, when lower than `words` (1E: 32). */
  readonly bitDeviceWords?: number | undefined;
}

/** Word-unit read limit for a device kind: bit devices may have a lower one (1E). */
export function wordLimit(limits: McLimits, kind: 'word' | 'bit'): number {
  return kind === 'bit' ? Math.min(limits.words, limits.bitDeviceWords ?? limits.words) : limits.words;
}

export function limitsFor(series: McSeries, encoding: Encoding): McLimits {
  switch (series) {
    case 'q':
      return { words: 960, bits: 7168, randomPoints: 192 };
    case 'iqr':
      return { words: 960, bits: 7168, randomPoints: 96 };
    case 'fx':
      return encoding === 'ascii'
        ? { words: 480, bits: 1792, randomPoints: 123 }
        : { words: 960, bits: 3584, randomPoints: 123 };
    case 'fx3':
      // 1E frame, FX3U-ENET-ADP manual 7.4 (MC1E_FX3_LIMITS): no random read over 1E.
      return { words: MC1E_FX3_LIMITS.readWords, bits: MC1E_FX3_LIMITS.readBits, randomPoints: 0, bitDeviceWords: MC1E_FX3_LIMITS.readBitDeviceWords };
  }
}
