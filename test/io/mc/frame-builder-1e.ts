import { ascii, hex, hx, le } from './frame-builder.js';

/**
 * Test-only 1E frame builder: frames typed out field by field from the FX3U-ENET-ADP manual's
 * layout (7.3), never through our encoder. Binary: subheader, PC no., timer (LE), head device
 * number (4 bytes LE), device code (2 bytes LE), points, 00. ASCII: the same as hex text, but the
 * device code comes before the number.
 */

export interface Request1e {
  readonly command: number;
  readonly code: number;
  readonly number: number;
  /** 256 is sent as 00. */
  readonly points: number;
  readonly pc?: number;
  readonly timer?: number;
  /** Write data, already in the frame's encoding (hex digits of bytes for binary, text for ASCII). */
  readonly data?: string;
}

export function binary1eRequest(r: Request1e): Uint8Array {
  return hex(`${le(r.command, 1)} ${le(r.pc ?? 0xff, 1)} ${le(r.timer ?? 4, 2)} ${le(r.number, 4)} ${le(r.code, 2)} ${le(r.points & 0xff, 1)} 00 ${r.data ?? ''}`);
}

export function ascii1eRequest(r: Request1e): Uint8Array {
  return ascii(`${hx(r.command, 2)}${hx(r.pc ?? 0xff, 2)}${hx(r.timer ?? 4, 4)}${hx(r.code, 4)}${hx(r.number, 8)}${hx(r.points & 0xff, 2)}00${r.data ?? ''}`);
}

/** Binary 1E response: command | 80H, complete code, then data (hex) or, after 5BH, abnormal code and 00. */
export function binary1eResponse(command: number, complete: number, dataHex = '', abnormal?: number): Uint8Array {
  const tail = complete === 0x5b ? `${le(abnormal ?? 0, 1)}00` : dataHex;
  return hex(`${le(command | 0x80, 1)} ${le(complete, 1)} ${tail}`);
}

export function ascii1eResponse(command: number, complete: number, data = '', abnormal?: number): Uint8Array {
  const tail = complete === 0x5b ? `${hx(abnormal ?? 0, 2)}00` : data;
  return ascii(`${hx(command | 0x80, 2)}${hx(complete, 2)}${tail}`);
}

/** 1E device codes, typed out from the FX3U-ENET manual's device list (letters in ASCII, space-padded). */
export const CODE_1E = { D: 0x4420, R: 0x5220, TN: 0x544e, TS: 0x5453, CN: 0x434e, CS: 0x4353, X: 0x5820, Y: 0x5920, M: 0x4d20, S: 0x5320 } as const;
