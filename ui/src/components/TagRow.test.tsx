import { render } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import type { LatestReading } from '../lib/schemas/status.js';
import type { TagInfo } from '../lib/stores/catalog.js';
import { TagRow } from './TagRow.js';

function info(over: Partial<TagInfo>): TagInfo {
  return { name: 't', group: 'g', device: 'd', type: 'int16', unit: null, warn: null, crit: null, description: null, decimals: null, scale: null, offset: null, ...over };
}

function reading(value: number, over: Partial<LatestReading> = {}): LatestReading {
  return { device: 'd', group: 'g', tag: 't', value, unit: null, level: 'normal', quality: 'good', timestamp: '2024-05-01T08:00:00.000Z', ...over } as LatestReading;
}

function shown(value: number, tag: TagInfo, over: Partial<LatestReading> = {}): string {
  const r = render(() => (
    <table>
      <tbody>
        <TagRow reading={reading(value, over)} info={tag} />
      </tbody>
    </table>
  ));
  const text = r.getByTestId('value').textContent ?? '';
  r.unmount();
  return text;
}

describe('TagRow value formatting (issue 14: 86.10000000000001, per-tag decimals)', () => {
  it('an int16 with scale 0.1 shows one decimal, never the float noise of raw x scale', () => {
    expect(shown(861 * 0.1, info({ scale: 0.1 }))).toMatch(/^86[.,]1$/);
    expect(shown(2400 * 0.1, info({ scale: 0.1, unit: 'C' }), { unit: 'C' })).toMatch(/^240[.,]0 °C$/);
  });

  it("a tag's decimals win over the default", () => {
    expect(shown(86.123456, info({ type: 'float32', decimals: 1 }))).toMatch(/^86[.,]1$/);
    expect(shown(861 * 0.1, info({ scale: 0.1, decimals: 0 }))).toBe('86');
    expect(shown(1.5, info({ type: 'float32', decimals: 3 }))).toMatch(/^1[.,]500$/);
  });

  it('floats without decimals follow the magnitude; integers without scale show none', () => {
    expect(shown(239.99998474121094, info({ type: 'float32' }))).toMatch(/^240[.,]0$/);
    expect(shown(0.30000000000000004, info({ type: 'float64' }))).toMatch(/^0[.,]300$/);
    expect(shown(1234, info({ type: 'int32' }))).toMatch(/^1[,.\s]?234$/);
  });
});
