import { describe, expect, it } from 'vitest';
import { autoDecimals, displayUnit, formatAge, formatBytes, formatClock, formatCount, formatDuration, formatInterval, formatNumber, formatPercent, formatRate, formatValue } from './format.js';

const L = 'en-US';

describe('formatNumber', () => {
  it('picks decimals from the magnitude so a value shows its change without noise', () => {
    expect(autoDecimals(1234.5)).toBe(0);
    expect(autoDecimals(123.45)).toBe(1);
    expect(autoDecimals(12.345)).toBe(2);
    expect(autoDecimals(0.1234)).toBe(3);
    expect(autoDecimals(42)).toBe(0);
  });
  it('groups thousands and keeps a fixed number of decimals', () => {
    expect(formatNumber(1234567, undefined, L)).toBe('1,234,567');
    expect(formatNumber(82.5, undefined, L)).toBe('82.50');
    expect(formatNumber(0.8881, undefined, L)).toBe('0.888');
    expect(formatNumber(-40571, undefined, L)).toBe('-40,571');
  });
  it('shows a dash for no value and an infinity sign for infinities', () => {
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('∞');
  });
  it('counts without decimals', () => {
    expect(formatCount(1234.7, L)).toBe('1,235');
  });
});

describe('formatValue', () => {
  it('adds the unit with a space, and writes degrees for C', () => {
    expect(formatValue(82.5, 'C', 'int16', L)).toBe('82.50 °C');
    expect(formatValue(35.2, 'm3/h', 'float32', L)).toBe('35.20 m3/h');
    expect(formatValue(12, '%', 'uint16', L)).toBe('12 %');
    expect(displayUnit('bar')).toBe('bar');
  });
  it('shows bits as ON / OFF, text as is, a missing value as a dash', () => {
    expect(formatValue(1, null, 'bit')).toBe('ON');
    expect(formatValue(0, null, 'bit')).toBe('OFF');
    expect(formatValue('RECIPE-7', null, 'string')).toBe('RECIPE-7');
    expect(formatValue(null, 'C', 'int16')).toBe('—');
  });
});

describe('durations and intervals', () => {
  it('formats poll durations from sub-millisecond to hours', () => {
    expect(formatDuration(0.732, L)).toBe('0.73 ms');
    expect(formatDuration(12.34, L)).toBe('12.3 ms');
    expect(formatDuration(250, L)).toBe('250 ms');
    expect(formatDuration(1250, L)).toBe('1.25 s');
    expect(formatDuration(125_000, L)).toBe('2 min 05 s');
    expect(formatDuration(3 * 3_600_000 + 4 * 60_000, L)).toBe('3 h 04 min');
    expect(formatDuration(null)).toBe('—');
  });
  it('formats intervals the way they are configured', () => {
    expect(formatInterval(200, L)).toBe('200 ms');
    expect(formatInterval(1000, L)).toBe('1 s');
    expect(formatInterval(1500, L)).toBe('1.5 s');
    expect(formatInterval(300_000, L)).toBe('5 min');
    expect(formatInterval(3_600_000, L)).toBe('1 h');
  });
});

describe('formatAge', () => {
  const now = 1_700_000_000_000;
  it('is precise for fresh times and coarse for old ones', () => {
    expect(formatAge(now - 400, now, L)).toBe('0.4 s ago');
    expect(formatAge(now - 12_500, now, L)).toBe('12 s ago');
    expect(formatAge(now - 5 * 60_000, now, L)).toBe('5 min ago');
    expect(formatAge(now - 3 * 3_600_000, now, L)).toBe('3 h ago');
    expect(formatAge(now - 2 * 86_400_000, now, L)).toBe('2 d ago');
  });
  it('treats a time up to 2 s ahead (our clock ticks once a second) as now, and more as "just now"', () => {
    expect(formatAge(now + 800, now, L)).toBe('0.0 s ago');
    expect(formatAge(now + 60_000, now, L)).toBe('just now');
    expect(formatAge(null, now)).toBe('—');
  });
});

describe('formatPercent', () => {
  it('never rounds a rate with errors up to 100 %', () => {
    expect(formatPercent(1, L)).toBe('100.0 %');
    expect(formatPercent(0.99995, L)).toBe('99.9 %');
    expect(formatPercent(0.5, L)).toBe('50.0 %');
    expect(formatPercent(null)).toBe('—');
  });
});

describe('rates, bytes, clock', () => {
  it('formats rates and sizes with units', () => {
    expect(formatRate(1234.4, 'rows', L)).toBe('1,234 rows/s');
    expect(formatRate(2.5, 'rows', L)).toBe('2.5 rows/s');
    expect(formatBytes(512, L)).toBe('512 B');
    expect(formatBytes(1536, L)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024, L)).toBe('5.0 MB');
  });
  it('shows local 24-hour time, with milliseconds when asked', () => {
    const d = new Date(2024, 4, 1, 14, 3, 7, 45);
    expect(formatClock(d.getTime())).toBe('14:03:07');
    expect(formatClock(d.getTime(), true)).toBe('14:03:07.045');
    expect(formatClock('not a time')).toBe('—');
  });
});

describe('formatValue with a tag (issue 14: per-tag decimals, no float noise)', () => {
  it('takes the decimals from the tag: its own, else its scale, else the magnitude', () => {
    expect(formatValue(861 * 0.1, null, { type: 'int16', scale: 0.1 }, L)).toBe('86.1');
    expect(formatValue(861 * 0.01, 'bar', { type: 'int16', scale: 0.01 }, L)).toBe('8.61 bar');
    expect(formatValue(12, null, { type: 'uint16' }, L)).toBe('12');
    expect(formatValue(12.345, null, { type: 'float32', decimals: 1 }, L)).toBe('12.3');
    expect(formatValue(86.10000000000001, null, { type: 'float64' }, L)).toBe('86.10');
    expect(formatValue(1, null, { type: 'bit' }, L)).toBe('ON');
  });
});
