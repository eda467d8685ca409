import type { DeviceConfig, GroupConfig } from '../io/config/schema.js';
import type { DeviceDriver, ReadPlan } from '../io/driver.js';
import type { PollBatch, TagSpec } from '../io/types.js';
import type { RecordFilter } from './record-filter.js';

/** What the actor layer keeps per group beside its machine: the device, the plan, the last values. */
export interface GroupRuntime {
  readonly config: GroupConfig;
  readonly device: DeviceConfig;
  readonly driver: DeviceDriver;
  readonly plan: ReadPlan;
  /** Which values of a poll are recorded (every poll, or changes + heartbeat). */
  readonly filter: RecordFilter;
  /** The last batch read (good or bad): the latest value of every tag, at no per-value cost. */
  lastBatch: PollBatch | null;
}

/** The driver's view of a group's tags, with the store's stable ids. */
export function tagSpecs(group: GroupConfig, tagIds: ReadonlyMap<string, number>): TagSpec[] {
  const ready = prepared.get(group);
  if (ready && ready.tagIds === tagIds) return ready.specs;
  return group.tags.map((t) => spec(t, tagIds));
}

function spec(t: GroupConfig['tags'][number], tagIds: ReadonlyMap<string, number>): TagSpec {
  const id = tagIds.get(t.name);
  if (id === undefined) throw new Error(`tag "${t.name}" has no id in the store`);
  return { id, name: t.name, address: t.address, type: t.type, length: t.length, wordOrder: t.wordOrder, scale: t.scale, offset: t.offset };
}

/** Specs built ahead, in slices (prepareTagSpecs), for the group object they were built from. */
const prepared = new WeakMap<GroupConfig, { readonly tagIds: ReadonlyMap<string, number>; readonly specs: TagSpec[] }>();

/**
 * Build the specs of a new 100,000-tag group a slice at a time before the collector applies the
 * change, so Collector.apply finds them ready instead of building them in one block.
 */
export async function prepareTagSpecs(groups: readonly GroupConfig[], tagIds: ReadonlyMap<string, number>, pause: () => Promise<void>): Promise<void> {
  for (const group of groups) {
    const ready = prepared.get(group);
    if (ready && ready.tagIds === tagIds) continue;
    const specs: TagSpec[] = [];
    for (const t of group.tags) {
      specs.push(spec(t, tagIds));
      await pause();
    }
    prepared.set(group, { tagIds, specs });
  }
}
