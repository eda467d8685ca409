import { describe, expect, it } from 'vitest';
import type { DataType, TagSpec } from '../../../src/io/types.js';
import { planMcRead, type McReadPlan } from '../../../src/io/mc/planner.js';

/** The read planner for series fx3 (1E frames): its limits, even bit spans, and the M8000 bank. */

let nextId = 1;
function tag(address: string, type: DataType = 'int16'): TagSpec {
  const id = nextId++;
  return { id, name: `t${id}`, address, type };
}

const kinds = (plan: McReadPlan) => plan.requests.map((r) => `${r.kind}:${r.count}`);
const fx3 = { series: 'fx3', encoding: 'binary' } as const;

describe('read planner over 1E (fx3)', () => {
  it('keeps word reads to 64 words and reads of a bit device to 32 words; no random reads', () => {
    const d = Array.from({ length: 150 }, (_, i) => tag(`D${i * 3}`));
    const words = planMcRead(d, fx3);
    expect(words.requests.every((r) => r.kind === 'words' && r.count <= 64)).toBe(true);
    expect(words.requests.reduce((n, r) => n + r.tagIndex.length, 0)).toBe(150);
    expect(words.requestCount).toBe(7);
    const m = Array.from({ length: 40 }, (_, i) => tag(`M${i * 16}`));
    expect(kinds(planMcRead(m, fx3))).toEqual(['words:32', 'words:8']);
    const sparse = Array.from({ length: 5 }, (_, i) => tag(`D${i * 2000}`));
    expect(planMcRead(sparse, fx3).requests.every((r) => r.kind === 'words')).toBe(true);
    expect(planMcRead(sparse, fx3).requests[0]!.command.label).toBe('batch read words D0');
  });

  it('reads TS/CS contacts in even counts from an even head, within 256 points', () => {
    const one = planMcRead([tag('TS7', 'bit')], fx3);
    expect(kinds(one)).toEqual(['bits:2']);
    expect(one.requests[0]!.command.label).toBe('batch read bits TS6-TS7');
    expect(Array.from(one.requests[0]!.offset)).toEqual([1]);
    const many = planMcRead(Array.from({ length: 300 }, (_, i) => tag(`TS${i + 1}`, 'bit')), fx3);
    expect(many.requests.map((r) => r.count % 2 === 0 && r.count <= 256)).toEqual([true, true]);
    expect(many.requests.reduce((n, r) => n + r.tagIndex.length, 0)).toBe(300);
  });

  it('never merges M0-M7679 with the special relays M8000 up', () => {
    const plan = planMcRead([tag('M7664', 'bit'), tag('M8000', 'bit')], fx3);
    expect(plan.requests.map((r) => r.command.label)).toEqual(['batch read words M7664-M7679', 'batch read words M8000-M8015']);
  });

  it('uses the 1E commands (01H words, 00H bits), never 3E ones', () => {
    const plan = planMcRead([tag('D0'), tag('CS3', 'bit')], { series: 'fx3', encoding: 'ascii' });
    // Bit units first (CS2-CS3: one character a point), then words (D0: 4 characters).
    expect(plan.requests.map((r) => [r.command.command, r.command.replyLength])).toEqual([
      [0x00, 2],
      [0x01, 4],
    ]);
  });
});
