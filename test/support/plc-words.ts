/**
 * A test-only encoder of PLC register words, written from the data sheets with Node's Buffer,
 * sharing nothing with the product's encoders (issue 13: the integration tests filled the
 * simulators with the very encoders the drivers decode with, so a word-order bug in both passed).
 *
 * Words are computed big-endian (most significant word first, IEEE 754 for floats, two's
 * complement for signed types, packed BCD nibbles for bcd16), then put in the device's word order:
 * 'high' = most significant word at the lower address (the Modbus convention), 'low' = least
 * significant word first (the MELSEC convention for D devices).
 */
export type WordOrder = 'low' | 'high';
export type NumericType = 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64' | 'bcd16';

export function plcWords(type: NumericType, value: number, wordOrder: WordOrder): number[] {
  const size = type === 'float64' ? 8 : type.endsWith('32') ? 4 : 2;
  const b = Buffer.alloc(size);
  switch (type) {
    case 'int16':
      b.writeInt16BE(value);
      break;
    case 'uint16':
      b.writeUInt16BE(value);
      break;
    case 'int32':
      b.writeInt32BE(value);
      break;
    case 'uint32':
      b.writeUInt32BE(value);
      break;
    case 'float32':
      b.writeFloatBE(value);
      break;
    case 'float64':
      b.writeDoubleBE(value);
      break;
    case 'bcd16':
      // 4711 -> nibbles 4 7 1 1 -> 0x4711.
      b.writeUInt16BE(Number.parseInt(String(value), 16));
      break;
  }
  const words: number[] = [];
  for (let i = 0; i < size; i += 2) words.push(b.readUInt16BE(i));
  return wordOrder === 'high' ? words : words.reverse();
}

/** `length` words of text, NUL padded; 'little' = first character in the low byte (MELSEC), 'big' = high byte (Modbus). */
export function textWords(text: string, length: number, byteOrder: 'little' | 'big'): number[] {
  const bytes = Buffer.alloc(length * 2);
  bytes.write(text, 'latin1');
  const words: number[] = [];
  for (let i = 0; i < length * 2; i += 2) words.push(byteOrder === 'big' ? bytes.readUInt16BE(i) : bytes.readUInt16LE(i));
  return words;
}
