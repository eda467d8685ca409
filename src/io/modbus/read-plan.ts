import { AddressError } from '../errors.js';
import type { ReadPlan } from '../driver.js';
import { Quality, type TagSpec, type WordOrder } from '../types.js';
import type { AddressBase } from './address.js';
import { decodeNumber, decodeString, packedBit, TYPE_CODE, type ByteOrder, type TypeCode } from './decode.js';
import { planBlocks, type PlannerOptions, type ReadBlock } from './planner.js';
import { resolveModbusTag } from './tag-check.js';

/**
 * A compiled read plan: the block reads, and for every tag where its value sits in which reply
 * and how to decode it, in parallel typed arrays. Built once per group; each poll only walks
 * these arrays and writes numbers into the batch (no objects per value).
 */

export interface ModbusReadPlan extends ReadPlan {
  /** Tag ids in plan order; each batch gets a copy. */
  readonly tagIds: Int32Array;
  readonly blocks: readonly ReadBlock[];
  /** Tag indices whose value is in block b's reply. */
  readonly tagsOfBlock: readonly Int32Array[];
  readonly typeCode: Uint8Array;
  /** Register (or bit) index of the tag inside its block's reply. */
  readonly position: Int32Array;
  /** Bit of the register for bit-of-register tags, else 0. */
  readonly bit: Uint8Array;
  /** 1 = high word first. */
  readonly highWordFirst: Uint8Array;
  /** Registers of string tags. */
  readonly length: Uint16Array;
  readonly scale: Float64Array;
  readonly offset: Float64Array;
  /** 1 when scale/offset change the value (skipped otherwise, so -0.0 stays -0.0). */
  readonly scaled: Uint8Array;
  readonly stringByteOrder: ByteOrder;
  readonly hasStrings: boolean;
}

export interface PlanDefaults {
  readonly addressBase: AddressBase;
  /** Device word order for 32/64-bit values (Modbus default: high word first). */
  readonly wordOrder: WordOrder;
  /** Byte order of string characters inside each register (default big: first char in high byte). */
  readonly stringByteOrder: ByteOrder;
  readonly planner?: PlannerOptions;
}

export function compileReadPlan(tags: readonly TagSpec[], defaults: PlanDefaults): ModbusReadPlan {
  const n = tags.length;
  const typeCode = new Uint8Array(n);
  const bit = new Uint8Array(n);
  const highWordFirst = new Uint8Array(n);
  const length = new Uint16Array(n);
  const scale = new Float64Array(n);
  const offset = new Float64Array(n);
  const scaled = new Uint8Array(n);
  const spans = tags.map((tag, i) => {
    let resolved;
    try {
      resolved = resolveModbusTag(tag.address, tag.type, tag.length, defaults.addressBase);
    } catch (err) {
      if (err instanceof AddressError) throw new AddressError(tag.address, `tag "${tag.name}": ${err.message}`);
      throw err;
    }
    typeCode[i] = TYPE_CODE[tag.type];
    bit[i] = resolved.address.bit ?? 0;
    highWordFirst[i] = (tag.wordOrder ?? defaults.wordOrder) === 'high' ? 1 : 0;
    length[i] = tag.type === 'string' ? resolved.span : 0;
    scale[i] = tag.scale ?? 1;
    offset[i] = tag.offset ?? 0;
    scaled[i] = scale[i] !== 1 || offset[i] !== 0 ? 1 : 0;
    return { table: resolved.address.table, offset: resolved.address.offset, span: resolved.span };
  });
  const { blocks, blockOf } = planBlocks(spans, defaults.planner);
  const position = new Int32Array(n);
  const members: number[][] = blocks.map(() => []);
  for (let i = 0; i < n; i++) {
    const b = blockOf[i]!;
    position[i] = spans[i]!.offset - blocks[b]!.start;
    members[b]!.push(i);
  }
  return {
    tags,
    requestCount: blocks.length,
    tagIds: Int32Array.from(tags, (t) => t.id),
    blocks,
    tagsOfBlock: members.map((m) => Int32Array.from(m)),
    typeCode,
    position,
    bit,
    highWordFirst,
    length,
    scale,
    offset,
    scaled,
    stringByteOrder: defaults.stringByteOrder,
    hasStrings: tags.some((t) => t.type === 'string'),
  };
}

/** Where one poll's values go (the PollBatch's arrays). */
export interface BatchArrays {
  readonly values: Float64Array;
  readonly quality: Uint8Array;
  readonly texts: (string | null)[] | undefined;
}

/**
 * Decode block b's reply into the batch. `bytes` are the reply's data bytes: registers
 * big-endian as on the wire, or bits packed LSB first.
 */
export function decodeBlock(plan: ModbusReadPlan, b: number, bytes: Uint8Array, out: BatchArrays): void {
  const members = plan.tagsOfBlock[b]!;
  const registers = plan.blocks[b]!.table === 'holding' || plan.blocks[b]!.table === 'input';
  for (let k = 0; k < members.length; k++) {
    const i = members[k]!;
    const code = plan.typeCode[i]! as TypeCode;
    const pos = plan.position[i]!;
    if (!registers) {
      out.values[i] = packedBit(bytes, 0, pos);
      out.quality[i] = Quality.GOOD;
      continue;
    }
    if (code === TYPE_CODE.string) {
      if (out.texts) out.texts[i] = decodeString(bytes, pos * 2, plan.length[i]!, plan.stringByteOrder);
      out.values[i] = Number.NaN;
      out.quality[i] = Quality.GOOD;
      continue;
    }
    // Numbers are always big-endian inside a register (the Modbus rule); only word order varies.
    let value = decodeNumber(code, bytes, pos * 2, plan.highWordFirst[i] ? 'high' : 'low', 'big', plan.bit[i]);
    if (plan.scaled[i] && code !== TYPE_CODE.bit) value = value * plan.scale[i]! + plan.offset[i]!;
    out.values[i] = value;
    // NaN cannot be stored as a value: an invalid BCD digit, or a float NaN (often a wrong word order).
    out.quality[i] = Number.isNaN(value) ? Quality.BAD_CONFIG : Quality.GOOD;
  }
}
