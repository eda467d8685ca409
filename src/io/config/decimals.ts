/**
 * How many decimals a tag's value is shown with, on the panel and when it is compared with its
 * thresholds: one rule in one place, so "240.0" on the screen is never NORMAL against
 * `warn: 240` (issue 14). Pure, shared by the server and the panel.
 *
 * A tag's `decimals` wins. Otherwise an integer type shows the decimals its scale and offset
 * give it (raw 2401 x scale 0.1 -> 1 decimal), and a float type (or a float scale) follows the
 * magnitude (autoDecimals), so 86.10000000000001 shows as 86.10, never with the noise.
 */

const INTEGER_TYPES = new Set(['int16', 'uint16', 'int32', 'uint32', 'bcd16']);

/** Decimals written in a number as a person would write it: 0.1 -> 1, 0.05 -> 2, 2 -> 0. */
function writtenDecimals(n: number): number {
  if (Number.isInteger(n)) return 0;
  // toPrecision(12) drops binary noise (0.1 * 3 = 0.30000000000000004 -> 0.3).
  const text = String(Number(n.toPrecision(12)));
  const exp = /e-(\d+)$/.exec(text);
  if (exp) return Math.min(6, Number(exp[1]) + (text.split('e')[0]!.split('.')[1]?.length ?? 0));
  return Math.min(6, text.split('.')[1]?.length ?? 0);
}

/** Decimals that show a value's change without noise: 1234 -> 0, 123.4 -> 1, 12.34 -> 2, 0.123 -> 3. */
export function autoDecimals(value: number): number {
  const a = Math.abs(value);
  if (Number.isInteger(value) || a >= 1000) return 0;
  if (a >= 100) return 1;
  if (a >= 1) return 2;
  return 3;
}

export interface DecimalsOf {
  readonly type: string;
  readonly decimals?: number | null | undefined;
  readonly scale?: number | null | undefined;
  readonly offset?: number | null | undefined;
}

/** The tag's fixed decimals, or null when they follow the value's magnitude (floats). */
export function tagDecimals(tag: DecimalsOf): number | null {
  if (tag.decimals !== undefined && tag.decimals !== null) return tag.decimals;
  if (!INTEGER_TYPES.has(tag.type)) return null;
  return Math.max(writtenDecimals(tag.scale ?? 1), writtenDecimals(tag.offset ?? 0));
}

/** The decimals this value is shown with. */
export function displayDecimals(tag: DecimalsOf | undefined, value: number): number {
  return (tag ? tagDecimals(tag) : null) ?? autoDecimals(value);
}

/** The value as shown: rounded to its display decimals (what thresholds are compared with). */
export function displayedValue(tag: DecimalsOf | undefined, value: number): number {
  if (!Number.isFinite(value)) return value;
  const d = displayDecimals(tag, value);
  return Number(value.toFixed(d));
}
