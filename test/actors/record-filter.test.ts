import { describe, expect, it } from 'vitest';
import { RecordFilter } from '../../src/actors/record-filter.js';
import { tagSchema, type GroupConfig } from '../../src/io/config/schema.js';
import { Quality, type PollBatch, type TagSpec } from '../../src/io/types.js';

const tag = (name: string, record?: object) => tagSchema.parse({ name, address: 'D1', ...(record ? { record } : {}) });
const spec = (id: number, name: string): TagSpec => ({ id, name, address: 'D1', type: 'int16' });

function batch(ts: number, values: number[], quality: number[] = values.map(() => Quality.GOOD)): PollBatch {
  return { ts, tagIds: Int32Array.from(values.map((_, i) => i + 1)), values: Float64Array.from(values), quality: Uint8Array.from(quality) };
}

describe('RecordFilter', () => {
  it('passes every poll through untouched by default', () => {
    const group = { tags: [tag('a'), tag('b')] } as Pick<GroupConfig, 'record' | 'tags'>;
    const f = new RecordFilter(group, [spec(1, 'a'), spec(2, 'b')]);
    const b = batch(0, [1, 2]);
    expect(f.apply(b)).toBe(b);
  });

  it('records changes beyond an absolute deadband, and a heartbeat when unchanged', () => {
    const group = { record: { mode: 'change', deadband: 0.5, heartbeatS: 10 }, tags: [tag('a'), tag('b', { mode: 'every' })] } as Pick<GroupConfig, 'record' | 'tags'>;
    const f = new RecordFilter(group, [spec(1, 'a'), spec(2, 'b')]);
    const ids = (b: PollBatch) => Array.from(b.tagIds);
    expect(ids(f.apply(batch(0, [10, 1])))).toEqual([1, 2]); // first value always
    expect(ids(f.apply(batch(1000, [10.4, 1])))).toEqual([2]); // within deadband
    expect(ids(f.apply(batch(2000, [10.6, 1])))).toEqual([1, 2]); // beyond it (vs last recorded 10)
    expect(ids(f.apply(batch(3000, [10.6, 1])))).toEqual([2]);
    expect(ids(f.apply(batch(12_000, [10.6, 1])))).toEqual([1, 2]); // heartbeat: 10 s since 2,000
  });

  it('records a quality change even when the value did not move', () => {
    const group = { record: { mode: 'change', deadbandPercent: 10 }, tags: [tag('a')] } as Pick<GroupConfig, 'record' | 'tags'>;
    const f = new RecordFilter(group, [spec(1, 'a')]);
    expect(f.apply(batch(0, [100])).tagIds.length).toBe(1);
    expect(f.apply(batch(1, [109])).tagIds.length).toBe(0); // 9 % < 10 %
    expect(f.apply(batch(2, [Number.NaN], [Quality.BAD_COMM])).tagIds.length).toBe(1);
    expect(f.apply(batch(3, [Number.NaN], [Quality.BAD_COMM])).tagIds.length).toBe(0);
    expect(f.apply(batch(4, [100])).tagIds.length).toBe(1);
    expect(f.apply(batch(5, [111])).tagIds.length).toBe(1); // 11 % > 10 %
  });
});
