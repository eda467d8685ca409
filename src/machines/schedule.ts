/**
 * Pure schedule arithmetic for FIXED polling groups. The schedule is anchored to the
 * start time: slot k starts at anchor + k * interval, so a slow poll never shifts the
 * slots after it, and an overrun skips the slots it missed (and counts them).
 */

export interface SlotChoice {
  /** Index of the next slot to poll. */
  readonly slot: number;
  /** Slots passed over because the previous poll (or an outage) ran past them. */
  readonly skipped: number;
}

/**
 * The next slot after `lastSlot`, given the time now: the following slot if it is still
 * ahead (or exactly now), otherwise the first slot not yet begun.
 */
export function nextSlot(anchor: number, intervalMs: number, lastSlot: number, now: number): SlotChoice {
  const following = lastSlot + 1;
  if (anchor + following * intervalMs >= now) return { slot: following, skipped: 0 };
  const first = Math.ceil((now - anchor) / intervalMs);
  return { slot: first, skipped: first - following };
}

export function slotTime(anchor: number, intervalMs: number, slot: number): number {
  return anchor + slot * intervalMs;
}

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so retries
 * spread out (no thundering herd after a network blip) yet never collapse to zero.
 */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number): number {
  const step = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}
