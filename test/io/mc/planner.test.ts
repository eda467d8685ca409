import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DataType, TagSpec } from '../../../src/io/types.js';
import { wordsOf } from '../../../src/io/types.js';
import { AddressError } from '../../../src/io/errors.js';
import { planMcRead, type McReadPlan } from '../../../src/io/mc/planner.js';

let nextId = 1;
function tag(address: string, type: DataType = 'int16', length?: number): TagSpec {
  const id = nextId++;
  return { id, name: `t${id}`, address, type, length };
}

function kinds(plan: McReadPlan): string[] {
  return plan.requests.map((r) => `${r.kind}:${r.count}`);
}

/** Every tag is read by exactly one request. */
function expectEveryTagOnce(plan: McReadPlan): void {
  const seen = new Int32Array(plan.tags.length);
  for (const r of plan.requests) for (const i of r.tagIndex) seen[i]!++;
  expect(Array.from(seen).every((n) => n === 1)).toBe(true);
}

describe('read planner', () => {
  it('merges neighbours across a gap into one batch read', () => {
    const run = Array.from({ length: 24 }, (_, i) => tag(`D${i * 2}`, 'int32'));
    const plan = planMcRead([...run, tag('D60', 'float64'), tag('D100')], { series: 'q', encoding: 'binary' });
    expect(kinds(plan)).toEqual(['words:101']);
    expect(plan.requests[0]!.command.label).toBe('batch read words D0-D100');
    expect(Array.from(plan.requests[0]!.offset).slice(-3)).toEqual([46, 60, 100]);
  });

  it('never asks for more than 960 words in one request', () => {
    const plan = planMcRead(Array.from({ length: 961 }, (_, i) => tag(`D${i}`)), { series: 'q', encoding: 'binary' });
    expect(kinds(plan)).toEqual(['words:960', 'words:1']);
    const wide = planMcRead(Array.from({ length: 3000 }, (_, i) => tag(`D${i}`)), { series: 'q', encoding: 'binary' });
    expect(kinds(wide)).toEqual(['words:960', 'words:960', 'words:960', 'words:120']);
    expectEveryTagOnce(wide);
  });

  it('keeps to 480 words on fx ASCII', () => {
    const plan = planMcRead(Array.from({ length: 1000 }, (_, i) => tag(`D${i}`)), { series: 'fx', encoding: 'ascii' });
    expect(kinds(plan)).toEqual(['words:480', 'words:480', 'words:40']);
  });

  it('keeps bit-unit reads within 7,168 points (q) and 3,584 / 1,792 (fx)', () => {
    const timers = Array.from({ length: 8000 }, (_, i) => tag(`TS${i}`, 'bit'));
    expect(kinds(planMcRead(timers, { series: 'q', encoding: 'binary' }))).toEqual(['bits:7168', 'bits:832']);
    const fx = timers.slice(0, 4000);
    expect(kinds(planMcRead(fx, { series: 'fx', encoding: 'binary' }))).toEqual(['bits:3584', 'bits:416']);
    expect(kinds(planMcRead(fx, { series: 'fx', encoding: 'ascii' }))).toEqual(['bits:1792', 'bits:1792', 'bits:416']);
  });

  it('reads bit devices in word units: M0..M31 is 2 words, a bit tag maps to its word and bit', () => {
    const plan = planMcRead([tag('M0', 'bit'), tag('M17', 'bit'), tag('M31', 'bit')], { series: 'q', encoding: 'binary' });
    expect(kinds(plan)).toEqual(['words:2']);
    expect(plan.requests[0]!.command.label).toBe('batch read words M0-M31');
    expect(Array.from(plan.bit)).toEqual([0, 1, 15]);
    expect(Array.from(plan.requests[0]!.offset)).toEqual([0, 1, 1]);
  });

  it('sends isolated short spans as random reads, at most 192 points each (96 on iqr)', () => {
    const far = Array.from({ length: 400 }, (_, i) => tag(`D${i * 1000}`));
    const q = planMcRead(far, { series: 'q', encoding: 'binary' });
    expect(kinds(q)).toEqual(['random:192', 'random:192', 'random:16']);
    expect(q.requests[0]!.wordPoints).toBe(192);
    const iqr = planMcRead(far, { series: 'iqr', encoding: 'binary' });
    expect(iqr.requests.map((r) => r.wordPoints + r.dwordPoints)).toEqual([96, 96, 96, 96, 16]);
    expectEveryTagOnce(iqr);
  });

  it('puts even-length spans in random reads as double words and keeps their words together', () => {
    const plan = planMcRead([tag('D0', 'float32'), tag('D5000'), tag('D9000', 'float64')], { series: 'q', encoding: 'binary' });
    expect(plan.requests).toHaveLength(1);
    const r = plan.requests[0]!;
    expect([r.kind, r.wordPoints, r.dwordPoints]).toEqual(['random', 1, 3]);
    // Reply layout: D5000 word, then dwords D0, D9000, D9002.
    expect(Array.from(r.offset)).toEqual([1, 0, 3]);
  });

  it('keeps a single short span as a batch read (a random read would not save a request)', () => {
    expect(kinds(planMcRead([tag('D0'), tag('D1')], { series: 'q', encoding: 'binary' }))).toEqual(['words:2']);
  });

  it('reads dense runs as batch reads and sparse spans as random points', () => {
    const dense = Array.from({ length: 200 }, (_, i) => tag(`D${i}`));
    const sparse = Array.from({ length: 10 }, (_, i) => tag(`W${(0x1000 + i * 100).toString(16)}`));
    const plan = planMcRead([...dense, ...sparse], { series: 'q', encoding: 'binary' });
    expect(kinds(plan)).toEqual(['words:200', 'random:10']);
  });

  it('uses iQ-R extended subcommands on iqr', () => {
    const plan = planMcRead([tag('D0')], { series: 'iqr', encoding: 'binary' });
    expect(plan.requests[0]!.command.subcommand).toBe(0x0002);
    expect(plan.requests[0]!.command.body).toHaveLength(8); // 4-byte number, 2-byte code, 2-byte count
  });

  it('throws AddressError for a tag the device cannot read', () => {
    expect(() => planMcRead([tag('D100')], { series: 'q', encoding: 'binary' })).not.toThrow();
    expect(() => planMcRead([tag('D100', 'bit')], { series: 'q', encoding: 'binary' })).toThrow(AddressError);
  });

  it('plans 1,000 scattered-but-nearby D tags in a handful of requests', () => {
    // Seeded scatter: 1,000 tags of mixed types over D0..D9999 with gaps of 1..19 words.
    const rng = fc.sample(fc.integer({ min: 1, max: 19 }), { numRuns: 1000, seed: 42 });
    const types: DataType[] = ['int16', 'float32', 'uint16', 'int32', 'bcd16'];
    let at = 0;
    const tags = rng.map((gap, i) => {
      const t = tag(`D${at}`, types[i % types.length]);
      at += wordsOf(t.type) + gap;
      return t;
    });
    const plan = planMcRead(tags, { series: 'q', encoding: 'binary' });
    console.info(`1,000 scattered D tags over D0-D${at}: ${plan.requestCount} requests (${kinds(plan).join(', ')})`);
    // 1,000 points fit ceil(1000 / 192) = 6 random reads; batch reads would need ceil(10,865 / 960) = 12.
    expect(plan.requestCount).toBe(6);
    expectEveryTagOnce(plan);
    const asciiPlan = planMcRead(tags, { series: 'q', encoding: 'ascii' });
    const iqrPlan = planMcRead(tags, { series: 'iqr', encoding: 'binary' });
    console.info(`same tags, q ASCII: ${asciiPlan.requestCount} requests; iqr binary: ${iqrPlan.requestCount} requests`);
    expect(asciiPlan.requestCount).toBeLessThanOrEqual(12);
    expect(iqrPlan.requestCount).toBeLessThanOrEqual(12);
    // Far apart (300-word gaps: nothing merges), they still fit a handful of random reads.
    const sparse = planMcRead(Array.from({ length: 1000 }, (_, i) => tag(`D${i * 300}`)), { series: 'q', encoding: 'binary', limits: {} });
    console.info(`1,000 D tags 300 words apart: ${sparse.requestCount} requests`);
    expect(sparse.requestCount).toBe(6);
  });

  it('plans every tag exactly once for any mix of addresses and types', () => {
    const types: DataType[] = ['bit', 'int16', 'uint32', 'float64', 'string'];
    const spec = fc.record({ n: fc.integer({ min: 0, max: 12000 }), type: fc.constantFrom(...types), device: fc.constantFrom('D', 'W', 'M', 'TS') });
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 300 }), fc.constantFrom('q' as const, 'iqr' as const, 'fx' as const), fc.constantFrom('binary' as const, 'ascii' as const), (specs, series, encoding) => {
        const tags = specs.map((s) => {
          if (s.device === 'TS') return tag(`TS${s.n}`, 'bit');
          if (s.device === 'M') return s.type === 'bit' ? tag(`M${s.n}`, 'bit') : tag(`M${s.n - (s.n % 16)}`, s.type === 'string' ? 'int16' : s.type);
          const address = s.device === 'W' ? `W${s.n.toString(16)}` : `D${s.n}`;
          return s.type === 'bit' ? tag(`${address}.${(s.n % 16).toString(16)}`, 'bit') : tag(address, s.type, s.type === 'string' ? 5 : undefined);
        });
        const plan = planMcRead(tags, { series, encoding });
        expectEveryTagOnce(plan);
        for (const r of plan.requests) {
          if (r.kind === 'words') expect(r.count).toBeLessThanOrEqual(series === 'fx' && encoding === 'ascii' ? 480 : 960);
          if (r.kind === 'random') expect(r.wordPoints + r.dwordPoints).toBeLessThanOrEqual(series === 'iqr' ? 96 : series === 'fx' ? 123 : 192);
        }
      }),
      { numRuns: 200 },
    );
  });
});
