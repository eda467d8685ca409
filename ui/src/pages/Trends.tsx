import { createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { createStore, produce } from 'solid-js/store';
import { TagPicker } from '../components/TagPicker.js';
import { TrendChart } from '../components/TrendChart.js';
import { errorText } from '../lib/api-error.js';
import { useApp } from '../lib/context.js';
import { loadSelection, MAX_TRENDS, saveSelection, WINDOWS } from '../lib/trend-selection.js';
import { maxPointsFor, TREND_REFRESH_MS, TrendLoader } from '../lib/trend-loader.js';
import { TrendSeries } from '../lib/trend-series.js';
import '../styles/trends.css';

const LIMIT = 10_000;

interface TrendMeta {
  version: number;
  truncated: boolean;
  /** The series holds buckets of this width (a long window), or null: raw points. */
  bucketMs: number | null;
  error: string | null;
}

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/**
 * Trends: the chosen tags over the last minutes or hours, from the history of the database the
 * values go to, extended every two seconds with what was recorded since (so the lines are as
 * dense as the polling, not as the live stream), plus the live value beside each chart. A window
 * holding more rows than the chart is wide comes back downsampled (min/max band and average per
 * bucket) and is reloaded once per bucket width (TrendLoader).
 */
export function Trends() {
  const app = useApp();
  const initial = loadSelection(storage());
  const [selected, setSelected] = createSignal<readonly string[]>(initial.tags);
  const [windowMs, setWindowMs] = createSignal(initial.windowMs);
  const [paused, setPaused] = createSignal(false);
  const [to, setTo] = createSignal(Date.now());
  const [meta, setMeta] = createStore<Record<string, TrendMeta>>({});
  const series = new Map<string, TrendSeries>();
  const loaders = new WeakMap<TrendSeries, TrendLoader>();
  let generation = 0;
  let listEl: HTMLDivElement | undefined;
  const seriesOf = (tag: string): TrendSeries => {
    let s = series.get(tag);
    if (!s) series.set(tag, (s = new TrendSeries()));
    return s;
  };
  const loaderOf = (s: TrendSeries): TrendLoader => {
    let l = loaders.get(s);
    if (!l) loaders.set(s, (l = new TrendLoader(s)));
    return l;
  };
  // About one point per pixel: the chart is as wide as the list (a bit less with its axis).
  const maxPoints = (): number => maxPointsFor(listEl?.clientWidth || globalThis.innerWidth || 1000);

  const persist = (): void => saveSelection(storage(), { tags: selected(), windowMs: windowMs() });

  const refreshTag = async (tag: string, end: number, gen: number): Promise<void> => {
    const s = seriesOf(tag);
    const loader = loaderOf(s);
    const start = end - windowMs();
    const request = loader.plan(start, end);
    if (!request) return;
    try {
      const h = await app.api.history(tag, request.from, request.to, LIMIT, maxPoints());
      if (gen !== generation || series.get(tag) !== s) return;
      const { truncated } = loader.apply(request, h, start);
      setMeta(tag, (m) => ({ version: (m?.version ?? 0) + 1, truncated: request.whole ? truncated : (m?.truncated ?? false), bucketMs: s.bucketMs, error: null }));
    } catch (err) {
      if (gen === generation) setMeta(tag, (m) => ({ version: m?.version ?? 0, truncated: m?.truncated ?? false, bucketMs: m?.bucketMs ?? null, error: errorText(err) }));
    }
  };

  let running = false;
  const refresh = async (): Promise<void> => {
    if (running || paused()) return;
    running = true;
    const end = Date.now();
    const gen = generation;
    try {
      await Promise.all(selected().map((t) => refreshTag(t, end, gen)));
      if (gen === generation) setTo(end);
    } finally {
      running = false;
    }
  };

  /** Start over (another window): every series is reloaded. */
  const reload = (): void => {
    generation++;
    for (const s of series.values()) s.clear();
    void refresh();
  };

  onMount(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), TREND_REFRESH_MS);
    onCleanup(() => clearInterval(timer));
  });

  const toggle = (tag: string): void => {
    if (selected().includes(tag)) {
      setSelected(selected().filter((t) => t !== tag));
      series.delete(tag);
      setMeta(
        produce((m) => {
          delete m[tag];
        }),
      );
    } else if (selected().length < MAX_TRENDS) {
      series.set(tag, new TrendSeries());
      setSelected([...selected(), tag]);
      void refreshTag(tag, Date.now(), generation);
    }
    persist();
  };

  return (
    <div class="page trends-page">
      <div class="page-title">
        <h1>Trends</h1>
        <div class="segmented" role="group" aria-label="Time window">
          <For each={WINDOWS}>
            {(w) => (
              <button
                type="button"
                class="btn small"
                aria-pressed={windowMs() === w.ms}
                onClick={() => {
                  setWindowMs(w.ms);
                  persist();
                  reload();
                }}
              >
                {w.label}
              </button>
            )}
          </For>
        </div>
        <button type="button" class="btn small" aria-pressed={paused()} onClick={() => setPaused(!paused())}>
          {paused() ? 'Resume' : 'Pause'}
        </button>
        <span class="spacer" />
        <span class="muted">History from the value database, refreshed every 2 s (long windows: min/max and average per bucket).</span>
      </div>
      <Show when={app.catalog.error()}>{(e) => <div class="banner tone-warn">Tag list unavailable: {e()}</div>}</Show>
      <div class="trends-layout">
        <TagPicker tags={app.catalog.tags()} selected={selected()} max={MAX_TRENDS} onToggle={toggle} />
        <div class="trend-list" ref={listEl} classList={{ many: selected().length > 3 }}>
          <Show when={selected().length > 0} fallback={<div class="card empty">Pick up to {MAX_TRENDS} tags on the left to see their trends.</div>}>
            <For each={selected()}>
              {(tag) => (
                <TrendChart
                  tag={tag}
                  info={app.catalog.tags().get(tag)}
                  series={seriesOf(tag)}
                  version={meta[tag]?.version ?? 0}
                  from={to() - windowMs()}
                  to={to()}
                  live={app.devices.reading(tag)}
                  truncated={meta[tag]?.truncated ?? false}
                  bucketMs={meta[tag]?.bucketMs ?? null}
                  error={meta[tag]?.error ?? null}
                  onRemove={() => toggle(tag)}
                />
              )}
            </For>
          </Show>
        </div>
      </div>
    </div>
  );
}
