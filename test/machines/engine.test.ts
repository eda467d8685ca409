import { describe, expect, it } from 'vitest';
import { assign, createActor, fromPromise, SimulatedClock } from 'xstate';
import { engineMachine, startRefusal, type EngineEmitted, type GroupDef } from '../../src/machines/engine.js';
import { pollGroupMachine, topState, type ReadInput, type ReadOutput } from '../../src/machines/pollGroup.js';
import { advance, clockDelay, settle } from '../support/sim-time.js';

/** An engine whose groups read in 5 simulated ms; group `crasher` throws inside its machine on every 3rd poll. */
function engineHarness(maxConcurrent = 10) {
  const clock = new SimulatedClock();
  const starts = new Map<string, number[]>();
  const group = pollGroupMachine.provide({
    actors: {
      readTags: fromPromise<ReadOutput, ReadInput>(async ({ input }) => {
        const list = starts.get(input.group) ?? [];
        starts.set(input.group, list);
        list.push(clock.now());
        await clockDelay(clock, 5);
        return { tagCount: 1 };
      }),
    },
    actions: {
      // A bug in the group's own code: the kind of throw the supervisor exists for.
      recordOk: assign(({ context }) => {
        if (context.name === 'crasher' && (context.counters.pollsOk + 1) % 3 === 0) throw new Error('boom');
        return { counters: { ...context.counters, pollsOk: context.counters.pollsOk + 1 } };
      }),
    },
  });
  const machine = engineMachine.provide({ actors: { pollGroup: group } });
  const emitted: EngineEmitted[] = [];
  const actor = createActor(machine, {
    clock,
    input: { now: () => clock.now(), random: () => 0.5, maxConcurrent, restartInitialMs: 1000 },
  });
  actor.on('*', (e) => emitted.push(e));
  actor.start();
  return { clock, actor, starts, emitted };
}

const def = (name: string, intervalMs = 1000, enabled = true, mode: GroupDef['mode'] = 'fixed'): GroupDef => ({ name, mode, intervalMs, enabled });

function groupState(h: ReturnType<typeof engineHarness>, name: string): string {
  const ref = h.actor.getSnapshot().context.groups[name]?.ref;
  return ref ? topState(ref.getSnapshot().value) : 'restarting';
}

describe('engine machine', () => {
  it('starts enabled groups on load and leaves disabled ones idle', async () => {
    const h = engineHarness();
    h.actor.send({ type: 'engine.load', groups: [def('a'), def('b', 500, false)] });
    await settle();
    expect(h.actor.getSnapshot().value).toBe('ready');
    expect(groupState(h, 'a')).toBe('polling');
    expect(groupState(h, 'b')).toBe('idle');
  });

  it('restarts a crashed group with backoff while another keeps its exact schedule', async () => {
    const h = engineHarness();
    h.actor.send({ type: 'engine.load', groups: [def('steady', 100), def('crasher', 1000)] });
    await settle();
    await advance(h.clock, 9_999, 1);
    const steady = h.starts.get('steady')!;
    expect(steady).toHaveLength(100);
    steady.forEach((t, k) => expect(t).toBe(k * 100));
    const crashes = h.emitted.filter((e) => e.type === 'group.crashed');
    // Crash on poll 3 (t=2,005), restart 750 ms later (equal jitter at 0.5 of 1,000).
    expect(crashes.length).toBeGreaterThanOrEqual(2);
    expect(crashes[0]).toMatchObject({ name: 'crasher', crashes: 1, restartInMs: 750 });
    const crasherStarts = h.starts.get('crasher')!;
    expect(crasherStarts.slice(0, 4)).toEqual([0, 1000, 2000, 2755]);
    const entry = h.actor.getSnapshot().context.groups.crasher!;
    expect(entry.crashes).toBe(crashes.length);
    expect(h.actor.getSnapshot().status).toBe('active');
  });

  it('refuses to start a group beyond the concurrency limit and says why', async () => {
    const h = engineHarness(2);
    h.actor.send({ type: 'engine.load', groups: [def('a'), def('b'), def('c', 1000, false)] });
    await settle();
    const refusal = startRefusal(h.actor.getSnapshot().context, 'c');
    expect(refusal?.code).toBe('capacity');
    expect(refusal?.message).toMatch(/2 of at most 2 concurrent groups/);
    h.actor.send({ type: 'engine.start', name: 'c' });
    await settle();
    expect(groupState(h, 'c')).toBe('idle');
    expect(h.emitted).toContainEqual(expect.objectContaining({ type: 'group.startRefused', name: 'c' }));
    h.actor.send({ type: 'engine.stop', name: 'a' });
    await advance(h.clock, 10, 1);
    expect(startRefusal(h.actor.getSnapshot().context, 'c')).toBeNull();
    h.actor.send({ type: 'engine.start', name: 'c' });
    await settle();
    expect(groupState(h, 'c')).toBe('polling');
    expect(startRefusal(h.actor.getSnapshot().context, 'c')?.code).toBe('running');
    expect(startRefusal(h.actor.getSnapshot().context, 'zz')?.code).toBe('unknown');
  });

  it('applies a reload: interval change, new group, removed group', async () => {
    const h = engineHarness();
    h.actor.send({ type: 'engine.load', groups: [def('a', 1000), def('gone', 1000)] });
    await settle();
    await advance(h.clock, 1500, 1);
    h.actor.send({ type: 'engine.load', groups: [def('a', 250), def('new', 500)] });
    await settle();
    expect(h.actor.getSnapshot().context.groups.gone).toBeUndefined();
    await advance(h.clock, 999, 1);
    expect(h.starts.get('a')).toEqual([0, 1000, 1500, 1750, 2000, 2250]);
    expect(h.starts.get('new')).toEqual([1500, 2000]);
    expect(h.starts.get('gone')).toEqual([0, 1000]);
  });

  it('stops all groups and starts them all again', async () => {
    const h = engineHarness();
    h.actor.send({ type: 'engine.load', groups: [def('a'), def('b')] });
    await settle();
    h.actor.send({ type: 'engine.stopAll' });
    await advance(h.clock, 10, 1);
    expect([groupState(h, 'a'), groupState(h, 'b')]).toEqual(['idle', 'idle']);
    h.actor.send({ type: 'engine.startAll' });
    await settle();
    expect([groupState(h, 'a'), groupState(h, 'b')]).toEqual(['polling', 'polling']);
  });
});
