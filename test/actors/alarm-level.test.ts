import { describe, expect, it } from 'vitest';
import { alarmLevel } from '../../src/actors/latest.js';
import { tagDecimals } from '../../src/io/config/decimals.js';
import { parsePlantYaml } from '../../src/io/config/yaml-file.js';

/**
 * Thresholds are inclusive (>= warn is WARNING) and compare the value as the panel shows it,
 * with the tag's decimals (issue 14: 240.0 on the screen with `warn: 240` showed NORMAL).
 */
describe('alarm level against the thresholds', () => {
  it('a value shown as the threshold is at the threshold: warning', () => {
    // float32 239.99998 is shown as "240.0" (magnitude >= 100: one decimal).
    expect(alarmLevel({ type: 'float32', warn: 240 }, 239.99998474121094)).toBe('warning');
    // int16 x 0.1: raw 2399 is 239.9 on the screen: normal; raw 2400 is 240.0: warning.
    expect(alarmLevel({ type: 'int16', scale: 0.1, warn: 240 }, 2399 * 0.1)).toBe('normal');
    expect(alarmLevel({ type: 'int16', scale: 0.1, warn: 240 }, 2400 * 0.1)).toBe('warning');
    // decimals: 0 shows 239.6 as "240".
    expect(alarmLevel({ type: 'float32', decimals: 0, warn: 240 }, 239.6)).toBe('warning');
    expect(alarmLevel({ type: 'float32', decimals: 2, warn: 240 }, 239.996)).toBe('warning');
    expect(alarmLevel({ type: 'float32', decimals: 3, warn: 240 }, 239.996)).toBe('normal');
  });

  it('critical wins over warning, both inclusive', () => {
    expect(alarmLevel({ type: 'int16', warn: 80, crit: 95 }, 95)).toBe('critical');
    expect(alarmLevel({ type: 'int16', warn: 80, crit: 95 }, 80)).toBe('warning');
    expect(alarmLevel({ type: 'int16', warn: 80, crit: 95 }, 79)).toBe('normal');
  });
});

describe('tag decimals', () => {
  it('default from the type and the scale; a tag may set its own (0-6) in the plant file', () => {
    expect(tagDecimals({ type: 'int16' })).toBe(0);
    expect(tagDecimals({ type: 'int16', scale: 0.1 })).toBe(1);
    expect(tagDecimals({ type: 'uint16', scale: 0.05 })).toBe(2);
    expect(tagDecimals({ type: 'int32', scale: 0.001, offset: -40 })).toBe(3);
    expect(tagDecimals({ type: 'float32' })).toBeNull();
    expect(tagDecimals({ type: 'float32', decimals: 2 })).toBe(2);
    const plant = parsePlantYaml('devices: [{ name: p, protocol: sim, port: 1 }]\ngroups: [{ name: g, device: p, tags: [{ name: t, address: D1, type: float32, decimals: 2 }] }]\n', 'p.yaml');
    expect(plant.groups[0]!.tags[0]!.decimals).toBe(2);
    expect(() => parsePlantYaml('devices: [{ name: p, protocol: sim, port: 1 }]\ngroups: [{ name: g, device: p, tags: [{ name: t, address: D1, decimals: 9 }] }]\n', 'p.yaml')).toThrow(/decimals/);
  });
});
