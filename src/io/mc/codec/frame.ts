import { createFieldWriter, type FieldWriter } from './fields.js';
import { writeHex } from './hex.js';
import { END_CODE_SIZE, McWire, type Encoding, type FrameType } from './wire.js';

/** Where a request goes: the route fields of the 3E/4E header. */
export interface Route {
  readonly network: number;
  /** PC number (0xFF = the connected station). */
  readonly pc: number;
  /** Request destination module I/O number (0x03FF = own CPU). */
  readonly moduleIo: number;
  /** Request destination multidrop station number. */
  readonly multidrop: number;
}

export const DEFAULT_ROUTE: Route = {
  network: McWire.NETWORK_OWN,
  pc: McWire.PC_OWN,
  moduleIo: McWire.MODULE_IO_OWN_CPU,
  multidrop: McWire.MULTIDROP_NONE,
};

export interface RequestFrameOptions {
  readonly frame: FrameType;
  readonly encoding: Encoding;
  readonly route: Route;
  /** Monitoring timer in 250 ms units; 0 waits forever (never use 0 towards a remote station). */
  readonly monitoringTimer: number;
}

function writeHead(w: FieldWriter, frame: FrameType, subheader: number, serial: number, route: Route, length: number): void {
  // The subheader is a fixed byte sequence ("50 00"), not a little-endian number.
  if (w.encoding === 'binary') {
    w.u8(subheader >> 8);
    w.u8(subheader & 0xff);
  } else {
    w.u16(subheader);
  }
  if (frame === '4e') {
    w.u16(serial);
    w.u16(0); // fixed 00 00 after the serial
  }
  w.u8(route.network);
  w.u8(route.pc);
  w.u16(route.moduleIo);
  w.u8(route.multidrop);
  w.u16(length);
}

/**
 * A whole request frame: header, request data length, monitoring timer, command, subcommand,
 * then `body` (already in the frame's encoding). For 4E the serial is 0 here: the client patches
 * each send's serial with `setRequestSerial`, so a plan's frames are encoded once and reused.
 */
export function encodeRequestFrame(options: RequestFrameOptions, command: number, subcommand: number, body: Uint8Array, serial = 0): Uint8Array {
  const w = createFieldWriter(options.encoding, 32 + body.length);
  const fieldsAfterLength = options.encoding === 'binary' ? 6 : 12; // timer + command + subcommand
  const subheader = options.frame === '3e' ? McWire.SUBHEADER_3E_REQUEST : McWire.SUBHEADER_4E_REQUEST;
  writeHead(w, options.frame, subheader, serial, options.route, fieldsAfterLength + body.length);
  w.u16(options.monitoringTimer);
  w.u16(command);
  w.u16(subcommand);
  w.raw(body);
  return w.finish();
}

/** Write a 4E serial into an encoded frame (bytes 2-3 little-endian, or characters 4-7). */
export function setRequestSerial(frame: Uint8Array, encoding: Encoding, serial: number): void {
  if (encoding === 'binary') {
    frame[2] = serial & 0xff;
    frame[3] = (serial >> 8) & 0xff;
  } else {
    writeHex(frame, 4, 4, serial);
  }
}

export interface ResponseFrameFields {
  readonly frame: FrameType;
  readonly serial: number;
  readonly route: Route;
  readonly endCode: number;
  /** Success: the response data. Error: ignored. */
  readonly data?: Uint8Array | undefined;
  /** Error: the command and subcommand the error information echoes. */
  readonly command?: number | undefined;
  readonly subcommand?: number | undefined;
}

/**
 * A whole response frame (used by the simulator). An error response carries, after the end code,
 * the responding station's route and the failed command + subcommand (9 bytes / 18 characters).
 */
export function encodeResponseFrame(encoding: Encoding, fields: ResponseFrameFields): Uint8Array {
  const data = fields.data ?? new Uint8Array(0);
  const w = createFieldWriter(encoding, 48 + data.length);
  const subheader = fields.frame === '3e' ? McWire.SUBHEADER_3E_RESPONSE : McWire.SUBHEADER_4E_RESPONSE;
  if (fields.endCode === McWire.END_CODE_OK) {
    writeHead(w, fields.frame, subheader, fields.serial, fields.route, END_CODE_SIZE[encoding] + data.length);
    w.u16(fields.endCode);
    w.raw(data);
    return w.finish();
  }
  const info = createFieldWriter(encoding, 24);
  info.u8(fields.route.network);
  info.u8(fields.route.pc);
  info.u16(fields.route.moduleIo);
  info.u8(fields.route.multidrop);
  info.u16(fields.command ?? 0);
  info.u16(fields.subcommand ?? 0);
  const extra = info.finish();
  writeHead(w, fields.frame, subheader, fields.serial, fields.route, END_CODE_SIZE[encoding] + extra.length);
  w.u16(fields.endCode);
  w.raw(extra);
  return w.finish();
}
