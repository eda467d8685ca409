import { createMemo, createSignal, For, Show } from 'solid-js';
import { formatClock, formatCount } from '../lib/format.js';
import type { LogEntry, LogKind } from '../lib/stores/inspect.js';

export interface EventLogProps {
  readonly entries: readonly LogEntry[];
  /** The selected actor, for "only this actor". */
  readonly actor: string | null;
  /** Records the server had to leave out (shown, never hidden). */
  readonly dropped: number;
  /** How to name an actor ("buffer x:0" says more than "x:0"). */
  readonly actorLabel: (actorId: string) => string;
}

const SHOWN = 300;
const KINDS: readonly { kind: LogKind; label: string }[] = [
  { kind: 'event', label: 'Events' },
  { kind: 'state', label: 'State changes' },
  { kind: 'actor', label: 'Started' },
  { kind: 'stopped', label: 'Stopped' },
];

/** What the actors received and became, newest first, filterable; pause to read. */
export function EventLog(props: EventLogProps) {
  const [text, setText] = createSignal('');
  const [kinds, setKinds] = createSignal<ReadonlySet<LogKind>>(new Set<LogKind>(['event', 'state', 'actor', 'stopped']));
  const [onlyActor, setOnlyActor] = createSignal(false);
  const [frozen, setFrozen] = createSignal<readonly LogEntry[] | null>(null);

  const source = () => frozen() ?? props.entries;
  const rows = createMemo(() => {
    const q = text().trim().toLowerCase();
    const k = kinds();
    const actor = onlyActor() ? props.actor : null;
    const list = source();
    const out: LogEntry[] = [];
    for (let i = list.length - 1; i >= 0 && out.length < SHOWN; i--) {
      const e = list[i]!;
      if (!k.has(e.kind)) continue;
      if (actor !== null && e.actorId !== actor) continue;
      if (q && !props.actorLabel(e.actorId).toLowerCase().includes(q) && !e.text.toLowerCase().includes(q) && !e.detail.toLowerCase().includes(q)) continue;
      out.push(e);
    }
    return out;
  });
  const newWhilePaused = () => {
    const f = frozen();
    if (!f) return 0;
    const last = f[f.length - 1]?.seq ?? 0;
    let n = 0;
    for (let i = props.entries.length - 1; i >= 0 && props.entries[i]!.seq > last; i--) n++;
    return n;
  };

  const toggleKind = (kind: LogKind): void => {
    const next = new Set(kinds());
    if (next.has(kind)) next.delete(kind);
    else next.add(kind);
    setKinds(next);
  };

  return (
    <section class="card event-log" aria-label="Event log">
      <header>
        <h2>Event log</h2>
        <input type="search" placeholder="Filter: actor, event, state…" aria-label="Filter the event log" value={text()} onInput={(e) => setText(e.currentTarget.value)} />
        <For each={KINDS}>
          {(k) => (
            <label class="inline-check small">
              <input type="checkbox" checked={kinds().has(k.kind)} onChange={() => toggleKind(k.kind)} /> {k.label}
            </label>
          )}
        </For>
        <label class="inline-check small">
          <input type="checkbox" checked={onlyActor()} disabled={props.actor === null} onChange={(e) => setOnlyActor(e.currentTarget.checked)} /> Selected actor only
        </label>
        <span class="spacer" />
        <Show when={props.dropped > 0}>
          <span class="warn-text small num" title="The server sends at most 500 records per 250 ms; the rest are counted here">
            {formatCount(props.dropped)} records skipped by the server
          </span>
        </Show>
        <button type="button" class="btn small" aria-pressed={frozen() !== null} onClick={() => setFrozen(frozen() ? null : [...props.entries])}>
          {frozen() ? `Resume (${formatCount(newWhilePaused())} new)` : 'Pause'}
        </button>
      </header>
      <div class="log-body" role="log" aria-live="off">
        <table class="grid compact log-table">
          <colgroup>
            <col style={{ width: '7.5rem' }} />
            <col style={{ width: '10rem' }} />
            <col style={{ width: '6.5rem' }} />
            <col style={{ width: '18rem' }} />
            <col />
          </colgroup>
          <tbody>
            <For each={rows()} fallback={<tr><td colSpan={5} class="muted">No entries{text() ? ' match the filter' : ' yet'}.</td></tr>}>
              {(e) => (
                <tr class={`log-${e.kind}`}>
                  <td class="num faint">{formatClock(e.at, true)}</td>
                  <td class="mono" title={e.actorId}>
                    {props.actorLabel(e.actorId)}
                  </td>
                  <td>
                    <span class={`log-kind kind-${e.kind}`}>{e.kind}</span>
                  </td>
                  <td class="mono" title={e.text}>
                    {e.text}
                  </td>
                  <td class="mono faint" title={e.detail}>
                    {e.detail}
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </section>
  );
}
