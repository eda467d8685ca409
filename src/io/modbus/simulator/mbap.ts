/**
 * MBAP framing for Modbus TCP (Modbus Messaging on TCP/IP Implementation Guide v1.0b, 3.1.3):
 *   transaction id (2) | protocol id (2, always 0) | length (2) | unit id (1) | PDU
 * `length` counts the unit id and the PDU. A PDU is at most 253 bytes, so length is 2..254.
 *
 * The reader keeps partial frames until the rest arrives and returns every complete frame in a
 * chunk. A bad header cannot be resynchronised (there is no start marker), so it is returned as
 * an error value and the server drops the connection, as the guide recommends.
 */

export const MBAP_HEADER = 7;
const MAX_LENGTH = 254;

export type MbapItem =
  | { readonly kind: 'frame'; readonly transactionId: number; readonly unitId: number; readonly pdu: Uint8Array }
  | { readonly kind: 'error'; readonly reason: string };

export class MbapReader {
  private pending: Buffer = Buffer.alloc(0);
  private broken = false;

  /** Feed bytes; get the complete frames (and at most one trailing error). */
  push(chunk: Buffer): MbapItem[] {
    if (this.broken) return [];
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const items: MbapItem[] = [];
    let at = 0;
    while (this.pending.length - at >= 6) {
      const protocolId = this.pending.readUInt16BE(at + 2);
      const length = this.pending.readUInt16BE(at + 4);
      if (protocolId !== 0) return this.fail(items, `protocol id ${protocolId}, expected 0`);
      if (length < 2 || length > MAX_LENGTH) return this.fail(items, `length ${length} outside 2..${MAX_LENGTH}`);
      if (this.pending.length - at < 6 + length) break;
      items.push({
        kind: 'frame',
        transactionId: this.pending.readUInt16BE(at),
        unitId: this.pending[at + 6]!,
        pdu: Uint8Array.prototype.slice.call(this.pending, at + 7, at + 6 + length),
      });
      at += 6 + length;
    }
    this.pending = this.pending.subarray(at);
    return items;
  }

  private fail(items: MbapItem[], reason: string): MbapItem[] {
    this.broken = true;
    this.pending = Buffer.alloc(0);
    items.push({ kind: 'error', reason });
    return items;
  }
}

/** Frame a response PDU for the transaction and unit it answers. */
export function encodeMbap(transactionId: number, unitId: number, pdu: Uint8Array): Buffer {
  const frame = Buffer.alloc(MBAP_HEADER + pdu.length);
  frame.writeUInt16BE(transactionId, 0);
  frame.writeUInt16BE(0, 2);
  frame.writeUInt16BE(pdu.length + 1, 4);
  frame[6] = unitId;
  frame.set(pdu, MBAP_HEADER);
  return frame;
}
