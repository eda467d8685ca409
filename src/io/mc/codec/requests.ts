import { formatMcAddress } from '../address.js';
import type { DeviceInfo, McSeries } from '../devices.js';
import { createFieldWriter } from './fields.js';
import { McWire, type Encoding } from './wire.js';

/** A device and number on the wire (a head device, or one random point). */
export interface DevicePoint {
  readonly info: DeviceInfo;
  readonly number: number;
}

/** A command ready to be framed: what follows the subcommand, in the frame's encoding. */
export interface McCommand {
  readonly command: number;
  readonly subcommand: number;
  readonly body: Uint8Array;
  /** What the request asks, for errors and logs ("batch read words D100-D199"). */
  readonly label: string;
  /**
   * 1E only: bytes (binary) or characters (ASCII) of a successful reply's data. A 1E reply has no
   * length field, so the client frames it by what it asked for.
   */
  readonly replyLength?: number | undefined;
}

export interface CodecContext {
  readonly series: McSeries;
  readonly encoding: Encoding;
}

/** iQ-R takes the extended device spec (4-byte number, 2-byte code) through subcommands 0002/0003. */
function unitSubcommand(ctx: CodecContext, unit: 'word' | 'bit'): number {
  if (ctx.series === 'iqr') return unit === 'word' ? McWire.SUBCOMMAND_WORD_EXT : McWire.SUBCOMMAND_BIT_EXT;
  return unit === 'word' ? McWire.SUBCOMMAND_WORD : McWire.SUBCOMMAND_BIT;
}

function range(head: DevicePoint, count: number, ctx: CodecContext): string {
  const first = formatMcAddress({ info: head.info, number: head.number, bit: undefined }, ctx.series);
  if (count <= 1) return first;
  return `${first}-${formatMcAddress({ info: head.info, number: head.number + count - 1, bit: undefined }, ctx.series)}`;
}

/**
 * Batch read 0x0401 in word units. `head` is the device number on the wire: for a bit device
 * read in word units it is the first point (a multiple of 16), and each word packs 16 points.
 */
export function batchReadWords(head: DevicePoint, words: number, ctx: CodecContext): McCommand {
  const w = createFieldWriter(ctx.encoding);
  w.device(head, ctx.series);
  w.u16(words);
  const span = head.info.kind === 'bit' ? words * 16 : words;
  return { command: McWire.COMMAND_BATCH_READ, subcommand: unitSubcommand(ctx, 'word'), body: w.finish(), label: `batch read words ${range(head, span, ctx)}` };
}

/** Batch read 0x0401 in bit units (bit devices only). */
export function batchReadBits(head: DevicePoint, points: number, ctx: CodecContext): McCommand {
  const w = createFieldWriter(ctx.encoding);
  w.device(head, ctx.series);
  w.u16(points);
  return { command: McWire.COMMAND_BATCH_READ, subcommand: unitSubcommand(ctx, 'bit'), body: w.finish(), label: `batch read bits ${range(head, points, ctx)}` };
}

/**
 * Random read 0x0403: word points (1 word each) then double-word points (2 words each, low word
 * first). The reply holds the word points' data, then the double words'.
 */
export function randomRead(words: readonly DevicePoint[], dwords: readonly DevicePoint[], ctx: CodecContext): McCommand {
  const w = createFieldWriter(ctx.encoding, 8 + (words.length + dwords.length) * 12);
  w.u8(words.length);
  w.u8(dwords.length);
  for (const p of words) w.device(p, ctx.series);
  for (const p of dwords) w.device(p, ctx.series);
  const first = words[0] ?? dwords[0];
  const where = first ? ` from ${range(first, 1, ctx)}` : '';
  return {
    command: McWire.COMMAND_RANDOM_READ,
    subcommand: ctx.series === 'iqr' ? McWire.SUBCOMMAND_WORD_EXT : McWire.SUBCOMMAND_WORD,
    body: w.finish(),
    label: `random read ${words.length} words + ${dwords.length} dwords${where}`,
  };
}

/** Batch write 0x1401 in word units. */
export function batchWriteWords(head: DevicePoint, values: ArrayLike<number>, ctx: CodecContext): McCommand {
  const w = createFieldWriter(ctx.encoding, 16 + values.length * 4);
  w.device(head, ctx.series);
  w.u16(values.length);
  for (let i = 0; i < values.length; i++) w.u16(values[i]! & 0xffff);
  return { command: McWire.COMMAND_BATCH_WRITE, subcommand: unitSubcommand(ctx, 'word'), body: w.finish(), label: `batch write words ${range(head, values.length, ctx)}` };
}

/** Batch write 0x1401 in bit units: how the collector sets a handshake ack bit. */
export function batchWriteBits(head: DevicePoint, values: ArrayLike<number>, ctx: CodecContext): McCommand {
  const w = createFieldWriter(ctx.encoding, 16 + values.length);
  w.device(head, ctx.series);
  w.u16(values.length);
  w.bits(values);
  return { command: McWire.COMMAND_BATCH_WRITE, subcommand: unitSubcommand(ctx, 'bit'), body: w.finish(), label: `batch write bits ${range(head, values.length, ctx)}` };
}
