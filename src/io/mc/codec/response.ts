import { readHex } from './hex.js';
import { createFrameSplitter, type SplitFrame } from './splitter.js';
import { END_CODE_SIZE, ERROR_INFO_SIZE, McWire, type Encoding, type FrameType } from './wire.js';

/**
 * A decoded response: data, an end code, or bytes that are not an MC response. A value, never a
 * throw, so arbitrary bytes from the network can not take the client down.
 */
export type McResponse =
  | {
      readonly kind: 'ok';
      readonly frame: FrameType;
      readonly serial: number | null;
      /** Response data after the end code, still in the frame's encoding. */
      readonly data: Uint8Array;
    }
  | {
      readonly kind: 'error';
      readonly frame: FrameType;
      readonly serial: number | null;
      readonly endCode: number;
      /** Command and subcommand echoed in the error information, when the module sent it. */
      readonly command: number | null;
      readonly subcommand: number | null;
    }
  | { readonly kind: 'malformed'; readonly reason: string };

/** Interpret one split frame as a response. */
export function decodeResponse(split: SplitFrame, encoding: Encoding): McResponse {
  if (split.kind === 'malformed') return split;
  const { data, frame, serial } = split;
  const endSize = END_CODE_SIZE[encoding];
  const endCode = encoding === 'binary' ? data[0]! | (data[1]! << 8) : readHex(data, 0, 4);
  if (data.length < endSize || endCode < 0) return { kind: 'malformed', reason: 'end code missing or not hex' };
  if (endCode === McWire.END_CODE_OK) return { kind: 'ok', frame, serial, data: data.subarray(endSize) };
  let command: number | null = null;
  let subcommand: number | null = null;
  if (data.length >= endSize + ERROR_INFO_SIZE[encoding]) {
    // Error information: network, PC, module I/O, station (5 bytes), then command and subcommand.
    const at = endSize + (encoding === 'binary' ? 5 : 10);
    command = encoding === 'binary' ? data[at]! | (data[at + 1]! << 8) : readHex(data, at, 4);
    subcommand = encoding === 'binary' ? data[at + 2]! | (data[at + 3]! << 8) : readHex(data, at + 4, 4);
    if (command < 0 || subcommand < 0) command = subcommand = null;
  }
  return { kind: 'error', frame, serial, endCode, command, subcommand };
}

export interface ResponseParser {
  push(chunk: Uint8Array): McResponse[];
  reset(): void;
  readonly buffered: number;
}

/** The client's incremental parser: bytes in, decoded responses out. */
export function createResponseParser(options: { encoding: Encoding; maxDataLength?: number }): ResponseParser {
  const splitter = createFrameSplitter({ ...options, direction: 'response' });
  return {
    push: (chunk) => splitter.push(chunk).map((split) => decodeResponse(split, options.encoding)),
    reset: () => splitter.reset(),
    get buffered() {
      return splitter.buffered;
    },
  };
}
