/**
 * Types shared by every protocol driver, the buffer and the sinks.
 * A value flows one way: PLC bytes -> decoded values (PollBatch) -> buffer -> sink rows.
 */

/** Data types a tag can have. `bit` is a bit device (M10) or a bit of a word (D100.3). */
export const DATA_TYPES = [
  'bit',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'float32',
  'float64',
  'bcd16',
  'string',
] as const;
export type DataType = (typeof DATA_TYPES)[number];

/** Small integer per data type, for the typed arrays of read plans (both protocols). */
export const TYPE_CODE = {
  bit: 0,
  int16: 1,
  uint16: 2,
  int32: 3,
  uint32: 4,
  float32: 5,
  float64: 6,
  bcd16: 7,
  string: 8,
} as const satisfies Record<DataType, number>;
export type TypeCode = (typeof TYPE_CODE)[DataType];

/** Order of the 16-bit words inside a 32/64-bit value. `low` = low word first (Mitsubishi's native order). */
export type WordOrder = 'low' | 'high';

/** How many 16-bit words a value of this type occupies (strings: `length` words). */
export function wordsOf(type: DataType, length = 1): number {
  switch (type) {
    case 'bit':
    case 'int16':
    case 'uint16':
    case 'bcd16':
      return 1;
    case 'int32':
    case 'uint32':
    case 'float32':
      return 2;
    case 'float64':
      return 4;
    case 'string':
      return length;
  }
}

/**
 * Quality of a recorded value, stored as a small integer in every sink.
 * 0 is good; anything else says why the value is missing or doubtful, so a trend
 * shows where data is missing and why instead of a silent gap.
 */
export const Quality = {
  GOOD: 0,
  /** The device could not be reached (connect failed, timeout, socket closed). */
  BAD_COMM: 1,
  /** The device answered with an error (MC end code, Modbus exception). */
  BAD_DEVICE: 2,
  /** The value could not be decoded or the tag's configuration is wrong for the device. */
  BAD_CONFIG: 3,
} as const;
export type QualityCode = (typeof Quality)[keyof typeof Quality];

/** A tag as a driver sees it: everything needed to plan, read and decode it. */
export interface TagSpec {
  /** Stable id from the config store; the sink's natural key is (tag id, ts). */
  readonly id: number;
  readonly name: string;
  readonly address: string;
  readonly type: DataType;
  /** Words of a string tag. */
  readonly length?: number | undefined;
  /** Overrides the device's word order for 32/64-bit values. */
  readonly wordOrder?: WordOrder | undefined;
  /** value = raw * scale + offset (numeric types only). */
  readonly scale?: number | undefined;
  readonly offset?: number | undefined;
}

/**
 * The values of one poll, in the order of the tags that were planned.
 * One poll = one batch: numbers live in typed arrays so that 250,000 values/s
 * never become 250,000 objects on the hot path.
 */
export interface PollBatch {
  readonly ts: number;
  readonly tagIds: Int32Array;
  /** NaN where the value is missing (quality is then not GOOD) or is a string. */
  readonly values: Float64Array;
  readonly quality: Uint8Array;
  /** Only for string tags; null elsewhere. Absent when the batch holds no strings. */
  readonly texts?: (string | null)[] | undefined;
}

/** Build an all-bad batch for a poll that failed, so the failure is recorded as rows. */
export function failedBatch(tags: readonly TagSpec[], ts: number, quality: QualityCode): PollBatch {
  const tagIds = new Int32Array(tags.length);
  for (let i = 0; i < tags.length; i++) tagIds[i] = tags[i]!.id;
  return {
    ts,
    tagIds,
    values: new Float64Array(tags.length).fill(Number.NaN),
    quality: new Uint8Array(tags.length).fill(quality),
  };
}
