import type { Tone } from '../lib/levels.js';

export interface StatePillProps {
  readonly tone: Tone;
  readonly text: string;
  readonly compact?: boolean;
  readonly title?: string;
}

/** A state as colour AND word (colour alone fails the colour-blind and a glare-washed screen). */
export function StatePill(props: StatePillProps) {
  return (
    <span class={`pill tone-${props.tone}`} classList={{ compact: props.compact === true }} title={props.title}>
      {props.text}
    </span>
  );
}
