/**
 * Wire constants of MC protocol (SLMP) 3E/4E frames. Each member names the frame field it fills
 * (SLMP reference SH-080008, "message format"). Binary fields are little-endian except the
 * subheader, which is sent as written (50 00); ASCII fields are uppercase hex, most significant first.
 */
export enum McWire {
  /** Subheader of a 3E request ("50 00" / "5000"). */
  SUBHEADER_3E_REQUEST = 0x5000,
  /** Subheader of a 3E response ("D0 00" / "D000"). */
  SUBHEADER_3E_RESPONSE = 0xd000,
  /** Subheader of a 4E request ("54 00"), followed by a 2-byte serial and 2 fixed zero bytes. */
  SUBHEADER_4E_REQUEST = 0x5400,
  /** Subheader of a 4E response ("D4 00"), echoing the request's serial. */
  SUBHEADER_4E_RESPONSE = 0xd400,
  /** Request destination module I/O number: 0x03FF = the CPU of the connected station. */
  MODULE_IO_OWN_CPU = 0x03ff,
  /** Request destination multidrop station number: 0 when not going through a multidrop link. */
  MULTIDROP_NONE = 0x00,
  /** Network number 0 = the connected station's own network. */
  NETWORK_OWN = 0x00,
  /** PC number 0xFF = the connected station. */
  PC_OWN = 0xff,
  /** Command: batch read (device memory, consecutive points). */
  COMMAND_BATCH_READ = 0x0401,
  /** Command: batch write. */
  COMMAND_BATCH_WRITE = 0x1401,
  /** Command: random read (scattered word and double-word points). */
  COMMAND_RANDOM_READ = 0x0403,
  /** Subcommand: word units, Q format device spec (3-byte number + 1-byte code). */
  SUBCOMMAND_WORD = 0x0000,
  /** Subcommand: bit units, Q format device spec. */
  SUBCOMMAND_BIT = 0x0001,
  /** Subcommand: word units, iQ-R extended device spec (4-byte number + 2-byte code). */
  SUBCOMMAND_WORD_EXT = 0x0002,
  /** Subcommand: bit units, iQ-R extended device spec. */
  SUBCOMMAND_BIT_EXT = 0x0003,
  /** End code of a successful response. */
  END_CODE_OK = 0x0000,
  /** Monitoring timer unit: 250 ms. */
  MONITORING_TIMER_UNIT_MS = 250,
}

export type FrameType = '3e' | '4e';
export type Encoding = 'binary' | 'ascii';

/** Bytes (binary) or characters (ASCII) before the request data length field's payload. */
export function headerLength(frame: FrameType, encoding: Encoding): number {
  if (encoding === 'binary') return frame === '3e' ? 9 : 13;
  return frame === '3e' ? 18 : 26;
}

/** Bytes/characters of the end code and the error information that follows a non-zero end code. */
export const END_CODE_SIZE: Record<Encoding, number> = { binary: 2, ascii: 4 };
export const ERROR_INFO_SIZE: Record<Encoding, number> = { binary: 9, ascii: 18 };
