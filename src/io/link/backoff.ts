/**
 * Reconnect backoff for the device link: exponential ceiling with FULL jitter.
 *
 * Why full jitter (a uniform draw in [0, ceiling)) rather than decorrelated jitter:
 * - The bound of attempt n is a pure function of n, so a status line can say when the next
 *   attempt may come, tests can pin exact bounds, and nothing but the step count has to be
 *   carried across a restart (timers are never persisted here, see DESIGN).
 * - It spreads best when many links lose their devices at the same moment (a switch reboot
 *   drops 40 PLCs at once): their reconnects land uniformly over the window instead of in
 *   lockstep. Decorrelated jitter spreads as well but its bound depends on the previous draw.
 * - The link allows exactly one connect attempt per backoff period whatever the draw, so an
 *   occasional short wait costs one SYN, never a storm.
 */

/** The ceiling of backoff step `step` (0-based): initial * 2^step, capped at max. */
export function backoffCeiling(step: number, initialMs: number, maxMs: number): number {
  // Cap the exponent too: 2^1100 is Infinity and a PLC can be off for days.
  const exp = Math.min(Math.max(0, step), 52);
  return Math.min(maxMs, initialMs * 2 ** exp);
}

/** A full-jitter delay for backoff step `step`: uniform in [0, ceiling] (`random` is clamped to [0, 1]). */
export function backoffDelay(step: number, initialMs: number, maxMs: number, random: () => number): number {
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * backoffCeiling(step, initialMs, maxMs));
}
