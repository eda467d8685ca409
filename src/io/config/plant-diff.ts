import { createHash } from 'node:crypto';
import type { PlantConfig } from './schema.js';

/**
 * What an import or a reload would change, by name: the store matches devices, groups and tags
 * by name, so a renamed tag is one retired and one added. A group counts as changed when its own
 * fields change (interval, mode, device, ...); its tags are counted on their own line.
 */
export interface PlantDiff {
  readonly devices: DiffCounts;
  readonly groups: DiffCounts;
  readonly tags: DiffCounts;
  /** Plant-wide sections whose settings differ: sink, collector, server. */
  readonly settings: readonly ('sink' | 'collector' | 'server')[];
}

export interface DiffCounts {
  readonly added: number;
  readonly changed: number;
  readonly retired: number;
  readonly unchanged: number;
}

/** JSON with object keys sorted, so two equal plants read from different places compare equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** A fingerprint of a whole plant (order included: the store keeps the file's order). */
export function plantHash(plant: PlantConfig): string {
  return createHash('sha256').update(canonicalJson(plant)).digest('hex');
}

function count<T extends { name: string }>(before: readonly T[], after: readonly T[], key: (item: T) => unknown = (item) => item): DiffCounts {
  const old = new Map(before.map((item) => [item.name, canonicalJson(key(item))]));
  let added = 0;
  let changed = 0;
  let unchanged = 0;
  for (const item of after) {
    const was = old.get(item.name);
    if (was === undefined) added++;
    else if (was === canonicalJson(key(item))) unchanged++;
    else changed++;
    old.delete(item.name);
  }
  return { added, changed, retired: old.size, unchanged };
}

/** The difference from `before` (the store; undefined = empty) to `after` (the file). */
export function diffPlants(before: PlantConfig | undefined, after: PlantConfig): PlantDiff {
  const tags = (p: PlantConfig | undefined) => (p?.groups ?? []).flatMap((g) => g.tags.map((t) => ({ ...t, group: g.name })));
  const settings = (['sink', 'collector', 'server'] as const).filter((k) => before !== undefined && canonicalJson(before[k]) !== canonicalJson(after[k]));
  return {
    devices: count(before?.devices ?? [], after.devices),
    groups: count(before?.groups ?? [], after.groups, ({ tags: _tags, ...own }) => own),
    tags: count(tags(before), tags(after)),
    settings,
  };
}

/** `devices +0 ~1 -0 =2, groups +1 ~0 -0 =3, tags +4 ~0 -0 =12` (+ "settings ~sink" when those differ). */
export function formatDiff(diff: PlantDiff): string {
  const f = (label: string, d: DiffCounts) => `${label} +${d.added} ~${d.changed} -${d.retired} =${d.unchanged}`;
  const parts = [f('devices', diff.devices), f('groups', diff.groups), f('tags', diff.tags)];
  if (diff.settings.length > 0) parts.push(`settings ~${diff.settings.join(' ~')}`);
  return parts.join(', ');
}
