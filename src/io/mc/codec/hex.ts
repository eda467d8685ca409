/** Hex text helpers for ASCII frames: table lookups, no string building on the hot path. */

/** Character code of each hex digit, uppercase (ASCII frames are sent in uppercase). */
export const HEX_DIGIT = new Uint8Array([...'0123456789ABCDEF'].map((c) => c.charCodeAt(0)));

/** Value of a character code as a hex digit, or -1. Lowercase is accepted on input. */
export const HEX_VALUE: Int8Array = (() => {
  const table = new Int8Array(256).fill(-1);
  for (let i = 0; i < 10; i++) table[0x30 + i] = i;
  for (let i = 0; i < 6; i++) {
    table[0x41 + i] = 10 + i;
    table[0x61 + i] = 10 + i;
  }
  return table;
})();

/** Read `width` hex characters at `offset` as a number; -1 if any is not a hex digit or bytes run out. */
export function readHex(bytes: Uint8Array, offset: number, width: number): number {
  if (offset + width > bytes.length) return -1;
  let value = 0;
  for (let i = 0; i < width; i++) {
    const digit = HEX_VALUE[bytes[offset + i]!]!;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/** Write `value` as `width` uppercase hex characters at `offset`. */
export function writeHex(bytes: Uint8Array, offset: number, width: number, value: number): void {
  let v = value;
  for (let i = width - 1; i >= 0; i--) {
    bytes[offset + i] = HEX_DIGIT[v % 16]!;
    v = Math.floor(v / 16);
  }
}
