/**
 * Known data for the history readers, the same for every sink: two collectors with the same
 * device and tag names (and, in the sink, distinct ids), 100 rows of `temp` at 100 ms from BASE.
 * line-a stores i, line-b stores 1000 + i; the row with i % 10 === 5 is bad (quality 1, no
 * value). A retired `temp` on device `old` (an older id) sits beside line-a's.
 */
export const BASE = 1_700_000_000_000; // a multiple of 1000: buckets of 1000 ms start at BASE + k * 1000
export const ROWS = 100;
export const STEP_MS = 100;

export interface FixtureTag {
  readonly collector: 'line-a' | 'line-b';
  readonly device: string;
  readonly name: string;
}

/** In insertion order: `old` first, so line-a's plc1/temp has the newer id. */
export const FIXTURE_TAGS: readonly FixtureTag[] = [
  { collector: 'line-a', device: 'old', name: 'temp' },
  { collector: 'line-a', device: 'plc1', name: 'temp' },
  { collector: 'line-b', device: 'plc1', name: 'temp' },
  { collector: 'line-a', device: 'plc1', name: 'other' },
];

export interface FixtureRow {
  readonly tag: number; // index in FIXTURE_TAGS
  readonly ts: number;
  readonly value: number | null;
  readonly text: string | null;
  readonly quality: number;
}

export function fixtureRows(): FixtureRow[] {
  const rows: FixtureRow[] = [];
  for (let i = 0; i < ROWS; i++) {
    const ts = BASE + i * STEP_MS;
    const bad = i % 10 === 5;
    rows.push({ tag: 1, ts, value: bad ? null : i, text: null, quality: bad ? 1 : 0 });
    rows.push({ tag: 2, ts, value: bad ? null : 1000 + i, text: null, quality: bad ? 1 : 0 });
    // Another tag's rows interleaved in time (the same ts: the key is (ts, tag_id) in SQLite).
    rows.push({ tag: 3, ts, value: -i, text: null, quality: 0 });
  }
  // The retired tag's one row, long before.
  rows.push({ tag: 0, ts: BASE - 86_400_000, value: 42, text: null, quality: 0 });
  return rows;
}

/**
 * The buckets of [BASE, BASE + 9999] at maxPoints 10: width 1000 ms, 10 buckets of 10 rows
 * (i = 10k .. 10k + 9), worked out by hand: 10k + 5 is bad, so min 10k, max 10k + 9,
 * avg (sum of the nine good values) / 9 = 10k + 40/9, last 10k + 9, count 10, bad 1.
 */
export function expectedBuckets(offset: number): { ts: number; min: number; max: number; avg: number; count: number; last: number; bad: number }[] {
  return Array.from({ length: 10 }, (_, k) => ({
    ts: BASE + k * 1000,
    min: offset + 10 * k,
    max: offset + 10 * k + 9,
    avg: offset + 10 * k + 40 / 9,
    count: 10,
    last: offset + 10 * k + 9,
    bad: 1,
  }));
}
