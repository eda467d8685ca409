import { McWire, type Encoding } from '../codec/wire.js';
import { createFieldReader, createFieldWriter, FieldError, type FieldReader, type FieldWriter } from '../codec/fields.js';
import type { McSeries } from '../devices.js';
import type { DeviceInfo } from '../devices.js';
import type { McLimits } from '../limits.js';
import type { McRefusal } from './faults.js';
import type { McMemory } from './memory.js';

/**
 * The simulated module's command processing: a request's command, subcommand and body against
 * the device memory, giving an end code and the response data. Pure (no sockets, no time), so
 * every end code can be tested directly.
 */

export const SimEndCode = {
  TOO_MANY_BIT_POINTS: 0xc051,
  TOO_MANY_WORD_POINTS: 0xc052,
  TOO_MANY_RANDOM_POINTS: 0xc054,
  ADDRESS_OUT_OF_RANGE: 0xc056,
  UNSUPPORTED_COMMAND: 0xc059,
  WRONG_REQUEST_CONTENT: 0xc05c,
  MONITORING_TIMER_EXPIRED: 0xc05e,
  LENGTH_MISMATCH: 0xc061,
} as const;

export interface HandlerContext {
  readonly memory: McMemory;
  readonly series: McSeries;
  readonly encoding: Encoding;
  readonly limits: McLimits;
  /** Ranges refused at run time (McFaults.refuse). */
  readonly faults?: { readonly refuse: readonly McRefusal[] } | undefined;
}

export interface HandlerResult {
  readonly endCode: number;
  readonly data?: Uint8Array | undefined;
}

export interface SimRequest {
  readonly command: number;
  readonly subcommand: number;
  readonly body: Uint8Array;
}

/** Thrown inside the handler to answer with an end code. */
class EndCode extends Error {
  constructor(readonly endCode: number) {
    super(`end code ${endCode.toString(16)}`);
  }
}

export function handleRequest(request: SimRequest, ctx: HandlerContext): HandlerResult {
  const extended = (request.subcommand & 0x0002) !== 0;
  const bitUnits = (request.subcommand & 0x0001) !== 0;
  const validSub = request.subcommand <= 0x0003 && (ctx.series === 'iqr' || !extended);
  try {
    const reader = createFieldReader(request.body, ctx.encoding);
    const out = createFieldWriter(ctx.encoding);
    switch (request.command) {
      case McWire.COMMAND_BATCH_READ:
        if (!validSub) throw new EndCode(SimEndCode.UNSUPPORTED_COMMAND);
        batchRead(reader, out, ctx, extended, bitUnits);
        break;
      case McWire.COMMAND_BATCH_WRITE:
        if (!validSub) throw new EndCode(SimEndCode.UNSUPPORTED_COMMAND);
        batchWrite(reader, ctx, extended, bitUnits);
        break;
      case McWire.COMMAND_RANDOM_READ:
        if (!validSub || bitUnits) throw new EndCode(SimEndCode.UNSUPPORTED_COMMAND);
        randomRead(reader, out, ctx, extended);
        break;
      default:
        throw new EndCode(SimEndCode.UNSUPPORTED_COMMAND);
    }
    if (reader.remaining !== 0) throw new EndCode(SimEndCode.LENGTH_MISMATCH);
    return { endCode: McWire.END_CODE_OK, data: out.finish() };
  } catch (err) {
    if (err instanceof EndCode) return { endCode: err.endCode };
    if (err instanceof FieldError) return { endCode: err.kind === 'short' ? SimEndCode.LENGTH_MISMATCH : SimEndCode.WRONG_REQUEST_CONTENT };
    throw err;
  }
}

