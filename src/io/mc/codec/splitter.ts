import type { Route } from './frame.js';
import { readHex } from './hex.js';
import { headerLength, McWire, type Encoding, type FrameType } from './wire.js';

/**
 * Cuts a TCP byte stream into MC frames by their request/response data length field: keeps a
 * partial frame until the rest arrives, returns every complete frame of a chunk, and never
 * throws on arbitrary bytes. Requests (simulator side) and responses (client side) share the
 * header layout; only the subheader and the smallest legal length differ.
 */

export type Direction = 'request' | 'response';

export type SplitFrame =
  | {
      readonly kind: 'frame';
      readonly frame: FrameType;
      /** 4E serial; null for 3E. */
      readonly serial: number | null;
      readonly route: Route;
      /** The L bytes/characters after the length field. */
      readonly data: Uint8Array;
    }
  | { readonly kind: 'malformed'; readonly reason: string };

export interface SplitterOptions {
  readonly encoding: Encoding;
  readonly direction: Direction;
  /**
   * Largest length field accepted. A corrupt length must not make us wait for 64 KB that never
   * comes: above this the frame is reported malformed at once. Defaults fit the largest legal
   * frames (7,168-bit ASCII write: ~7.2 K characters; 960-word binary write: ~1.9 KB).
   */
  readonly maxDataLength?: number;
}

export interface FrameSplitter {
  /** Feed bytes; returns the frames completed by them (possibly none, possibly several). */
  push(chunk: Uint8Array): SplitFrame[];
  /** Forget any partial frame (after a malformed frame the caller decides whether to go on). */
  reset(): void;
  /** Bytes held for an incomplete frame. */
  readonly buffered: number;
}

export const DEFAULT_MAX_DATA_LENGTH: Record<Encoding, number> = { binary: 4096, ascii: 8192 };

/** Smallest legal L: a response holds at least the end code; a request the timer, command and subcommand. */
function minDataLength(encoding: Encoding, direction: Direction): number {
  const bytes = direction === 'response' ? 2 : 6;
  return encoding === 'binary' ? bytes : bytes * 2;
}

function subheaderAt(bytes: Uint8Array, pos: number, encoding: Encoding): number {
  if (encoding === 'binary') return (bytes[pos]! << 8) | bytes[pos + 1]!;
  return readHex(bytes, pos, 4);
}

export function createFrameSplitter(options: SplitterOptions): FrameSplitter {
  const { encoding, direction } = options;
  const maxLength = options.maxDataLength ?? DEFAULT_MAX_DATA_LENGTH[encoding];
  const minLength = minDataLength(encoding, direction);
  const subheaderSize = encoding === 'binary' ? 2 : 4;
  const sub3e = direction === 'request' ? McWire.SUBHEADER_3E_REQUEST : McWire.SUBHEADER_3E_RESPONSE;
  const sub4e = direction === 'request' ? McWire.SUBHEADER_4E_REQUEST : McWire.SUBHEADER_4E_RESPONSE;
  const wide = encoding === 'ascii' ? 2 : 1; // characters per byte of a field
  // Bytes of an incomplete frame, copied out of the chunks that brought them.
  let acc = new Uint8Array(0);
  let accLength = 0;

  const field = (bytes: Uint8Array, at: number, size: number): number => {
    if (encoding === 'ascii') return readHex(bytes, at, size * 2);
    return size === 1 ? bytes[at]! : bytes[at]! | (bytes[at + 1]! << 8);
  };

  /** Parse complete frames from bytes[0..end); returns where the unparsed rest starts (or -1 after malformed). */
  const parse = (bytes: Uint8Array, end: number, copy: boolean, out: SplitFrame[]): number => {
    let pos = 0;
    while (end - pos >= subheaderSize) {
      const sub = subheaderAt(bytes, pos, encoding);
      const frame: FrameType | null = sub === sub3e ? '3e' : sub === sub4e ? '4e' : null;
      if (frame === null) {
        out.push({ kind: 'malformed', reason: `unexpected subheader ${describeBytes(bytes, pos, subheaderSize)} for a ${direction}` });
        return -1;
      }
      const head = headerLength(frame, encoding);
      if (end - pos < head) break;
      let at = pos + subheaderSize;
      let serial: number | null = null;
      if (frame === '4e') {
        serial = encoding === 'binary' ? field(bytes, at, 2) : readHex(bytes, at, 4);
        at += 4 * wide;
      }
      const network = field(bytes, at, 1);
      const pc = field(bytes, at + wide, 1);
      const moduleIo = field(bytes, at + 2 * wide, 2);
      const multidrop = field(bytes, at + 4 * wide, 1);
      const length = field(bytes, at + 5 * wide, 2);
      if (serial === -1 || network < 0 || pc < 0 || moduleIo < 0 || multidrop < 0 || length < 0) {
        out.push({ kind: 'malformed', reason: 'header field is not hex' });
        return -1;
      }
      if (length < minLength || length > maxLength) {
        out.push({ kind: 'malformed', reason: `data length ${length} outside ${minLength}..${maxLength}` });
        return -1;
      }
      if (end - pos < head + length) break;
      const start = pos + head;
      const data = copy ? bytes.slice(start, start + length) : bytes.subarray(start, start + length);
      out.push({ kind: 'frame', frame, serial, route: { network, pc, moduleIo, multidrop }, data });
      pos = start + length;
    }
    return pos;
  };

  const keep = (bytes: Uint8Array, from: number, to: number): void => {
    const n = to - from;
    if (acc.length < n) acc = new Uint8Array(Math.max(n, acc.length * 2, 64));
    // copyWithin handles the overlap when bytes is acc itself.
    if (bytes === acc) acc.copyWithin(0, from, to);
    else acc.set(bytes.subarray(from, to), 0);
    accLength = n;
  };

  return {
    push(chunk) {
      const out: SplitFrame[] = [];
      if (accLength === 0) {
        // Fast path: frames straight out of the chunk, no copy (Node never reuses a data chunk).
        const rest = parse(chunk, chunk.length, false, out);
        if (rest < 0) accLength = 0;
        else if (rest < chunk.length) keep(chunk, rest, chunk.length);
        return out;
      }
      if (acc.length < accLength + chunk.length) {
        const grown = new Uint8Array(Math.max(acc.length * 2, accLength + chunk.length));
        grown.set(acc.subarray(0, accLength));
        acc = grown;
      }
      acc.set(chunk, accLength);
      const end = accLength + chunk.length;
      // Frames cut out of `acc` are copied: acc is overwritten by later chunks.
      const rest = parse(acc, end, true, out);
      if (rest < 0) accLength = 0;
      else keep(acc, rest, end);
      return out;
    },
    reset() {
      accLength = 0;
    },
    get buffered() {
      return accLength;
    },
  };
}

function describeBytes(bytes: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += (bytes[at + i] ?? 0).toString(16).padStart(2, '0');
  return `0x${s}`;
}
