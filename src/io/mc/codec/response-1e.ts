import { readHex } from './hex.js';
import type { Encoding } from './wire.js';
import { Mc1eWire } from './wire-1e.js';

/**
 * 1E responses. There is no length field: a reply is subheader + complete code, then on success
 * exactly the data the request asked for, or after 5BH an abnormal code and 00H. So the reader
 * must know the request it waits for (`Mc1eExpectation`): one request in flight per connection.
 */

export interface Mc1eExpectation {
  /** The request's command: the reply's subheader must be command | 80H. */
  readonly command: number;
  /** Bytes/characters of a successful reply's data. */
  readonly replyLength: number;
}

export type Mc1eResponse =
  | { readonly kind: 'ok'; readonly data: Uint8Array; readonly size: number }
  | { readonly kind: 'error'; readonly completeCode: number; readonly abnormalCode: number | null; readonly size: number }
  | { readonly kind: 'malformed'; readonly reason: string };

/**
 * Decode the response at the start of `bytes`: null while incomplete. `size` is how many
 * bytes it took (a TCP stream may hold more; a datagram must hold exactly that many).
 */
export function decode1eResponse(bytes: Uint8Array, encoding: Encoding, expect: Mc1eExpectation): Mc1eResponse | null {
  const w = encoding === 'binary' ? 1 : 2; // bytes or characters of a 1-byte field
  if (bytes.length < 2 * w) return null;
  const field = (at: number): number => (encoding === 'binary' ? bytes[at]! : readHex(bytes, at, 2));
  const subheader = field(0);
  const complete = field(w);
  if (subheader < 0 || complete < 0) return { kind: 'malformed', reason: '1E response header is not hex' };
  if (subheader !== (expect.command | Mc1eWire.RESPONSE_FLAG)) {
    return { kind: 'malformed', reason: `1E response subheader ${hex(subheader)} does not answer command ${hex(expect.command)}` };
  }
  if (complete === Mc1eWire.COMPLETE_OK) {
    const size = 2 * w + expect.replyLength;
    if (bytes.length < size) return null;
    return { kind: 'ok', data: bytes.subarray(2 * w, size), size };
  }
  if (complete === Mc1eWire.COMPLETE_ABNORMAL) {
    if (bytes.length < 4 * w) return null;
    const abnormal = field(2 * w);
    if (abnormal < 0) return { kind: 'malformed', reason: '1E abnormal code is not hex' };
    return { kind: 'error', completeCode: complete, abnormalCode: abnormal, size: 4 * w };
  }
  return { kind: 'error', completeCode: complete, abnormalCode: null, size: 2 * w };
}

/**
 * The client's stream reader for 1E over TCP: keeps bytes until the awaited reply is complete.
 * Bytes that arrive when nothing is awaited are stray (returned by `strays`, the caller closes).
 */
export interface Mc1eStreamReader {
  append(chunk: Uint8Array): void;
  /** The next reply for `expect`, or null until its bytes are all in. */
  next(expect: Mc1eExpectation): Mc1eResponse | null;
  readonly buffered: number;
  reset(): void;
}

export function create1eStreamReader(encoding: Encoding): Mc1eStreamReader {
  let buf = new Uint8Array(0);
  return {
    append(chunk) {
      if (buf.length === 0) {
        buf = Uint8Array.from(chunk);
        return;
      }
      const next = new Uint8Array(buf.length + chunk.length);
      next.set(buf);
      next.set(chunk, buf.length);
      buf = next;
    },
    next(expect) {
      const response = decode1eResponse(buf, encoding, expect);
      if (response === null) return null;
      if (response.kind === 'malformed') {
        buf = new Uint8Array(0);
        return response;
      }
      // Copy the data out: buf is replaced by later chunks.
      const out = response.kind === 'ok' ? { ...response, data: response.data.slice() } : response;
      buf = buf.subarray(response.size);
      return out;
    },
    get buffered() {
      return buf.length;
    },
    reset() {
      buf = new Uint8Array(0);
    },
  };
}

function hex(n: number): string {
  return `${n.toString(16).toUpperCase().padStart(2, '0')}H`;
}
