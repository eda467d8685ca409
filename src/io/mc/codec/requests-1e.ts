import { formatMcAddress } from '../address.js';
import { FX3_DEVICES } from './devices-1e.js';
import { createFieldWriter, type FieldWriter } from './fields.js';
import type { DevicePoint, McCommand } from './requests.js';
import type { Encoding } from './wire.js';
import { Mc1eWire } from './wire-1e.js';

/**
 * 1E batch read/write commands (FX3U-ENET-ADP manual 7.5): what follows the subheader, PC number
 * and monitoring timer. Same McCommand shape as 3E/4E (command = the 1E command code, subcommand
 * unused) so the planner and driver handle both; `replyLength` frames the reply.
 */

function head(w: FieldWriter, point: DevicePoint, points: number): void {
  const device = FX3_DEVICES.get(point.info.name);
  if (!device) throw new RangeError(`${point.info.name} is not an FX3 device (1E)`);
  if (points < 1 || points > 256) throw new RangeError(`1E requests carry 1-256 points, not ${points}`);
  // Binary: head device number (4 bytes LE) then device code (2 bytes LE, "20 44" for D).
  // ASCII: device code first ("4420"), then the number as 8 hex digits (manual 7.3, D100 = 4420 00000064).
  if (w.encoding === 'binary') {
    w.u32(point.number);
    w.u16(device.code);
  } else {
    w.u16(device.code);
    w.u32(point.number);
  }
  w.u8(points & 0xff); // 256 points are sent as 00H
  w.u8(0x00); // fixed 00H after the number of points
}

function range(point: DevicePoint, count: number): string {
  const first = formatMcAddress({ info: point.info, number: point.number, bit: undefined }, 'fx3');
  if (count <= 1) return first;
  return `${first}-${formatMcAddress({ info: point.info, number: point.number + count - 1, bit: undefined }, 'fx3')}`;
}

/** Reply data size of `points` bit-unit points: binary 2 points a byte; ASCII one character a point, padded to even. */
export function bitDataLength(points: number, encoding: Encoding): number {
  return encoding === 'binary' ? Math.ceil(points / 2) : points + (points % 2);
}

/** Command 01H: batch read in word units. For a bit device, `head` is a multiple of 16 and each word holds 16 points. */
export function batchReadWords1e(point: DevicePoint, words: number, encoding: Encoding): McCommand {
  const w = createFieldWriter(encoding, 24);
  head(w, point, words);
  const span = point.info.kind === 'bit' ? words * 16 : words;
  return { command: Mc1eWire.COMMAND_READ_WORDS, subcommand: 0, body: w.finish(), label: `batch read words ${range(point, span)}`, replyLength: words * (encoding === 'binary' ? 2 : 4) };
}

/**
 * Command 00H: batch read in bit units. The planner asks for even counts: with an odd count the
 * reply carries a dummy half byte (binary, manual 7.5.2); we also pad ASCII replies to even so a
 * reply's length never depends on a detail the manuals leave open.
 */
export function batchReadBits1e(point: DevicePoint, points: number, encoding: Encoding): McCommand {
  const w = createFieldWriter(encoding, 24);
  head(w, point, points);
  return { command: Mc1eWire.COMMAND_READ_BITS, subcommand: 0, body: w.finish(), label: `batch read bits ${range(point, points)}`, replyLength: bitDataLength(points, encoding) };
}

/** Command 03H: batch write in word units. */
export function batchWriteWords1e(point: DevicePoint, values: ArrayLike<number>, encoding: Encoding): McCommand {
  const w = createFieldWriter(encoding, 24 + values.length * 4);
  head(w, point, values.length);
  for (let i = 0; i < values.length; i++) w.u16(values[i]! & 0xffff);
  return { command: Mc1eWire.COMMAND_WRITE_WORDS, subcommand: 0, body: w.finish(), label: `batch write words ${range(point, values.length)}`, replyLength: 0 };
}

/** Command 02H: batch write in bit units (the handshake ack). An odd count gets a dummy point (manual 7.5.4). */
export function batchWriteBits1e(point: DevicePoint, values: ArrayLike<number>, encoding: Encoding): McCommand {
  const w = createFieldWriter(encoding, 24 + values.length + 1);
  head(w, point, values.length);
  const padded = values.length % 2 === 1 ? [...Array.from(values), 0] : values;
  w.bits(padded);
  return { command: Mc1eWire.COMMAND_WRITE_BITS, subcommand: 0, body: w.finish(), label: `batch write bits ${range(point, values.length)}`, replyLength: 0 };
}

export interface Mc1eFrameOptions {
  readonly encoding: Encoding;
  /** PC number: FFH, the PLC the adapter is on. */
  readonly pc: number;
  /** Monitoring timer in 250 ms units (0 waits forever). */
  readonly monitoringTimer: number;
}

/** A whole 1E request frame: subheader (= command), PC number, monitoring timer, then the command's body. */
export function encode1eRequestFrame(options: Mc1eFrameOptions, command: McCommand): Uint8Array {
  const w = createFieldWriter(options.encoding, 8 + command.body.length);
  w.u8(command.command);
  w.u8(options.pc);
  w.u16(options.monitoringTimer);
  w.raw(command.body);
  return w.finish();
}
