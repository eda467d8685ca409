import { AddressError } from '../errors.js';
import type { ReadPlan } from '../driver.js';
import { Quality, type TagSpec, type WordOrder } from '../types.js';
import type { AddressBase, ModbusTable } from './address.js';
import { decodeNumber, decodeString, packedBit, TYPE_CODE, type ByteOrder, type TypeCode } from './decode.js';
import { planBlocks, type PlannerOptions, type ReadBlock, type Span } from './planner.js';
import { resolveModbusTag, type ResolvedModbusTag } from './tag-check.js';

/**
 * A compiled read plan: the block reads, and for every tag where its value sits in which reply
 * and how to decode it, in parallel typed arrays. Built once per group; each poll only walks
 * these arrays and writes numbers into the batch (no objects per value).
 */

/** One request of a plan and the tags its reply carries. Immutable: a split swaps in new ones. */
export interface PlanBlock extends ReadBlock {
  /** Tag indices whose value is in this reply. */
  readonly members: Int32Array;
  /** Register (or bit) index of each member inside the reply, parallel to `members`. */
  readonly positions: Int32Array;
}

export interface ModbusReadPlan extends ReadPlan {
  /** Tag ids in plan order; each batch gets a copy. */
  readonly tagIds: Int32Array;
  /** The requests of one poll. Changed in place only by the driver's refusal isolation. */
  readonly blocks: PlanBlock[];
  readonly typeCode: Uint8Array;
  /** Where each tag sits: its table, first register (or bit) and how many. */
  readonly table: readonly ModbusTable[];
  readonly spanOffset: Int32Array;
  readonly spanLength: Int32Array;
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
  const spans = tags.map((tag, i): Span => {
    const resolved = resolveNamed(tag, defaults.addressBase);
    typeCode[i] = TYPE_CODE[tag.type];
    bit[i] = resolved.address.bit ?? 0;
    highWordFirst[i] = (tag.wordOrder ?? defaults.wordOrder) === 'high' ? 1 : 0;
    length[i] = tag.type === 'string' ? resolved.span : 0;
    scale[i] = tag.scale ?? 1;
    offset[i] = tag.offset ?? 0;
    scaled[i] = scale[i] !== 1 || offset[i] !== 0 ? 1 : 0;
    return { table: resolved.address.table, offset: resolved.address.offset, span: resolved.span };
  });
  const plan: ModbusReadPlan = {
    tags,
    get requestCount() {
      return plan.blocks.length;
    },
    tagIds: Int32Array.from(tags, (t) => t.id),
    blocks: [],
    typeCode,
    table: spans.map((sp) => sp.table),
    spanOffset: Int32Array.from(spans, (sp) => sp.offset),
    spanLength: Int32Array.from(spans, (sp) => sp.span),
    bit,
    highWordFirst,
    length,
    scale,
    offset,
    scaled,
    stringByteOrder: defaults.stringByteOrder,
    hasStrings: tags.some((t) => t.type === 'string'),
  };
  plan.blocks.push(...buildBlocks(spans, tags.map((_, i) => i), defaults.planner));
  return plan;
}

/** Plan the tags `indices` (spans[k] belongs to tag indices[k]) into blocks with their members. */
function buildBlocks(spans: readonly Span[], indices: readonly number[], planner: PlannerOptions | undefined): PlanBlock[] {
  const { blocks, blockOf } = planBlocks(spans, planner);
  const members: number[][] = blocks.map(() => []);
  const positions: number[][] = blocks.map(() => []);
  for (let k = 0; k < spans.length; k++) {
    const b = blockOf[k]!;
    members[b]!.push(indices[k]!);
    positions[b]!.push(spans[k]!.offset - blocks[b]!.start);
  }
  return blocks.map((block, b) => ({ ...block, members: Int32Array.from(members[b]!), positions: Int32Array.from(positions[b]!) }));
}

/** Blocks that read exactly the tags `indices` (plan indices), merged by the plan's own rules. */
export function planSubset(plan: ModbusReadPlan, indices: readonly number[], planner: PlannerOptions | undefined): PlanBlock[] {
  const spans = indices.map((i): Span => ({ table: plan.table[i]!, offset: plan.spanOffset[i]!, span: plan.spanLength[i]! }));
  return buildBlocks(spans, indices, planner);
}

/** A block's tags in address order (first register, then size): how a refused block is bisected. */
export function membersByAddress(plan: ModbusReadPlan, block: PlanBlock): number[] {
  return Array.from(block.members).sort((a, b) => plan.spanOffset[a]! - plan.spanOffset[b]! || plan.spanLength[a]! - plan.spanLength[b]!);
}

/** Resolve a tag; the error names the tag, since one address can appear in many groups. */
function resolveNamed(tag: TagSpec, addressBase: AddressBase): ResolvedModbusTag {
  try {
    return resolveModbusTag(tag.address, tag.type, tag.length, addressBase);
  } catch (err) {
    if (err instanceof AddressError) {
      const prefix = `bad address "${tag.address}": `;
      const reason = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
      throw new AddressError(tag.address, `${reason} (tag "${tag.name}")`);
    }
    throw err;
  }
}

/** Where one poll's values go (the PollBatch's arrays). */
export interface BatchArrays {
  readonly values: Float64Array;
  readonly quality: Uint8Array;
  readonly texts: (string | null)[] | undefined;
}

/**
 * Decode a block's reply into the batch. `bytes` are the reply's data bytes: registers
 * big-endian as on the wire, or bits packed LSB first.
 */
export function decodeBlock(plan: ModbusReadPlan, block: PlanBlock, bytes: Uint8Array, out: BatchArrays): void {
  const { members, positions } = block;
  const registers = block.table === 'holding' || block.table === 'input';
  for (let k = 0; k < members.length; k++) {
    const i = members[k]!;
    const code = plan.typeCode[i]! as TypeCode;
    const pos = positions[k]!;
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
