import type { Encoding } from './codec/wire.js';

/**
 * The planner's cost model: when is reading a gap cheaper than another round trip?
 *
 * One more request costs a round trip: ~40 bytes of headers, the network latency and, above all,
 * the wait for the PLC (the module answers at the CPU's END processing: one scan, 1-20 ms).
 * Reading a word nobody asked for costs its bytes on the wire (2 binary, 4 ASCII characters) and a
 * little module time per point. At 100 Mbit/s one millisecond carries ~12 KB, so the honest
 * exchange rate says "always merge". We price a round trip at only ROUND_TRIP_COST_BYTES so that a
 * merged read stays close to what the tags need (modules take longer per extra point, and a big
 * reply holds the module longer for other clients):
 *
 *   merge two neighbours when  gap bytes <= ROUND_TRIP_COST_BYTES
 *   binary: 128-word gaps, ASCII: 64-word gaps; bit units (TS, CS): 512 / 256 points.
 *
 * Random read (0x0403) replaces batch reads of isolated tags: a random point costs 4-6 request
 * bytes instead of a whole request, so once two or more spans are no longer than
 * RANDOM_SPAN_MAX_WORDS they are cheaper as points of shared random reads.
 */
export const ROUND_TRIP_COST_BYTES = 256;

/** Spans of at most this many words go to random reads (when at least two such spans exist). */
export const RANDOM_SPAN_MAX_WORDS = 8;

/** Largest gap, in words, that is merged into one batch read. */
export function gapWords(encoding: Encoding): number {
  return Math.floor(ROUND_TRIP_COST_BYTES / (encoding === 'binary' ? 2 : 4));
}

/** Largest gap, in points, for bit-unit batch reads (binary 2 points per byte, ASCII 1 character each). */
export function gapBits(encoding: Encoding): number {
  return encoding === 'binary' ? ROUND_TRIP_COST_BYTES * 2 : ROUND_TRIP_COST_BYTES;
}
