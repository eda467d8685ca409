import type { Tone } from '../lib/levels.js';
import { formatClock } from '../lib/format.js';
import type { StreamState } from '../lib/sse-client.js';

export interface ConnectionIndicatorProps {
  /** What the stream carries ("Status", "Values"). */
  readonly label: string;
  readonly state: StreamState;
  readonly now: number;
}

export function streamTone(state: StreamState, now: number): Tone {
  switch (state.status) {
    case 'open':
      return 'ok';
    case 'connecting':
      return state.attempt === 0 ? 'info' : 'warn';
    case 'waiting':
      // A blip is yellow; a connection down for more than 10 s is red.
      return now - state.since > 10_000 ? 'bad' : 'warn';
    case 'unauthorized':
      return 'bad';
    case 'stopped':
      return 'idle';
  }
}

export function streamText(state: StreamState, now: number): string {
  switch (state.status) {
    case 'open':
      return 'live';
    case 'connecting':
      return state.attempt === 0 ? 'connecting…' : 'reconnecting…';
    case 'waiting': {
      const s = state.retryAt === null ? 0 : Math.max(0, Math.ceil((state.retryAt - now) / 1000));
      return `retry in ${s} s`;
    }
    case 'unauthorized':
      return 'token needed';
    case 'stopped':
      return 'off';
  }
}

/** One live stream's health, for the header and the overview: a dot, a word, details on hover. */
export function ConnectionIndicator(props: ConnectionIndicatorProps) {
  const tone = () => streamTone(props.state, props.now);
  const title = () => {
    const s = props.state;
    const since = s.status === 'open' ? `connected since ${formatClock(s.since)}` : `down since ${formatClock(s.since)}`;
    return `${props.label} stream: ${streamText(s, props.now)} (${since})${s.lastError ? ` — last error: ${s.lastError}` : ''}`;
  };
  return (
    <span class={`conn tone-${tone()}`} title={title()} role="status" aria-label={title()}>
      <span class="conn-dot" aria-hidden="true" />
      <span class="conn-label">{props.label}</span>
      <span class="conn-text num">{streamText(props.state, props.now)}</span>
    </span>
  );
}
