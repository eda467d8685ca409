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
  /** Only on a tag whose address the device refuses: its answer ("C056 ADDRESS_OUT_OF_RANGE"). */
  readonly error?: string;
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

/**
 * Readings of a group's last batch. The batch is in plan order; tags are matched by id.
 * `refused`: tag id -> the device's answer, for tags whose address the device refuses.
 */
export function readingsOf(device: string, group: GroupConfig, tagIds: ReadonlyMap<string, number>, batch: PollBatch, refused?: ReadonlyMap<number, string>): LatestReading[] {
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
    const error = q === Quality.GOOD ? undefined : refused?.get(batch.tagIds[i]!);
    out.push({
      device,
      group: group.name,
      tag: tag.name,
      value,
      unit: tag.unit ?? null,
      level: q === Quality.GOOD && typeof value === 'number' ? alarmLevel(tag, value) : null,
      quality: QUALITY_NAMES[q] ?? 'bad_config',
      timestamp,
      ...(error === undefined ? {} : { error }),
    });
  }
  return out;
}

/** A value as the value database stored it (history's latest). */
export interface StoredPoint {
  readonly ts: number;
  readonly value: number | null;
  readonly text: string | null;
  readonly quality: number;
}

/** A stored value as a reading (after a restart, before the first poll). */
export function storedReading(device: string, group: string, tag: TagConfig, p: StoredPoint): LatestReading {
  const value = p.text !== null ? p.text : p.value;
  return {
    device,
    group,
    tag: tag.name,
    value,
    unit: tag.unit ?? null,
    level: p.quality === Quality.GOOD && typeof value === 'number' ? alarmLevel(tag, value) : null,
    quality: QUALITY_NAMES[p.quality] ?? 'bad_config',
    timestamp: new Date(p.ts).toISOString(),
  };
}
