import { describe, expect, it } from 'vitest';
import { BUFFER_CRIT, BUFFER_WARN, bufferFill, deviceStateTone, fillLevel, groupStateTone, healthTone, readingClass } from './levels.js';

describe('alarm colours', () => {
  it('colours a good reading by its level', () => {
    expect(readingClass('normal', 'good')).toBe('normal');
    expect(readingClass('warning', 'good')).toBe('warning');
    expect(readingClass('critical', 'good')).toBe('critical');
    // No thresholds or a non-numeric value: no level, shown as normal.
    expect(readingClass(null, 'good')).toBe('normal');
  });
  it('greys a value that is not good, whatever level it had', () => {
    expect(readingClass('critical', 'bad_comm')).toBe('bad-quality');
    expect(readingClass(null, 'bad_device')).toBe('bad-quality');
    expect(readingClass('normal', 'bad_config')).toBe('bad-quality');
  });
});

describe('state tones', () => {
  it('gives each group state a tone', () => {
    expect(groupStateTone('polling')).toBe('ok');
    expect(groupStateTone('idle')).toBe('idle');
    expect(groupStateTone('backoff')).toBe('warn');
    expect(groupStateTone('restarting')).toBe('warn');
    expect(groupStateTone('error')).toBe('bad');
  });
  it('gives each device state and sink health a tone', () => {
    expect(deviceStateTone('ONLINE')).toBe('ok');
    expect(deviceStateTone('ERROR')).toBe('warn');
    expect(deviceStateTone('OFFLINE')).toBe('bad');
    expect(deviceStateTone('UNKNOWN')).toBe('idle');
    expect(healthTone('down')).toBe('bad');
    expect(healthTone('degraded')).toBe('warn');
  });
});

describe('buffer thresholds', () => {
  it('turns yellow at 70 % and red at 90 %, exactly', () => {
    expect(BUFFER_WARN).toBe(0.7);
    expect(BUFFER_CRIT).toBe(0.9);
    expect(fillLevel(bufferFill(6_999, 10_000))).toBe('ok');
    expect(fillLevel(bufferFill(7_000, 10_000))).toBe('warn');
    expect(fillLevel(bufferFill(8_999, 10_000))).toBe('warn');
    expect(fillLevel(bufferFill(9_000, 10_000))).toBe('crit');
    expect(fillLevel(bufferFill(10_000, 10_000))).toBe('crit');
  });
  it('clamps the fill and survives a zero capacity', () => {
    expect(bufferFill(12_000, 10_000)).toBe(1);
    expect(bufferFill(-1, 10_000)).toBe(0);
    expect(bufferFill(5, 0)).toBe(0);
  });
});
