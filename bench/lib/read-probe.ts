import type { Actor } from 'xstate';
import type { Collector } from '../../src/actors/collector.js';
import type { GroupRuntime } from '../../src/actors/group-runtime.js';
import { systemClock } from '../../src/clock.js';
import type { DeviceDriver, ReadPlan } from '../../src/io/driver.js';
import type { engineMachine } from '../../src/machines/engine.js';

/**
 * Instrumentation without touching product code: wrap each driver's read() of a running
 * collector, so every poll start is seen with its group, its due time (the group machine's
 * dueAt, read from the group actor's snapshot at that moment) and the time the read began
 * (systemClock, the same clock the machines use).
 *
 * Reaches into Collector's private `groups` and `engine` (bench-only; a product API for this
 * would be an inspect hook carrying dueAt).
 */
export interface ReadStart {
  readonly group: string;
  /** The machine's dueAt (FIXED: the slot time; HANDSHAKE: when the trigger was accepted). */
  readonly dueAt: number;
  /** The machine's own start mark (markStart, entry of `reading`). */
  readonly machineStart: number;
  /** When driver.read() was entered: the poll's real start. */
  readonly readStart: number;
}

interface Internals {
  readonly groups: Map<string, GroupRuntime>;
  readonly engine: Actor<typeof engineMachine>;
}

export function probeReads(collector: Collector, onRead: (start: ReadStart) => void): () => void {
  const inside = collector as unknown as Internals;
  const byPlan = new Map<ReadPlan, string>();
  for (const [name, runtime] of inside.groups) byPlan.set(runtime.plan, name);
  const restore: (() => void)[] = [];
  const wrapped = new Set<DeviceDriver>();
  for (const runtime of inside.groups.values()) {
    const driver = runtime.driver;
    if (wrapped.has(driver)) continue;
    wrapped.add(driver);
    const original = driver.read.bind(driver);
    driver.read = (plan, signal) => {
      const readStart = systemClock.now();
      const group = byPlan.get(plan);
      if (group) {
        const ref = inside.engine.getSnapshot().context.groups[group]?.ref;
        const ctx = ref?.getSnapshot().context;
        if (ctx) onRead({ group, dueAt: ctx.dueAt, machineStart: ctx.startedAt, readStart });
      }
      return original(plan, signal);
    };
    restore.push(() => {
      driver.read = original;
    });
  }
  return () => restore.forEach((r) => r());
}
