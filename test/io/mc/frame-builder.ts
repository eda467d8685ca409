/**
 * Test-only MC frame builder: hex text assembled by hand, field by field, so tests never check
 * our encoder against itself. Binary fields are little-endian, ASCII fields uppercase text.
 */

export function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'latin1'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export function toText(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

/** n as `bytes` little-endian bytes, in hex text. */
export function le(n: number, bytes: number): string {
  let out = '';
  for (let i = 0; i < bytes; i++) out += ((n >> (8 * i)) & 0xff).toString(16).padStart(2, '0');
  return out;
}

/** n as `chars` uppercase hex characters. */
export function hx(n: number, chars: number): string {
  return n.toString(16).toUpperCase().padStart(chars, '0');
}

/** Binary 3E response: D0 00, route 00 FF FF03 00, L, end code, data (hex). */
export function binary3eResponse(endCode: number, dataHex: string): Uint8Array {
  const tail = le(endCode, 2) + dataHex;
  return hex(`d000 00 ff ff03 00 ${le(tail.length / 2, 2)} ${tail}`);
}

/** Binary 4E response with a serial. */
export function binary4eResponse(serial: number, endCode: number, dataHex: string): Uint8Array {
  const tail = le(endCode, 2) + dataHex;
  return hex(`d400 ${le(serial, 2)} 0000 00 ff ff03 00 ${le(tail.length / 2, 2)} ${tail}`);
}

/** Binary 3E request: 50 00, route, L, timer, command, subcommand, body (hex). */
export function binary3eRequest(command: number, subcommand: number, bodyHex: string, timer = 0x10): Uint8Array {
  const tail = le(timer, 2) + le(command, 2) + le(subcommand, 2) + bodyHex;
  return hex(`5000 00 ff ff03 00 ${le(tail.length / 2, 2)} ${tail}`);
}

export function binary4eRequest(serial: number, command: number, subcommand: number, bodyHex: string, timer = 0x10): Uint8Array {
  const tail = le(timer, 2) + le(command, 2) + le(subcommand, 2) + bodyHex;
  return hex(`5400 ${le(serial, 2)} 0000 00 ff ff03 00 ${le(tail.length / 2, 2)} ${tail}`);
}

/** ASCII 3E response: "D000" + route "00FF03FF00" + L + end code + data text. */
export function ascii3eResponse(endCode: number, data: string): Uint8Array {
  const tail = hx(endCode, 4) + data;
  return ascii(`D000 00FF03FF00 ${hx(tail.length, 4)} ${tail}`);
}

export function ascii4eResponse(serial: number, endCode: number, data: string): Uint8Array {
  const tail = hx(endCode, 4) + data;
  return ascii(`D400 ${hx(serial, 4)} 0000 00FF03FF00 ${hx(tail.length, 4)} ${tail}`);
}

export function ascii3eRequest(command: number, subcommand: number, body: string, timer = 0x10): Uint8Array {
  const tail = hx(timer, 4) + hx(command, 4) + hx(subcommand, 4) + body;
  return ascii(`5000 00FF03FF00 ${hx(tail.length, 4)} ${tail}`);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}
