import type { JSX } from 'solid-js';

export interface MetricProps {
  readonly label: string;
  readonly value: string;
  /** Colour the value (a non-zero "dropped" is an alarm). */
  readonly tone?: 'ok' | 'warn' | 'bad' | 'idle' | 'info' | undefined;
  readonly title?: string;
  readonly children?: JSX.Element;
}

/** A labelled figure with a fixed width, so changing digits never move its neighbours. */
export function Metric(props: MetricProps) {
  return (
    <div class="metric" title={props.title}>
      <span class="metric-label">{props.label}</span>
      <span class={`metric-value num${props.tone ? ` tone-${props.tone}` : ''}`} classList={{ toned: props.tone !== undefined }}>
        {props.value}
      </span>
      {props.children}
    </div>
  );
}
