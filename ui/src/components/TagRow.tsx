import { createMemo, Show } from 'solid-js';
import { displayUnit, formatClock, formatPlain, formatValue } from '../lib/format.js';
import { QUALITY_TEXT, readingClass } from '../lib/levels.js';
import type { LatestReading } from '../lib/schemas/status.js';
import type { TagInfo } from '../lib/stores/catalog.js';

export interface TagRowProps {
  readonly reading: LatestReading;
  readonly info: TagInfo | undefined;
}

const LEVEL_TEXT = { normal: 'normal', warning: 'warning', critical: 'critical', 'bad-quality': 'bad' } as const;

/** One tag's latest value: coloured by its alarm level (or greyed when the value is not good). */
export function TagRow(props: TagRowProps) {
  const cls = createMemo(() => readingClass(props.reading.level, props.reading.quality));
  const limits = () => {
    const i = props.info;
    if (!i || (i.warn === null && i.crit === null)) return '';
    const unit = displayUnit(i.unit);
    return `${i.warn === null ? '–' : formatPlain(i.warn)} / ${i.crit === null ? '–' : formatPlain(i.crit)}${unit ? ` ${unit}` : ''}`;
  };
  return (
    <tr class={`tag-row level-${cls()}`} data-tag={props.reading.tag}>
      {/* The title holds the whole text: a long tag name in a narrow card is shortened, never lost. */}
      <td title={`${props.reading.tag} ${props.reading.group}${props.info?.description ? ` — ${props.info.description}` : ''}`}>
        <span class="tag-name">{props.reading.tag}</span> <span class="faint tag-group">{props.reading.group}</span>
      </td>
      <td class="right num live-value tag-value" data-testid="value">
        {formatValue(props.reading.value, props.reading.unit, props.info)}
      </td>
      <td>
        <Show when={cls() !== 'bad-quality'} fallback={<span class="level-tag bad-quality" title={props.reading.error ?? QUALITY_TEXT[props.reading.quality]}>{QUALITY_TEXT[props.reading.quality]}</span>}>
          <span class={`level-tag ${cls()}`}>{LEVEL_TEXT[cls()]}</span>
        </Show>
      </td>
      <td class="right num faint" title="warning / critical threshold">
        {limits()}
      </td>
      <td class="right num faint live-value">
        {formatClock(props.reading.timestamp)}
      </td>
    </tr>
  );
}
