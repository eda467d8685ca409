import { describe, expect, it } from 'vitest';
import definitionsJson from '../../test-fixtures/definitions.json';
import { definitionsSchema, type StateGraph } from '../schemas/inspect.js';
import { activeLeaves, activeStateIds } from './active.js';
import { layoutStatechart, transitionText, type Box, type ChartLayout } from './layout.js';
import { transitionsOf } from './transitions.js';

// The machine graphs as the server sent them (captured from the demo's /api/inspect/stream).
const definitions = definitionsSchema.parse(definitionsJson);
const machines = Object.values(definitions);

function inside(inner: Box, outer: Box): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h;
}

function overlap(a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function all(g: StateGraph): StateGraph[] {
  return [g, ...g.states.flatMap(all)];
}

describe('layoutStatechart on the product machines', () => {
  it.each(machines.map((m) => [m.id, m] as const))('%s: one box per state, each inside its parent, siblings apart', (_id, machine) => {
    const layout = layoutStatechart(machine);
    const states = all(machine);
    expect(layout.boxes.map((b) => b.id).sort()).toEqual(states.map((s) => s.id).sort());
    const byId = new Map(layout.boxes.map((b) => [b.id, b]));
    for (const b of layout.boxes) {
      expect(b.w).toBeGreaterThan(0);
      expect(b.h).toBeGreaterThan(0);
      if (b.parentId !== null) expect(inside(b, byId.get(b.parentId)!), `${b.id} inside ${b.parentId}`).toBe(true);
    }
    for (const a of layout.boxes) {
      for (const b of layout.boxes) {
        if (a !== b && a.parentId !== null && a.parentId === b.parentId) expect(overlap(a, b), `${a.id} / ${b.id}`).toBe(false);
      }
    }
    expect(layout.width).toBeGreaterThanOrEqual(byId.get(machine.id)!.x + byId.get(machine.id)!.w);
  });

  it.each(machines.map((m) => [m.id, m] as const))('%s: every transition is drawn, as an arrow between siblings or a note in its state', (_id, machine) => {
    const layout = layoutStatechart(machine);
    const parent = new Map(layout.boxes.map((b) => [b.id, b.parentId]));
    for (const e of layout.edges) expect(parent.get(e.source), e.id).toBe(parent.get(e.target));
    const drawn = [...layout.edges.flatMap((e) => e.lines), ...layout.boxes.flatMap((b) => b.notes.map((n) => n.text))].join('\n');
    for (const s of all(machine)) for (const t of s.transitions) expect(drawn, `${s.id}: ${transitionText(t)}`).toContain(t.event);
  });

  it.each(machines.map((m) => [m.id, m] as const))('%s: no two arrow labels on top of each other', (_id, machine) => {
    const layout: ChartLayout = layoutStatechart(machine);
    const labels = layout.edges.map((e) => e.label);
    for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) expect(overlap(labels[i]!, labels[j]!), `${layout.edges[i]!.id} / ${layout.edges[j]!.id}`).toBe(false);
  });

  it('lays out pollGroup in the order things happen: idle, polling, error, backoff', () => {
    const layout = layoutStatechart(definitions.pollGroup!);
    const x = (id: string) => layout.boxes.find((b) => b.id === id)!.x;
    expect(x('pollGroup.idle')).toBeLessThan(x('pollGroup.polling'));
    expect(x('pollGroup.polling')).toBeLessThan(x('pollGroup.error'));
    expect(x('pollGroup.error')).toBeLessThan(x('pollGroup.backoff'));
    expect(x('pollGroup.polling.waiting')).toBeLessThan(x('pollGroup.polling.due'));
    expect(x('pollGroup.polling.due')).toBeLessThan(x('pollGroup.polling.reading'));
  });

  it('draws a transition out of a nested state from its top-level ancestor, naming the inner state', () => {
    const layout = layoutStatechart(definitions.pollGroup!);
    const toIdle = layout.edges.find((e) => e.id === 'pollGroup.polling->pollGroup.idle')!;
    expect(toIdle.kind).toBe('back');
    expect(toIdle.lines).toEqual(expect.arrayContaining(['group.stop', 'reading: done', '  [stopRequested]', 'reading.stopping: after']));
    const retry = layout.edges.find((e) => e.id === 'pollGroup.backoff->pollGroup.polling')!;
    expect(retry.lines).toEqual(['after → reading']);
  });

  it('writes transitions that stay in their box as notes: internal, self, into a child', () => {
    const layout = layoutStatechart(definitions.pollGroup!);
    const notes = (id: string) => layout.boxes.find((b) => b.id === id)!.notes;
    expect(notes('pollGroup.idle')).toEqual([{ kind: 'internal', text: 'group.trigger' }]);
    expect(notes('pollGroup.polling.waiting')).toContainEqual({ kind: 'self', text: 'group.configure' });
    expect(notes('pollGroup.polling.reading')).toContainEqual({ kind: 'down', text: 'group.stop → stopping' });
  });

  it('is deterministic: the same definition gives the same drawing', () => {
    expect(layoutStatechart(definitions.deviceLink!)).toEqual(layoutStatechart(definitions.deviceLink!));
  });

  it('handles a machine with a single state and one without transitions', () => {
    const tiny: StateGraph = { id: 'm', key: 'm', type: 'compound', initial: 'm.a', states: [{ id: 'm.a', key: 'a', type: 'final', initial: null, states: [], transitions: [] }], transitions: [] };
    const layout = layoutStatechart(tiny);
    expect(layout.boxes).toHaveLength(2);
    expect(layout.edges).toEqual([]);
    expect(layout.boxes[1]!.initial).toBe(true);
  });
});

describe('activeStateIds', () => {
  const pg = definitions.pollGroup!;
  it('maps a nested value to the state and its ancestors', () => {
    const ids = activeStateIds(pg, { polling: 'due' });
    expect([...ids].sort()).toEqual(['pollGroup', 'pollGroup.polling', 'pollGroup.polling.due']);
    expect(activeLeaves(pg, ids)).toEqual(['pollGroup.polling.due']);
  });
  it('maps a flat value and a deep one', () => {
    expect(activeLeaves(pg, activeStateIds(pg, 'idle'))).toEqual(['pollGroup.idle']);
    expect(activeLeaves(pg, activeStateIds(pg, { polling: { reading: 'stopping' } }))).toEqual(['pollGroup.polling.reading.stopping']);
  });
  it('ignores keys the definition does not know, and no value at all', () => {
    expect(activeLeaves(pg, activeStateIds(pg, { nowhere: 'x' }))).toEqual(['pollGroup']);
    expect(activeStateIds(pg, null).size).toBe(0);
  });
});

describe('transitionsOf', () => {
  it('lists a state’s own transitions first, then those it inherits', () => {
    const rows = transitionsOf(definitions.pollGroup!, 'pollGroup.polling.due');
    expect(rows[0]).toEqual({ from: 'polling.due', text: 'group.configure', to: 'polling.waiting' });
    expect(rows).toContainEqual({ from: 'polling', text: 'group.stop', to: 'idle' });
    expect(rows[rows.length - 1]).toEqual({ from: 'pollGroup', text: 'group.configure', to: '' });
  });
});
