import { asciiCodeOf, deviceByAsciiCode, deviceByCode, radixOf, type DeviceInfo, type McSeries } from '../devices.js';
import { HEX_VALUE, writeHex } from './hex.js';
import type { Encoding } from './wire.js';

/**
 * Writes request/response fields in either encoding, so each command is written once:
 * binary fields are little-endian bytes, ASCII fields are uppercase hex characters, most
 * significant first, twice as many characters as the binary field has bytes.
 */
export interface FieldWriter {
  readonly encoding: Encoding;
  u8(value: number): void;
  u16(value: number): void;
  u32(value: number): void;
  /** A device spec: Q format (3-byte number + 1-byte code / "D*" + 6 digits) or iQ-R extended. */
  device(device: { readonly info: DeviceInfo; readonly number: number }, series: McSeries, extended?: boolean): void;
  /** Bit data: binary packs two points per byte, first point in the high nibble; ASCII one "0"/"1" per point. */
  bits(values: ArrayLike<number>): void;
  /** Bytes already in this encoding (a pre-encoded body). */
  raw(bytes: Uint8Array): void;
  readonly length: number;
  finish(): Uint8Array;
}

export function createFieldWriter(encoding: Encoding, capacity = 64): FieldWriter {
  let buf = new Uint8Array(capacity);
  let len = 0;
  const ensure = (n: number): void => {
    if (len + n <= buf.length) return;
    const next = new Uint8Array(Math.max(buf.length * 2, len + n));
    next.set(buf.subarray(0, len));
    buf = next;
  };
  const field = (bytes: number, value: number): void => {
    if (encoding === 'ascii') {
      ensure(bytes * 2);
      writeHex(buf, len, bytes * 2, value);
      len += bytes * 2;
      return;
    }
    ensure(bytes);
    let v = value;
    for (let i = 0; i < bytes; i++) {
      buf[len++] = v & 0xff;
      v = Math.floor(v / 256);
    }
  };
  return {
    encoding,
    u8: (v) => field(1, v),
    u16: (v) => field(2, v),
    u32: (v) => field(4, v),
    device(device, series, extended = series === 'iqr') {
      if (encoding === 'binary') {
        field(extended ? 4 : 3, device.number);
        field(extended ? 2 : 1, device.info.code);
        return;
      }
      const code = asciiCodeOf(device.info, extended);
      const digits = device.number.toString(radixOf(device.info, series)).toUpperCase().padStart(extended ? 8 : 6, '0');
      const text = code + digits;
      ensure(text.length);
      for (let i = 0; i < text.length; i++) buf[len++] = text.charCodeAt(i);
    },
    bits(values) {
      if (encoding === 'ascii') {
        ensure(values.length);
        for (let i = 0; i < values.length; i++) buf[len++] = values[i] ? 0x31 : 0x30;
        return;
      }
      ensure(Math.ceil(values.length / 2));
      for (let i = 0; i < values.length; i += 2) {
        buf[len++] = (values[i] ? 0x10 : 0) | (i + 1 < values.length && values[i + 1] ? 0x01 : 0);
      }
    },
    raw(bytes) {
      ensure(bytes.length);
      buf.set(bytes, len);
      len += bytes.length;
    },
    get length() {
      return len;
    },
    finish: () => buf.slice(0, len),
  };
}

/** Reading past the end or a malformed field (bad hex, unknown device) while decoding a request. */
export class FieldError extends Error {
  constructor(
    readonly kind: 'short' | 'content',
    message: string,
  ) {
    super(message);
    this.name = 'FieldError';
  }
}

export interface FieldReader {
  u8(): number;
  u16(): number;
  u32(): number;
  /** A device spec (Q format, or iQ-R extended); the series sets the radix of ASCII numbers. */
  device(series: McSeries, extended: boolean): { info: DeviceInfo; number: number };
  bits(count: number): Uint8Array;
  readonly remaining: number;
}

/** Reader for request bodies (used by the simulator); throws FieldError, which it maps to end codes. */
export function createFieldReader(bytes: Uint8Array, encoding: Encoding): FieldReader {
  let pos = 0;
  const take = (n: number): number => {
    if (pos + n > bytes.length) throw new FieldError('short', `needs ${n} more, ${bytes.length - pos} left`);
    const at = pos;
    pos += n;
    return at;
  };
  const field = (size: number): number => {
    if (encoding === 'ascii') {
      const at = take(size * 2);
      let value = 0;
      for (let i = 0; i < size * 2; i++) {
        const d = HEX_VALUE[bytes[at + i]!]!;
        if (d < 0) throw new FieldError('content', `"${String.fromCharCode(bytes[at + i]!)}" is not a hex digit`);
        value = value * 16 + d;
      }
      return value;
    }
    const at = take(size);
    let value = 0;
    for (let i = size - 1; i >= 0; i--) value = value * 256 + bytes[at + i]!;
    return value;
  };
  return {
    u8: () => field(1),
    u16: () => field(2),
    u32: () => field(4),
    device(series, extended) {
      if (encoding === 'binary') {
        const number = field(extended ? 4 : 3);
        const code = field(extended ? 2 : 1);
        const info = deviceByCode(code);
        if (!info) throw new FieldError('content', `unknown device code 0x${code.toString(16)}`);
        return { info, number };
      }
      const at = take(extended ? 4 : 2);
      const codeText = String.fromCharCode(...bytes.subarray(at, pos));
      const info = deviceByAsciiCode(codeText);
      if (!info) throw new FieldError('content', `unknown device code "${codeText}"`);
      const width = extended ? 8 : 6;
      const digitsAt = take(width);
      const text = String.fromCharCode(...bytes.subarray(digitsAt, pos));
      const radix = radixOf(info, series);
      const number = Number.parseInt(text, radix);
      if (!/^[0-9A-Fa-f]+$/.test(text) || Number.isNaN(number) || number.toString(radix).padStart(width, '0').toUpperCase() !== text.toUpperCase()) {
        throw new FieldError('content', `device number "${text}" is not base ${radix}`);
      }
      return { info, number };
    },
    bits(count) {
      const out = new Uint8Array(count);
      if (encoding === 'ascii') {
        const at = take(count);
        for (let i = 0; i < count; i++) {
          const c = bytes[at + i];
          if (c !== 0x30 && c !== 0x31) throw new FieldError('content', 'bit data must be "0" or "1"');
          out[i] = c - 0x30;
        }
        return out;
      }
      const at = take(Math.ceil(count / 2));
      for (let i = 0; i < count; i++) {
        const byte = bytes[at + (i >> 1)]!;
        out[i] = (i & 1 ? byte & 0x0f : byte >> 4) ? 1 : 0;
      }
      return out;
    },
    get remaining() {
      return bytes.length - pos;
    },
  };
}
