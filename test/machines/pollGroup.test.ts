import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { pollGroupMachine, topState, type PollGroupInput, type ReadInput, type ReadOutput } from '../../src/machines/pollGroup.js';
import { advance, clockDelay, settle } from '../support/sim-time.js';

interface Harness {
  clock: SimulatedClock;
  starts: number[];
  dues: number[];
  actor: ReturnType<typeof createActor<typeof pollGroupMachine>>;
}

/** A group whose reads take `duration(n)` simulated ms and fail when `fails(n)` is true. */
function harness(
  input: Partial<PollGroupInput> & Pick<PollGroupInput, 'mode'>,
  duration: (n: number) => number = () => 5,
  fails: (n: number) => boolean = () => false,
): Harness {
  const clock = new SimulatedClock();
  const starts: number[] = [];
  const dues: number[] = [];
  const machine = pollGroupMachine.provide({
    actors: {
      readTags: fromPromise<ReadOutput, ReadInput>(async ({ input: read }) => {
        const n = starts.length;
        starts.push(clock.now());
        dues.push(read.dueAt);
        await clockDelay(clock, duration(n));
        if (fails(n)) throw new Error(`read ${n} failed`);
        return { tagCount: 3 };
      }),
    },
  });
  const actor = createActor(machine, {
    clock,
    input: { name: 'g1', intervalMs: 1000, now: () => clock.now(), random: () => 0.5, ...input },
  });
  actor.start();
  return { clock, starts, dues, actor };
}

