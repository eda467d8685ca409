import type { AlarmLevel, DeviceState, GroupState, Quality } from './schemas/status.js';

/**
 * What each state means to an operator, as a tone the CSS colours (--ok, --warn, --bad, --idle).
 * Colour is never the only signal: every tone is shown with its word too.
 */
export type Tone = 'ok' | 'warn' | 'bad' | 'idle' | 'info';

export function groupStateTone(state: GroupState): Tone {
  switch (state) {
    case 'polling':
      return 'ok';
    case 'idle':
      return 'idle';
    case 'backoff':
    case 'restarting':
      return 'warn';
    case 'error':
      return 'bad';
  }
}

export function deviceStateTone(state: DeviceState): Tone {
  switch (state) {
    case 'ONLINE':
      return 'ok';
    case 'ERROR':
      return 'warn';
    case 'OFFLINE':
      return 'bad';
    case 'UNKNOWN':
      return 'idle';
  }
}

/** A reading's colour class: the alarm level, or "bad" when the value itself is not good. */
export type ReadingClass = 'normal' | 'warning' | 'critical' | 'bad-quality';

export function readingClass(level: AlarmLevel | null, quality: Quality): ReadingClass {
  if (quality !== 'good') return 'bad-quality';
  return level ?? 'normal';
}

export const QUALITY_TEXT: Record<Quality, string> = {
  good: 'good',
  bad_comm: 'no communication',
  bad_device: 'device error',
  bad_config: 'configuration error',
};

/** Buffer fill thresholds: yellow from 70 %, red from 90 % (the numbers). */
export const BUFFER_WARN = 0.7;
export const BUFFER_CRIT = 0.9;

export type FillLevel = 'ok' | 'warn' | 'crit';

export function bufferFill(size: number, capacity: number): number {
  if (!(capacity > 0)) return 0;
  return Math.min(1, Math.max(0, size / capacity));
}

export function fillLevel(fill: number): FillLevel {
  if (fill >= BUFFER_CRIT) return 'crit';
  if (fill >= BUFFER_WARN) return 'warn';
  return 'ok';
}

/** Delivery health as a tone: a sink that is down means rows go to the spool. */
export function healthTone(health: 'ok' | 'degraded' | 'down' | 'unknown'): Tone {
  switch (health) {
    case 'ok':
      return 'ok';
    case 'degraded':
      return 'warn';
    case 'down':
      return 'bad';
    case 'unknown':
      return 'idle';
  }
}
