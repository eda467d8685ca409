import { formatClock } from '../lib/format.js';

export interface WallClockProps {
  readonly now: number;
}

/** Local time: operators correlate what they see with shift logs and the PLC's own clock. */
export function WallClock(props: WallClockProps) {
  return (
    <time class="wall-clock num" datetime={new Date(props.now).toISOString()} aria-label="Local time">
      {formatClock(props.now)}
    </time>
  );
}
