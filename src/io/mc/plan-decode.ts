import { Quality, type PollBatch, type QualityCode } from '../types.js';
import type { McPlannedRequest, McReadPlan } from './planner.js';
import { decodeAt, decodeString, TYPE_CODE, type TypeCode } from './values.js';

/**
 * The hot path: a reply's words (or bit points) straight into the poll batch's typed arrays.
 * One loop over the request's tags, one switch per value, no object per value.
 */

export interface MutableBatch extends PollBatch {
  readonly values: Float64Array;
  readonly quality: Uint8Array;
  readonly texts?: (string | null)[] | undefined;
}

/** A batch for one execution of a plan: values NaN and quality BAD_COMM until a reply fills them. */
export function newBatch(plan: McReadPlan, ts: number): MutableBatch {
  const n = plan.tagIds.length;
  return {
    ts,
    tagIds: plan.tagIds,
    values: new Float64Array(n).fill(Number.NaN),
    quality: new Uint8Array(n).fill(Quality.BAD_COMM),
    texts: plan.hasStrings ? new Array<string | null>(n).fill(null) : undefined,
  };
}

/** Decode a word-unit reply (batch or random read) into the batch. */
export function decodeWordReply(plan: McReadPlan, request: McPlannedRequest, words: Uint16Array, batch: MutableBatch): void {
  const { tagIndex, offset } = request;
  const { codes, bit, highFirst, scale } = plan;
  const { values, quality } = batch;
  for (let k = 0; k < tagIndex.length; k++) {
    const i = tagIndex[k]!;
    const at = offset[k]!;
    const code = codes[i]! as TypeCode;
    if (code === TYPE_CODE.bit) {
      values[i] = (words[at]! >> bit[i]!) & 1;
      quality[i] = Quality.GOOD;
    } else if (code === TYPE_CODE.string) {
      if (batch.texts) batch.texts[i] = decodeString(words, at, plan.length[i]!, plan.byteOrder);
      quality[i] = Quality.GOOD;
    } else {
      const raw = decodeAt(words, at, code, highFirst[i] === 1);
      // NaN: a BCD word with a nibble above 9, or a float holding NaN. Not a measurement.
      if (Number.isNaN(raw)) {
        quality[i] = Quality.BAD_CONFIG;
      } else {
        values[i] = raw * scale[i]! + plan.offset[i]!;
        quality[i] = Quality.GOOD;
      }
    }
  }
}

/** Decode a bit-unit reply (one 0/1 per point) into the batch. */
export function decodeBitReply(request: McPlannedRequest, bits: Uint8Array, batch: MutableBatch): void {
  const { tagIndex, offset } = request;
  for (let k = 0; k < tagIndex.length; k++) {
    const i = tagIndex[k]!;
    batch.values[i] = bits[offset[k]!]!;
    batch.quality[i] = Quality.GOOD;
  }
}

/** Mark a request's tags with a failure quality (the request failed; others may have succeeded). */
export function markFailed(request: McPlannedRequest, batch: MutableBatch, quality: QualityCode): void {
  for (let k = 0; k < request.tagIndex.length; k++) {
    const i = request.tagIndex[k]!;
    batch.values[i] = Number.NaN;
    batch.quality[i] = quality;
  }
}
