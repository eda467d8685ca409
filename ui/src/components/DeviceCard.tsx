import { createMemo, createSignal, onCleanup, onMount, Show } from 'solid-js';
import { formatAge, formatCount, toMs } from '../lib/format.js';
import { deviceStateTone } from '../lib/levels.js';
import type { DeviceView } from '../lib/schemas/config.js';
import type { LatestReading } from '../lib/schemas/status.js';
import type { DeviceLive } from '../lib/schemas/streams.js';
import type { TagInfo } from '../lib/stores/catalog.js';
import { StatePill } from './StatePill.js';
import { TagRow } from './TagRow.js';
import { VirtualRows } from './VirtualRows.js';

export interface DeviceCardProps {
  readonly name: string;
  readonly live: DeviceLive | undefined;
  readonly config: DeviceView | undefined;
  readonly tags: readonly string[];
  readonly reading: (tag: string) => LatestReading | undefined;
  /** Tags in warning, critical or with a bad value. */
  readonly alarms: number;
  readonly info: ReadonlyMap<string, TagInfo>;
  readonly now: number;
  /** Lower-case text a tag name, group or description must contain; '' for all. */
  readonly filter: string;
  readonly onlyAlarms: boolean;
}

/** Tag rows are 2.2rem high (styles/devices.css): the windowing needs it in px. */
const ROW_REM = 2.2;

function rowHeightPx(): number {
  const rem = typeof getComputedStyle === 'function' ? parseFloat(getComputedStyle(document.documentElement).fontSize) : 14;
  return (Number.isFinite(rem) && rem > 0 ? rem : 14) * ROW_REM;
}

/**
 * A device: connection state, last reading, last error, and its tags' latest values. The tag
 * table scrolls inside the card past 60 % of the window and renders only the rows in view.
 */
export function DeviceCard(props: DeviceCardProps) {
  let scroller: HTMLDivElement | undefined;
  const [rowHeight, setRowHeight] = createSignal(rowHeightPx());
  onMount(() => {
    // The root font grows on wall displays (media queries): follow it.
    const resize = (): void => {
      setRowHeight(rowHeightPx());
    };
    window.addEventListener('resize', resize);
    onCleanup(() => window.removeEventListener('resize', resize));
  });
  const status = () => props.live?.status ?? props.config?.status ?? 'UNKNOWN';
  const lastReadingAt = () => props.live?.lastReadingAt ?? props.config?.lastReadingAt ?? null;
  const lastError = () => props.live?.lastError ?? props.config?.lastError ?? null;
  const lastErrorAt = () => props.live?.lastErrorAt ?? props.config?.lastErrorAt ?? null;
  // The server keeps the last error after a recovery as a diagnostic: on an ONLINE device it is
  // history, shown with its age and muted, never as a current fault.
  const errorIsPast = () => status() === 'ONLINE';
  const tagErrors = () => props.live?.tagErrors ?? props.config?.tagErrors ?? 0;
  const lastTagError = () => props.config?.lastTagError ?? null;
  const visible = createMemo(() => {
    const f = props.filter;
    const alarms = props.onlyAlarms;
    if (f === '' && !alarms) return props.tags;
    return props.tags.filter((t) => {
      const r = props.reading(t);
      if (alarms && (!r || (r.level !== 'warning' && r.level !== 'critical' && r.quality === 'good'))) return false;
      if (f === '') return true;
      const i = props.info.get(t);
      return t.toLowerCase().includes(f) || (r?.group.toLowerCase().includes(f) ?? false) || (i?.description?.toLowerCase().includes(f) ?? false);
    });
  });
  return (
    <section class="card device-card" data-device={props.name} aria-label={`Device ${props.name}`}>
      <header>
        <h2>{props.name}</h2>
        <StatePill tone={deviceStateTone(status())} text={status()} />
        <Show when={props.config}>
          {(c) => (
            <span class="muted device-addr">
              {c().protocol} · {c().host}:{c().port}
            </span>
          )}
        </Show>
        <span class="spacer" />
        <span class="num device-last" title={lastReadingAt() ?? 'never'}>
          <span class="muted">last reading </span>
          <span data-testid="last-reading">{formatAge(toMs(lastReadingAt()), props.now)}</span>
        </span>
      </header>
      <Show when={lastError()}>
        {(e) => (
          <div class={errorIsPast() ? 'device-error device-error-past muted' : 'device-error error-text'} data-testid="device-error">
            {errorIsPast() ? 'Last error' : 'Error'}
            <Show when={lastErrorAt()}>{(at) => <span title={at()}> ({formatAge(toMs(at()), props.now)})</span>}</Show>: {e()}
          </div>
        )}
      </Show>
      <div class="device-meta muted num">
        {formatCount(props.tags.length)} tags
        <Show when={props.alarms > 0}>
          {' · '}
          <span class="warn-text">{formatCount(props.alarms)} in alarm or bad</span>
        </Show>
        <Show when={props.config && props.config.queueDepth > 0}> · queue {props.config?.queueDepth}</Show>
        <Show when={tagErrors() > 0}>
          {' · '}
          <span class="warn-text" data-testid="tag-errors" title={lastTagError() ? `${lastTagError()!.tag} (${lastTagError()!.address}): ${lastTagError()!.error}` : ''}>
            {formatCount(tagErrors())} refused {tagErrors() === 1 ? 'address' : 'addresses'}
          </span>
        </Show>
      </div>
      <Show when={props.tags.length > 0} fallback={<div class="empty">No readings yet: are this device's groups running?</div>}>
        <div class="tag-scroll" ref={scroller}>
        <table class="grid tag-table" aria-label={`Tags of ${props.name}`}>
          <colgroup>
            <col />
            <col style={{ width: '8.5rem' }} />
            {/* Wide enough for "configuration error" and "no communication" at 1280x800 (issue 14). */}
            <col style={{ width: '10rem' }} />
            <col style={{ width: '7rem' }} />
            <col style={{ width: '5.5rem' }} />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Tag</th>
              <th scope="col" class="right">
                Value
              </th>
              <th scope="col">Status</th>
              <th scope="col" class="right">
                Limits
              </th>
              <th scope="col" class="right">
                Time
              </th>
            </tr>
          </thead>
          <tbody>
            <VirtualRows items={visible()} scroller={() => scroller} rowHeight={rowHeight()} columns={5}>
              {(tag) => <Show when={props.reading(tag)}>{(r) => <TagRow reading={r()} info={props.info.get(tag)} />}</Show>}
            </VirtualRows>
          </tbody>
        </table>
        </div>
      </Show>
    </section>
  );
}