describe('pollGroup machine (FIXED)', () => {
  it('keeps a drift-free schedule over 1,000 cycles with varying poll durations', async () => {
    const h = harness({ mode: 'fixed', intervalMs: 1000 }, (n) => (n * 37) % 400);
    h.actor.send({ type: 'group.start' });
    await settle();
    await advance(h.clock, 1000 * 1000 - 1, 1);
    expect(h.starts).toHaveLength(1000);
    h.starts.forEach((t, k) => expect(t).toBe(k * 1000));
    const ctx = h.actor.getSnapshot().context;
    expect(ctx.counters.pollsOk).toBe(1000);
    expect(ctx.counters.skippedSlots).toBe(0);
  }, 60_000);

  it('skips missed slots after an overrun and counts them', async () => {
    // Poll 2 takes 2,500 ms: slots 3 and 4 (at 3,000 and 4,000) are missed; poll 3 is at 5,000.
    const h = harness({ mode: 'fixed', intervalMs: 1000 }, (n) => (n === 2 ? 2500 : 10));
    h.actor.send({ type: 'group.start' });
    await settle();
    await advance(h.clock, 6001, 1);
    expect(h.starts).toEqual([0, 1000, 2000, 5000, 6000]);
    expect(h.actor.getSnapshot().context.counters.skippedSlots).toBe(2);
  });

  it('goes to error then backoff on a failed read, and back to polling when a read succeeds', async () => {
    // Reads 1 and 2 fail: backoff 1,000 ms (equal jitter at 0.5 -> 750) then 2,000 (-> 1,500).
    const h = harness({ mode: 'fixed', intervalMs: 1000, backoffInitialMs: 1000 }, () => 10, (n) => n === 1 || n === 2);
    const states: string[] = [topState(h.actor.getSnapshot().value)];
    h.actor.subscribe((s) => {
      const state = topState(s.value);
      if (states.at(-1) !== state) states.push(state);
    });
    h.actor.send({ type: 'group.start' });
    await settle();
    await advance(h.clock, 1010, 1); // read 1 fails at 1,010
    expect(topState(h.actor.getSnapshot().value)).toBe('backoff');
    await advance(h.clock, 750, 1); // retry (read 2) at 1,760, fails at 1,770
    expect(h.starts[2]).toBe(1760);
    await advance(h.clock, 1500 + 20, 1); // retry (read 3) at 3,270, succeeds
    expect(h.starts[3]).toBe(3270);
    await advance(h.clock, 800, 1);
    // Back on the anchored schedule: the next slot is 4,000.
    expect(h.starts[4]).toBe(4000);
    const ctx = h.actor.getSnapshot().context;
    expect(ctx.counters.errors).toBe(2);
    expect(ctx.lastError).toBe('read 2 failed');
    expect(states).toEqual(['idle', 'polling', 'backoff', 'polling', 'backoff', 'polling']);
  });

  // Issue 13: nothing held the group backoff to its cap. With the default cap (5 s) and jitter at
  // its top, a PLC that stays away for minutes is retried at least every 5 s, never slower.
  it('caps the backoff: retries at most 5 s apart however long the reads keep failing', async () => {
    const h = harness({ mode: 'fixed', intervalMs: 1000, random: () => 0.999 }, () => 10, () => true);
    h.actor.send({ type: 'group.start' });
    await settle();
    await advance(h.clock, 120_000, 5);
    const gaps = h.starts.slice(1).map((t, i) => t - h.starts[i]!);
    expect(gaps.length).toBeGreaterThan(20);
    // 1 s, 2 s, 4 s (each read takes 10 ms), then the cap of 5 s from there on.
    expect(Math.max(...gaps)).toBeLessThanOrEqual(5_000 + 10);
    expect(gaps.slice(-10).every((g) => g >= 4_990)).toBe(true);
    expect(h.actor.getSnapshot().context.counters.errors).toBe(h.starts.length);
  });

  it('applies a new interval from the next cycle on', async () => {
    const h = harness({ mode: 'fixed', intervalMs: 1000 });
    h.actor.send({ type: 'group.start' });
    await settle();
    await advance(h.clock, 1500, 1);
    h.actor.send({ type: 'group.configure', intervalMs: 200 });
    await advance(h.clock, 1000, 1);
    // Re-anchored on the last poll (1,000): 1,200 and 1,400 are already past, so 1,600 is next.
    expect(h.starts.slice(0, 6)).toEqual([0, 1000, 1600, 1800, 2000, 2200]);
  });

  it('finishes the read in flight when stopped, then goes idle', async () => {
    const h = harness({ mode: 'fixed', intervalMs: 1000 }, () => 300);
    h.actor.send({ type: 'group.start' });
    await settle();
    await advance(h.clock, 100, 1);
    h.actor.send({ type: 'group.stop' });
    await settle();
    expect(topState(h.actor.getSnapshot().value)).toBe('polling');
    await advance(h.clock, 200, 1);
    const snap = h.actor.getSnapshot();
    expect(snap.value).toBe('idle');
    expect(snap.context.counters.pollsOk).toBe(1);
  });

  it('gives up on a hung read 5 s after a stop', async () => {
    const h = harness({ mode: 'fixed', intervalMs: 1000 }, () => 3_600_000);
    h.actor.send({ type: 'group.start' });
    await settle();
    h.actor.send({ type: 'group.stop' });
    await advance(h.clock, 4999, 10);
    expect(h.actor.getSnapshot().value).not.toBe('idle');
    await advance(h.clock, 1, 1);
    expect(h.actor.getSnapshot().value).toBe('idle');
  });
});

describe('pollGroup machine (HANDSHAKE)', () => {
  it('polls once per trigger and ignores triggers within 1 s of the last accepted one', async () => {
    const h = harness({ mode: 'handshake' });
    h.actor.send({ type: 'group.start' });
    await settle();
    await advance(h.clock, 5000, 10);
    expect(h.starts).toEqual([]);
    h.actor.send({ type: 'group.trigger' }); // accepted at 5,000
    await advance(h.clock, 500, 10);
    h.actor.send({ type: 'group.trigger' }); // 500 ms later: ignored
    await advance(h.clock, 499, 1);
    h.actor.send({ type: 'group.trigger' }); // 999 ms later: ignored
    await advance(h.clock, 1, 1);
    h.actor.send({ type: 'group.trigger' }); // 1,000 ms later: accepted
    await advance(h.clock, 100, 10);
    expect(h.starts).toEqual([5000, 6000]);
    expect(h.dues).toEqual([5000, 6000]);
    const c = h.actor.getSnapshot().context.counters;
    expect(c.triggersAccepted).toBe(2);
    expect(c.triggersIgnored).toBe(2);
    expect(c.pollsOk).toBe(2);
  });
});
