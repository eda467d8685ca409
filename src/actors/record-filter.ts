import type { GroupConfig, RecordConfig } from '../io/config/schema.js';
import type { PollBatch, TagSpec } from '../io/types.js';

/**
 * Decides which values of a poll are recorded. Tags in `every` mode pass straight through;
 * `change` tags pass when the quality changed, the value moved beyond the deadband, or the
 * heartbeat is due. State is per tag in typed arrays (no per-value objects on the hot path).
 * Strings in change mode are compared by text.
 */
interface Rule {
  readonly change: boolean;
  readonly deadband: number;
  readonly percent: number;
  readonly heartbeatMs: number;
}

export class RecordFilter {
  private readonly rules: Rule[];
  private readonly lastValue: Float64Array;
  private readonly lastTs: Float64Array;
  private readonly lastQuality: Int16Array;
  private readonly lastText: (string | null)[];
  /** True when every tag records every poll: the batch is passed on untouched. */
  readonly passThrough: boolean;

  constructor(group: Pick<GroupConfig, 'record' | 'tags'>, tags: readonly TagSpec[]) {
    // One shared rule for the tags without their own settings (most): a 100,000-tag group
    // builds no 100,000-entry map and no 100,000 rule objects on the event loop.
    const own = new Map<string, RecordConfig>();
    for (const t of group.tags) if (t.record) own.set(t.name, t.record);
    const shared = rule(group.record, undefined);
    this.rules = own.size === 0 ? new Array<Rule>(tags.length).fill(shared) : tags.map((t) => (own.has(t.name) ? rule(group.record, own.get(t.name)) : shared));
    this.passThrough = this.rules.every((r) => !r.change);
    const n = tags.length;
    this.lastValue = new Float64Array(n).fill(Number.NaN);
    this.lastTs = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    this.lastQuality = new Int16Array(n).fill(-1);
    this.lastText = new Array<string | null>(n).fill(null);
  }

  /** The batch to record: the same object when everything passes, else a filtered copy. */
  apply(batch: PollBatch): PollBatch {
    if (this.passThrough) return batch;
    const n = batch.tagIds.length;
    const keep = new Uint8Array(n);
    let kept = 0;
    for (let i = 0; i < n; i++) {
      if (this.record(i, batch)) {
        keep[i] = 1;
        kept++;
      }
    }
    if (kept === n) return batch;
    const tagIds = new Int32Array(kept);
    const values = new Float64Array(kept);
    const quality = new Uint8Array(kept);
    const texts = batch.texts ? new Array<string | null>(kept) : undefined;
    for (let i = 0, j = 0; i < n; i++) {
      if (!keep[i]) continue;
      tagIds[j] = batch.tagIds[i]!;
      values[j] = batch.values[i]!;
      quality[j] = batch.quality[i]!;
      if (texts) texts[j] = batch.texts![i] ?? null;
      j++;
    }
    return { ts: batch.ts, tagIds, values, quality, texts };
  }

  private record(i: number, batch: PollBatch): boolean {
    const r = this.rules[i];
    if (!r || !r.change) return true;
    const value = batch.values[i]!;
    const q = batch.quality[i]!;
    const text = batch.texts?.[i] ?? null;
    const last = this.lastValue[i]!;
    const changed =
      q !== this.lastQuality[i] ||
      batch.ts - this.lastTs[i]! >= r.heartbeatMs ||
      text !== this.lastText[i] ||
      Number.isNaN(value) !== Number.isNaN(last) ||
      Math.abs(value - last) > Math.max(r.deadband, (Math.abs(last) * r.percent) / 100);
    if (changed) {
      this.lastValue[i] = value;
      this.lastTs[i] = batch.ts;
      this.lastQuality[i] = q;
      this.lastText[i] = text;
    }
    return changed;
  }
}

function rule(group: RecordConfig | undefined, tag: RecordConfig | undefined): Rule {
  const mode = tag?.mode ?? group?.mode ?? 'every';
  const heartbeatS = tag?.heartbeatS ?? group?.heartbeatS;
  return {
    change: mode === 'change',
    deadband: tag?.deadband ?? group?.deadband ?? 0,
    percent: tag?.deadbandPercent ?? group?.deadbandPercent ?? 0,
    heartbeatMs: heartbeatS !== undefined ? heartbeatS * 1000 : Number.POSITIVE_INFINITY,
  };
}
