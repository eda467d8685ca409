import { BUFFER_CRIT, BUFFER_WARN, bufferFill, fillLevel } from '../lib/levels.js';
import { formatCount, formatNumber } from '../lib/format.js';

export interface BufferBarProps {
  readonly size: number;
  readonly capacity: number;
}

/**
 * The buffer's fill as a bar: green, yellow from 70 %, red from 90 %, with the two thresholds
 * marked so the operator sees how close it is before it changes colour.
 */
export function BufferBar(props: BufferBarProps) {
  const fill = () => bufferFill(props.size, props.capacity);
  const level = () => fillLevel(fill());
  const text = () => `${formatNumber(fill() * 100, 1)} % (${formatCount(props.size)} of ${formatCount(props.capacity)} rows)`;
  return (
    <div class="buffer-bar" data-level={level()}>
      <div
        class="buffer-track"
        role="meter"
        aria-label="Buffer fill"
        aria-valuemin={0}
        aria-valuemax={props.capacity}
        aria-valuenow={props.size}
        aria-valuetext={text()}
      >
        <div class="buffer-fill" style={{ width: `${(fill() * 100).toFixed(2)}%` }} />
        <div class="buffer-mark" style={{ left: `${BUFFER_WARN * 100}%` }} aria-hidden="true" />
        <div class="buffer-mark" style={{ left: `${BUFFER_CRIT * 100}%` }} aria-hidden="true" />
      </div>
      <span class="buffer-text num">{text()}</span>
    </div>
  );
}