function batchRead(reader: FieldReader, out: FieldWriter, ctx: HandlerContext, extended: boolean, bitUnits: boolean): void {
  const { info, number } = reader.device(ctx.series, extended);
  const points = reader.u16();
  if (reader.remaining !== 0) throw new EndCode(SimEndCode.LENGTH_MISMATCH);
  if (bitUnits) {
    if (info.kind !== 'bit') throw new EndCode(SimEndCode.WRONG_REQUEST_CONTENT);
    if (points < 1 || points > ctx.limits.bits) throw new EndCode(SimEndCode.TOO_MANY_BIT_POINTS);
    if (!fitsBits(ctx, info, number, points)) throw new EndCode(SimEndCode.ADDRESS_OUT_OF_RANGE);
    out.bits(ctx.memory.readBitUnits(info, number, points));
    return;
  }
  if (!info.wordAccess) throw new EndCode(SimEndCode.WRONG_REQUEST_CONTENT);
  if (points < 1 || points > ctx.limits.words) throw new EndCode(SimEndCode.TOO_MANY_WORD_POINTS);
  if (!fitsWords(ctx, info, number, points)) throw new EndCode(SimEndCode.ADDRESS_OUT_OF_RANGE);
  for (const word of ctx.memory.readWordUnits(info, number, points)) out.u16(word);
}

function batchWrite(reader: FieldReader, ctx: HandlerContext, extended: boolean, bitUnits: boolean): void {
  const { info, number } = reader.device(ctx.series, extended);
  const points = reader.u16();
  if (bitUnits) {
    if (info.kind !== 'bit') throw new EndCode(SimEndCode.WRONG_REQUEST_CONTENT);
    if (points < 1 || points > ctx.limits.bits) throw new EndCode(SimEndCode.TOO_MANY_BIT_POINTS);
    const values = reader.bits(points);
    if (!fitsBits(ctx, info, number, points)) throw new EndCode(SimEndCode.ADDRESS_OUT_OF_RANGE);
    ctx.memory.writeBitUnits(info, number, values);
    return;
  }
  if (!info.wordAccess) throw new EndCode(SimEndCode.WRONG_REQUEST_CONTENT);
  if (points < 1 || points > ctx.limits.words) throw new EndCode(SimEndCode.TOO_MANY_WORD_POINTS);
  const values = new Uint16Array(points);
  for (let k = 0; k < points; k++) values[k] = reader.u16();
  if (!fitsWords(ctx, info, number, points)) throw new EndCode(SimEndCode.ADDRESS_OUT_OF_RANGE);
  ctx.memory.writeWordUnits(info, number, values);
}

function randomRead(reader: FieldReader, out: FieldWriter, ctx: HandlerContext, extended: boolean): void {
  const wordPoints = reader.u8();
  const dwordPoints = reader.u8();
  if (wordPoints + dwordPoints < 1 || wordPoints + dwordPoints > ctx.limits.randomPoints) throw new EndCode(SimEndCode.TOO_MANY_RANDOM_POINTS);
  const specs = Array.from({ length: wordPoints + dwordPoints }, () => reader.device(ctx.series, extended));
  if (reader.remaining !== 0) throw new EndCode(SimEndCode.LENGTH_MISMATCH);
  specs.forEach(({ info, number }, k) => {
    const words = k < wordPoints ? 1 : 2;
    if (!info.wordAccess) throw new EndCode(SimEndCode.WRONG_REQUEST_CONTENT);
    if (!fitsWords(ctx, info, number, words)) throw new EndCode(SimEndCode.ADDRESS_OUT_OF_RANGE);
  });
  specs.forEach(({ info, number }, k) => {
    if (k < wordPoints) {
      out.u16(ctx.memory.readWordUnits(info, number, 1)[0]!);
    } else {
      const [low, high] = ctx.memory.readWordUnits(info, number, 2);
      out.u32(high! * 0x10000 + low!);
    }
  });
}

/** The range exists in memory and no refusal covers any of its points (`span` points from `head`). */
function allowed(ctx: HandlerContext, info: DeviceInfo, head: number, span: number): boolean {
  const refuse = ctx.faults?.refuse ?? [];
  return !refuse.some((r) => r.device === info.name && head < r.start + (r.count ?? Number.POSITIVE_INFINITY) && r.start < head + span);
}

function fitsWords(ctx: HandlerContext, info: DeviceInfo, head: number, count: number): boolean {
  return ctx.memory.fitsWords(info, head, count) && allowed(ctx, info, head, info.kind === 'word' ? count : count * 16);
}

function fitsBits(ctx: HandlerContext, info: DeviceInfo, head: number, count: number): boolean {
  return ctx.memory.fitsBits(info, head, count) && allowed(ctx, info, head, count);
}
