import { createEffect, createMemo, createSignal, For, onCleanup, Show } from 'solid-js';
import { ActorList } from '../components/ActorList.js';
import { ConnectionIndicator } from '../components/ConnectionIndicator.js';
import { EventLog } from '../components/EventLog.js';
import { StatechartView } from '../components/StatechartView.js';
import { TransitionList } from '../components/TransitionList.js';
import { useApp } from '../lib/context.js';
import { activeLeaves, activeStateIds } from '../lib/statechart/active.js';
import { layoutStatechart } from '../lib/statechart/layout.js';
import { stateText } from '../lib/stores/inspect.js';
import '../styles/inspector.css';

/** The order machines are offered in: the ones operators care about first. */
const PREFERRED = ['pollGroup', 'engine', 'buffer', 'deviceLink'];

/**
 * The statechart inspector (in place of the Stately viewer, which needs the internet): each
 * machine drawn from its own definition, every live actor's state on it, and a log of events.
 */
export function Inspector() {
  const app = useApp();
  const store = app.inspect;
  onCleanup(store.acquire());

  const machines = createMemo(() => {
    const defs = store.definitions();
    if (!defs) return [];
    return Object.keys(defs).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  });
  const [machine, setMachine] = createSignal<string | null>(null);
  const current = () => machine() ?? machines()[0] ?? null;
  const graph = () => {
    const m = current();
    return m === null ? undefined : store.definitions()?.[m];
  };
  const layout = createMemo(() => {
    const g = graph();
    return g ? layoutStatechart(g) : null;
  });
  const actorsOf = (m: string | null) => store.actorIds().filter((id) => store.actors[id]?.machine === m);
  const ids = createMemo(() => actorsOf(current()));

  const [actor, setActor] = createSignal<string | null>(null);
  // The selected actor stopped (a restarted group is "<name>#<n+1>"): follow its successor.
  createEffect(() => {
    const list = ids();
    const a = actor();
    if (a !== null && list.includes(a)) return;
    const prefix = a?.split('#')[0];
    setActor(list.find((id) => prefix !== undefined && id.split('#')[0] === prefix) ?? list[0] ?? null);
  });

  const active = createMemo(() => {
    const g = graph();
    const a = actor();
    const state = a === null ? undefined : store.actors[a];
    return g && state ? activeStateIds(g, state.value) : new Set<string>();
  });
  const leaves = createMemo(() => {
    const g = graph();
    return g ? activeLeaves(g, active()) : [];
  });
  const counts = createMemo(() => {
    const g = graph();
    const out = new Map<string, number>();
    if (!g) return out;
    for (const id of ids()) {
      const a = store.actors[id];
      if (!a) continue;
      for (const leaf of activeLeaves(g, activeStateIds(g, a.value))) out.set(leaf, (out.get(leaf) ?? 0) + 1);
    }
    return out;
  });
  const [picked, setPicked] = createSignal<string | null>(null);
  const shownState = () => picked() ?? leaves()[0] ?? null;

  return (
    <div class="page inspector-page">
      <div class="page-title">
        <h1>Inspector</h1>
        <div class="segmented" role="group" aria-label="Machines">
          <For each={machines()}>
            {(m) => (
              <button
                type="button"
                class="btn small"
                aria-pressed={current() === m}
                onClick={() => {
                  setMachine(m);
                  setPicked(null);
                }}
              >
                {m} <span class="faint num">({actorsOf(m).length})</span>
              </button>
            )}
          </For>
        </div>
        <span class="spacer" />
        <Show when={store.protocolError()}>{(e) => <span class="warn-text small mono">{e()}</span>}</Show>
        <ConnectionIndicator label="Inspection" state={store.stream()} now={app.now()} />
      </div>
      <div class="inspector-layout">
        <aside class="card inspector-actors">
          <header>
            <h2>Actors</h2>
          </header>
          <ActorList
            ids={ids()}
            actors={store.actors}
            selected={actor()}
            now={app.now()}
            onSelect={(id) => {
              setActor(id);
              setPicked(null);
            }}
          />
          <Show when={actor() !== null && store.actors[actor()!]}>
            {(a) => (
              <details class="actor-context">
                <summary>Context of {a().actorId}</summary>
                <pre>{JSON.stringify(a().context, null, 1)}</pre>
              </details>
            )}
          </Show>
          <div class="inspector-transitions">
            <Show when={graph()}>{(g) => <TransitionList machine={g()} stateId={shownState()} />}</Show>
          </div>
        </aside>
        <section class="card chart-card" aria-label="Statechart">
          <header>
            <h2>{current() ?? 'Statechart'}</h2>
            <Show when={actor()}>
              {(a) => (
                <span class="muted">
                  {a()} is in <strong class="mono active-text" data-testid="active-state">{stateText(store.actors[a()]?.value ?? null)}</strong>
                </span>
              )}
            </Show>
          </header>
          <div class="chart-scroll">
            <Show when={layout()} fallback={<div class="empty">{store.stream().status === 'open' ? 'No machine definitions.' : 'Connecting to the inspection stream…'}</div>}>
              {(l) => (
                <StatechartView
                  machine={current() ?? ''}
                  layout={l()}
                  active={active()}
                  activeLeaves={leaves()}
                  counts={counts()}
                  selectedState={shownState()}
                  onSelectState={(id) => setPicked(id)}
                />
              )}
            </Show>
          </div>
        </section>
      </div>
      <EventLog entries={store.log()} actor={actor()} dropped={store.dropped()} actorLabel={(id) => store.actorLabel(id)} />
    </div>
  );
}

function rank(machine: string): number {
  const i = PREFERRED.indexOf(machine);
  return i < 0 ? PREFERRED.length : i;
}
