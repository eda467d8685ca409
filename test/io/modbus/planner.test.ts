import { describe, expect, it } from 'vitest';
import { planBlocks, type Span } from '../../../src/io/modbus/planner.js';
import { compileReadPlan } from '../../../src/io/modbus/read-plan.js';
import type { TagSpec } from '../../../src/io/types.js';

const hr = (offset: number, span = 1): Span => ({ table: 'holding', offset, span });

describe('planBlocks', () => {
  it('merges touching registers into one read', () => {
    const { blocks, blockOf } = planBlocks([hr(0), hr(1), hr(2, 2)]);
    expect(blocks).toEqual([{ table: 'holding', start: 0, count: 4, unused: 0 }]);
    expect([...blockOf]).toEqual([0, 0, 0]);
  });

  it('never reads more than 125 registers in one request', () => {
    const spans = Array.from({ length: 300 }, (_, i) => hr(i));
    const { blocks } = planBlocks(spans);
    expect(blocks.map((b) => b.count)).toEqual([125, 125, 50]);
    expect(blocks.map((b) => b.start)).toEqual([0, 125, 250]);
  });

  it('never reads more than 2,000 bits in one request', () => {
    const spans = Array.from({ length: 4500 }, (_, i): Span => ({ table: 'coil', offset: i, span: 1 }));
    expect(planBlocks(spans).blocks.map((b) => b.count)).toEqual([2000, 2000, 500]);
  });

  it('does not split a multi-register value across two requests', () => {
    // 62 float32 fill 124 registers; the 63rd does not fit in the remaining 1.
    const spans = Array.from({ length: 63 }, (_, i) => hr(i * 2, 2));
    const { blocks } = planBlocks(spans);
    expect(blocks.map((b) => [b.start, b.count])).toEqual([[0, 124], [124, 2]]);
  });

  it('bridges a gap of up to 16 registers and splits at 17 (gap cost model)', () => {
    expect(planBlocks([hr(0), hr(17)]).blocks).toEqual([{ table: 'holding', start: 0, count: 18, unused: 16 }]);
    expect(planBlocks([hr(0), hr(18)]).blocks).toHaveLength(2);
  });

  it('bridges a gap of up to 256 bits', () => {
    const bit = (offset: number): Span => ({ table: 'discrete', offset, span: 1 });
    expect(planBlocks([bit(0), bit(257)]).blocks).toHaveLength(1);
    expect(planBlocks([bit(0), bit(258)]).blocks).toHaveLength(2);
  });

  it('merges only touching spans when the request cost is 0 (maps with holes)', () => {
    expect(planBlocks([hr(0), hr(1), hr(3)], { requestCostBytes: 0 }).blocks.map((b) => b.count)).toEqual([2, 1]);
  });

  it('keeps tables apart and orders requests by table then address', () => {
    const { blocks, blockOf } = planBlocks([hr(5), { table: 'input', offset: 5, span: 1 }, { table: 'coil', offset: 5, span: 1 }, hr(0)]);
    expect(blocks.map((b) => b.table)).toEqual(['coil', 'holding', 'input']);
    expect([...blockOf]).toEqual([1, 2, 0, 1]);
  });

  it('handles overlapping and duplicate spans', () => {
    const { blocks } = planBlocks([hr(10, 2), hr(11), hr(10, 4), hr(10, 2)]);
    expect(blocks).toEqual([{ table: 'holding', start: 10, count: 4, unused: 0 }]);
  });

  it('rejects a span larger than one request', () => {
    expect(() => planBlocks([hr(0, 126)])).toThrow(RangeError);
  });

  it('plans 1,000 scattered-but-nearby registers in a handful of requests', () => {
    // Every third register from HR0: gaps of 2, merged; 2,998 registers / 125 = 24 requests.
    const spans = Array.from({ length: 1000 }, (_, i) => hr(i * 3));
    expect(planBlocks(spans).blocks).toHaveLength(24);
    // 1,000 float32 spread every 10 registers: 8 unused registers per value, still merged.
    const floats = Array.from({ length: 1000 }, (_, i) => hr(i * 10, 2));
    expect(planBlocks(floats).blocks).toHaveLength(77); // 13 per request: 12 * 10 + 2 = 122 <= 125
  });
});

describe('compileReadPlan', () => {
  const tag = (id: number, address: string, type: TagSpec['type'] = 'int16', extra: Partial<TagSpec> = {}): TagSpec => ({
    id,
    name: `t${id}`,
    address,
    type,
    ...extra,
  });

  it('plans once: the plan knows every tag position inside its block', () => {
    const plan = compileReadPlan([tag(1, 'HR10'), tag(2, 'HR12', 'float32'), tag(3, 'C3', 'bit'), tag(4, 'HR11.4', 'bit')], {
      addressBase: 0,
      wordOrder: 'high',
      stringByteOrder: 'big',
    });
    expect(plan.requestCount).toBe(2);
    expect(plan.blocks.map((b) => [b.table, b.start, b.count])).toEqual([['coil', 3, 1], ['holding', 10, 4]]);
    expect(plan.blocks.map((b) => [[...b.members], [...b.positions]])).toEqual([
      [[2], [0]],
      [[0, 1, 3], [0, 2, 1]],
    ]);
    expect([...plan.bit]).toEqual([0, 0, 0, 4]);
  });

  it('names the tag in the error when one cannot be planned', () => {
    expect(() =>
      compileReadPlan([tag(1, 'C1', 'float32')], { addressBase: 0, wordOrder: 'high', stringByteOrder: 'big' }),
    ).toThrow('bad address "C1": C1 is a coil (one bit): only type "bit" can be read from it, not float32 (tag "t1")');
  });
});
