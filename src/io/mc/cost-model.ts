import type { Encoding } from './codec/wire.js';
import type { McSeries } from './devices.js';

/**
 * The planner's cost model, in bytes on the wire: when is reading a gap cheaper than another
 * round trip, and when do random reads beat batch reads?
 *
 * One more request costs a round trip: ~40 bytes of headers, the network latency and, above all,
 * the wait for the PLC (the module answers at the CPU's END processing: one scan, 1-20 ms).
 * Reading a word nobody asked for costs its bytes (2 binary, 4 ASCII characters) and a little
 * module time per point. At 100 Mbit/s one millisecond carries ~12 KB, so the honest exchange
 * rate says "always merge". We price a round trip at only ROUND_TRIP_COST_BYTES so that a merged
 * read stays close to what the tags need (modules take longer per extra point, and a big reply
 * holds the module longer for other clients):
 *
 *   merge two neighbours when  gap bytes <= ROUND_TRIP_COST_BYTES
 *   binary: 128-word gaps, ASCII: 64-word gaps; bit units (TS, CS): 512 / 256 points.
 *
 * A batch read of a span costs   ROUND_TRIP + words x bytesPerWord.
 * The same tags as random-read points cost, per point, its device spec in the request (4 bytes
 * binary Q, 6 iQ-R, 8/12 ASCII characters) plus its data in the reply, plus its share of a round
 * trip (ROUND_TRIP / points per request). The planner reads each span the cheaper way, so tags
 * sparse within a span (or isolated) go to shared random reads and dense runs stay batch reads.
 */
export const ROUND_TRIP_COST_BYTES = 256;

export interface CostModel {
  readonly roundTrip: number;
  readonly bytesPerWord: number;
  /** Request bytes of one random-read device spec. */
  readonly bytesPerSpec: number;
}

export function costModel(series: McSeries, encoding: Encoding): CostModel {
  const ascii = encoding === 'ascii' ? 2 : 1;
  return {
    roundTrip: ROUND_TRIP_COST_BYTES,
    bytesPerWord: 2 * ascii,
    bytesPerSpec: (series === 'iqr' ? 6 : 4) * ascii,
  };
}

/** Largest gap, in words, that is merged into one batch read. */
export function gapWords(encoding: Encoding): number {
  return Math.floor(ROUND_TRIP_COST_BYTES / (encoding === 'binary' ? 2 : 4));
}

/** Largest gap, in points, for bit-unit batch reads (binary 2 points per byte, ASCII 1 character each). */
export function gapBits(encoding: Encoding): number {
  return encoding === 'binary' ? ROUND_TRIP_COST_BYTES * 2 : ROUND_TRIP_COST_BYTES;
}

export function batchCost(model: CostModel, words: number): number {
  return model.roundTrip + words * model.bytesPerWord;
}

/** Cost of reading `words` words as `points` random points, with `maxPoints` points per request. */
export function randomCost(model: CostModel, points: number, words: number, maxPoints: number): number {
  return points * (model.bytesPerSpec + model.roundTrip / maxPoints) + words * model.bytesPerWord;
}
