import type { GroupConfig, TagConfig } from '../io/config/schema.js';
import { displayedValue } from '../io/config/decimals.js';
import { Quality, type PollBatch } from '../io/types.js';

export type AlarmLevel = 'normal' | 'warning' | 'critical';

/** The latest value of one tag, as the API and the live streams show it. */
export interface LatestReading {
  readonly device: string;
  readonly group: string;
  readonly tag: string;
  readonly value: number | string | null;
  readonly unit: string | null;
  /** normal / warning / critical from the tag's thresholds; null when the value is bad or not numeric. */
  readonly level: AlarmLevel | null;
  readonly quality: 'good' | 'bad_comm' | 'bad_device' | 'bad_config';
  readonly timestamp: string;
}

const QUALITY_NAMES = ['good', 'bad_comm', 'bad_device', 'bad_config'] as const;

/**
 * Thresholds are inclusive (a value at or above `warn` is warning) and compare the value as the
 * panel shows it, rounded to the tag's decimals: 239.96 shown as "240.0" with `warn: 240` is a
 * warning, not a NORMAL that contradicts the screen.
 */
export function alarmLevel(tag: Pick<TagConfig, 'warn' | 'crit' | 'type' | 'decimals' | 'scale' | 'offset'>, value: number): AlarmLevel {
  const shown = displayedValue(tag, value);
  if (tag.crit !== undefined && shown >= tag.crit) return 'critical';
  if (tag.warn !== undefined && shown >= tag.warn) return 'warning';
  return 'normal';
}

/** Readings of a group's last batch. The batch is in plan order; tags are matched by id. */
export function readingsOf(device: string, group: GroupConfig, tagIds: ReadonlyMap<string, number>, batch: PollBatch): LatestReading[] {
  const byId = new Map<number, TagConfig>();
  for (const t of group.tags) {
    const id = tagIds.get(t.name);
    if (id !== undefined) byId.set(id, t);
  }
  const timestamp = new Date(batch.ts).toISOString();
  const out: LatestReading[] = [];
  for (let i = 0; i < batch.tagIds.length; i++) {
    const tag = byId.get(batch.tagIds[i]!);
    if (!tag) continue;
    const q = batch.quality[i]!;
    const text = batch.texts?.[i] ?? null;
    const raw = batch.values[i]!;
    const value = text !== null ? text : Number.isNaN(raw) ? null : raw;
    out.push({
      device,
      group: group.name,
      tag: tag.name,
      value,
      unit: tag.unit ?? null,
      level: q === Quality.GOOD && typeof value === 'number' ? alarmLevel(tag, value) : null,
      quality: QUALITY_NAMES[q] ?? 'bad_config',
      timestamp,
    });
  }
  return out;
}
