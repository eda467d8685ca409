import { createFieldWriter } from './fields.js';
import { readHex } from './hex.js';
import { bitDataLength } from './requests-1e.js';
import type { Encoding } from './wire.js';
import { Mc1eWire, requestHeadLength } from './wire-1e.js';

/**
 * The module side of 1E (our simulator): requests out of a TCP stream or a datagram, and
 * response frames. Requests have no length field either: the command and number of points say
 * how much write data follows (FX3U-ENET-ADP manual 7.5).
 */

export interface Mc1eRequest {
  readonly command: number;
  readonly pc: number;
  readonly monitoringTimer: number;
  /** 1E device code as sent (unknown codes are the handler's to refuse). */
  readonly deviceCode: number;
  readonly number: number;
  /** 1-256 (00H on the wire = 256). */
  readonly points: number;
  /** Write data, still in the frame's encoding. */
  readonly data: Uint8Array;
}

export type Mc1eRequestResult = { readonly kind: 'request'; readonly request: Mc1eRequest; readonly size: number } | { readonly kind: 'malformed'; readonly command: number; readonly reason: string };

/** Write data size of a request, or -1 for a command we cannot frame. */
function dataLength(command: number, points: number, encoding: Encoding): number {
  switch (command) {
    case Mc1eWire.COMMAND_READ_BITS:
    case Mc1eWire.COMMAND_READ_WORDS:
      return 0;
    case Mc1eWire.COMMAND_WRITE_BITS:
      return bitDataLength(points, encoding);
    case Mc1eWire.COMMAND_WRITE_WORDS:
      return points * (encoding === 'binary' ? 2 : 4);
    default:
      return -1;
  }
}

/** Decode the request at the start of `bytes`; null while incomplete. */
export function decode1eRequest(bytes: Uint8Array, encoding: Encoding): Mc1eRequestResult | null {
  const ascii = encoding === 'ascii';
  const headLength = requestHeadLength(ascii);
  const w = ascii ? 2 : 1;
  if (bytes.length < w) return null;
  const field = (at: number, size: number): number => {
    if (ascii) return readHex(bytes, at, size * 2);
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + bytes[at + i]!;
    return v;
  };
  const command = field(0, 1);
  if (command < 0) return { kind: 'malformed', command: -1, reason: 'subheader is not hex' };
  if (dataLength(command, 1, encoding) < 0) return { kind: 'malformed', command, reason: `unsupported 1E command ${command.toString(16)}` };
  if (bytes.length < headLength) return null;
  const pc = field(w, 1);
  const monitoringTimer = field(2 * w, 2);
  // Binary: number (4 bytes) at 4, code (2) at 8. ASCII: code (4 characters) at 8, number (8) at 12.
  const number = ascii ? field(12, 4) : field(4, 4);
  const deviceCode = field(8, 2);
  const rawPoints = field(10 * w, 1);
  const fixed = field(11 * w, 1);
  if ([pc, monitoringTimer, number, deviceCode, rawPoints, fixed].some((v) => v < 0)) return { kind: 'malformed', command, reason: 'request field is not hex' };
  const points = rawPoints === 0 ? 256 : rawPoints;
  const size = headLength + dataLength(command, points, encoding);
  if (bytes.length < size) return null;
  return { kind: 'request', request: { command, pc, monitoringTimer, deviceCode, number, points, data: bytes.slice(headLength, size) }, size };
}

export interface Mc1eRequestSplitter {
  push(chunk: Uint8Array): Mc1eRequestResult[];
}

/** Requests out of a TCP stream. After a malformed one the buffered rest is dropped (no way to resync). */
export function create1eRequestSplitter(encoding: Encoding): Mc1eRequestSplitter {
  let buf = new Uint8Array(0);
  return {
    push(chunk) {
      const joined = new Uint8Array(buf.length + chunk.length);
      joined.set(buf);
      joined.set(chunk, buf.length);
      const out: Mc1eRequestResult[] = [];
      let pos = 0;
      for (;;) {
        const result = decode1eRequest(joined.subarray(pos), encoding);
        if (result === null) break;
        out.push(result);
        if (result.kind === 'malformed') {
          pos = joined.length;
          break;
        }
        pos += result.size;
      }
      buf = joined.slice(pos);
      return out;
    },
  };
}

/** A 1E response frame: subheader (command | 80H), complete code, then data, or the abnormal code and 00H after 5BH. */
export function encode1eResponse(encoding: Encoding, command: number, completeCode: number, data?: Uint8Array, abnormalCode?: number): Uint8Array {
  const w = createFieldWriter(encoding, 8 + (data?.length ?? 0));
  w.u8((command | Mc1eWire.RESPONSE_FLAG) & 0xff);
  w.u8(completeCode);
  if (completeCode === Mc1eWire.COMPLETE_OK) {
    if (data) w.raw(data);
  } else if (completeCode === Mc1eWire.COMPLETE_ABNORMAL) {
    w.u8(abnormalCode ?? 0);
    w.u8(0x00);
  }
  return w.finish();
}
