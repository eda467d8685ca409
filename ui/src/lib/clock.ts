import { createSignal, onCleanup, type Accessor } from 'solid-js';

/**
 * One ticking "now" for the whole panel: every "3 s ago" reads it, so ages move together once a
 * second instead of each row running its own timer.
 */
export function createNow(periodMs = 1000): Accessor<number> {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), periodMs);
  onCleanup(() => clearInterval(timer));
  return now;
}
