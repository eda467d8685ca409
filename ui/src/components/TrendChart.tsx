import { createEffect, createSignal, onCleanup, onMount, Show } from 'solid-js';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { displayUnit, formatClock, formatDateTime, formatNumber, formatTagNumber, formatValue } from '../lib/format.js';
import { readingClass } from '../lib/levels.js';
import type { LatestReading } from '../lib/schemas/status.js';
import type { TagInfo } from '../lib/stores/catalog.js';
import type { TrendSeries } from '../lib/trend-series.js';

export interface TrendChartProps {
  readonly tag: string;
  readonly info: TagInfo | undefined;
  readonly series: TrendSeries;
  /** Bumped when the series changed: the chart redraws. */
  readonly version: number;
  readonly from: number;
  readonly to: number;
  readonly live: LatestReading | undefined;
  readonly truncated: boolean;
  /** The series holds buckets of this width (ms), or null for raw points. */
  readonly bucketMs: number | null;
  readonly error: string | null;
  readonly onRemove: () => void;
}

const AXIS = '#a3acb7';
const GRID = '#2a3038';
const LINE = '#5aa9ff';
const BAND_EDGE = 'rgba(90, 169, 255, 0.35)';
const BAND_FILL = 'rgba(90, 169, 255, 0.18)';
const WARN = '#e3b341';
const CRIT = '#ff6b61';

/** A bucket width as people say it: 300 ms, 14.4 s, 10 min. */
export function widthText(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  if (ms < 3_600_000) return `${Number((ms / 60_000).toFixed(1))} min`;
  return `${Number((ms / 3_600_000).toFixed(1))} h`;
}

/**
 * One tag over the chosen window (uPlot on a canvas), with its warning and critical limits.
 * Downsampled history (buckets) draws the average as the line and each bucket's min..max as a
 * band around it; raw points leave the band series empty.
 */
export function TrendChart(props: TrendChartProps) {
  let host: HTMLDivElement | undefined;
  let plot: uPlot | undefined;
  const [cursor, setCursor] = createSignal<{ ts: number; value: number | null; min: number | null; max: number | null } | null>(null);
  const data = (): uPlot.AlignedData => [props.series.ts, props.series.values, props.series.mins, props.series.maxs];
  const unit = () => displayUnit(props.info?.unit ?? props.live?.unit ?? null);

  const thresholds = (u: uPlot): void => {
    const ctx = u.ctx;
    const lines: [number | null | undefined, string][] = [
      [props.info?.warn, WARN],
      [props.info?.crit, CRIT],
    ];
    ctx.save();
    ctx.lineWidth = 1.5 * uPlot.pxRatio;
    ctx.setLineDash([6 * uPlot.pxRatio, 4 * uPlot.pxRatio]);
    for (const [v, color] of lines) {
      if (v === null || v === undefined) continue;
      const y = u.valToPos(v, 'y', true);
      if (y < u.bbox.top || y > u.bbox.top + u.bbox.height) continue;
      ctx.strokeStyle = color;
      ctx.beginPath();
      ctx.moveTo(u.bbox.left, y);
      ctx.lineTo(u.bbox.left + u.bbox.width, y);
      ctx.stroke();
    }
    ctx.restore();
  };

  onMount(() => {
    if (!host) return;
    const size = () => ({ width: Math.max(200, host!.clientWidth), height: Math.max(100, host!.clientHeight) });
    const opts: uPlot.Options = {
      ...size(),
      ms: 1,
      legend: { show: false },
      cursor: { sync: { key: 'trends' }, drag: { x: false, y: false }, points: { size: 6 } },
      scales: { x: { time: true, auto: false, range: () => [props.from, props.to] }, y: { auto: true } },
      series: [
        {},
        { label: props.tag, stroke: LINE, width: 1.5, spanGaps: false, points: { show: false } },
        { label: 'min', stroke: BAND_EDGE, width: 1, spanGaps: false, points: { show: false } },
        { label: 'max', stroke: BAND_EDGE, width: 1, spanGaps: false, points: { show: false } },
      ],
      // uPlot fills between two series: [upper, lower].
      bands: [{ series: [3, 2], fill: BAND_FILL }],
      axes: [
        {
          stroke: AXIS,
          grid: { stroke: GRID, width: 1 },
          ticks: { stroke: GRID, width: 1 },
          font: '11px system-ui, sans-serif',
          // Local 24-hour time, as on the shift log (uPlot's default is US style "1:30pm").
          // Past a day, the date too ("05-01 14:03").
          values: (_u, ticks) => ticks.map((t) => (props.to - props.from > 86_400_000 ? formatDateTime(t).slice(5, 16) : formatClock(t).slice(0, props.to - props.from > 15 * 60_000 ? 5 : 8))),
        },
        {
          stroke: AXIS,
          grid: { stroke: GRID, width: 1 },
          ticks: { stroke: GRID, width: 1 },
          font: '11px system-ui, sans-serif',
          size: 64,
          values: (_u, vals) => vals.map((v) => formatNumber(v)),
        },
      ],
      hooks: {
        draw: [thresholds],
        setCursor: [
          (u) => {
            const i = u.cursor.idx;
            if (i === null || i === undefined) return setCursor(null);
            const ts = u.data[0][i];
            if (ts === undefined) return setCursor(null);
            setCursor({ ts, value: u.data[1]![i] ?? null, min: u.data[2]?.[i] ?? null, max: u.data[3]?.[i] ?? null });
          },
        ],
      },
    };
    plot = new uPlot(opts, data(), host);
    const observer = new ResizeObserver(() => plot?.setSize(size()));
    observer.observe(host);
    onCleanup(() => {
      observer.disconnect();
      plot?.destroy();
      plot = undefined;
    });
  });

  createEffect(() => {
    // Redraw on new points or a moved window.
    void props.version;
    void props.from;
    void props.to;
    plot?.setData(data(), true);
  });

  return (
    <section class="card trend" aria-label={`Trend of ${props.tag}`} data-tag={props.tag}>
      <header>
        <h3>{props.tag}</h3>
        <span class="faint">
          {props.info ? `${props.info.device} · ${props.info.group}` : ''}
          {unit() ? ` · ${unit()}` : ''}
        </span>
        <span class="spacer" />
        <span class="num trend-cursor muted">
          <Show when={cursor()} fallback={props.truncated ? 'newest 10,000 points shown' : props.bucketMs !== null ? `min/max/avg per ${widthText(props.bucketMs)}` : ''}>
            {(c) => {
              const u = unit() ? ` ${unit()}` : '';
              const band = c().min !== null && c().max !== null ? ` (${formatTagNumber(c().min, props.info)}–${formatTagNumber(c().max, props.info)})` : '';
              return `${formatClock(c().ts)}  ${c().value === null ? '—' : `${formatTagNumber(c().value, props.info)}${u}`}${band}`;
            }}
          </Show>
        </span>
        <span class={`num trend-live level-${props.live ? readingClass(props.live.level, props.live.quality) : 'normal'}`} data-testid="trend-live">
          {props.live ? formatValue(props.live.value, props.live.unit, props.info) : '—'}
        </span>
        <button type="button" class="btn ghost small" aria-label={`Remove the trend of ${props.tag}`} onClick={() => props.onRemove()}>
          ✕
        </button>
      </header>
      <Show when={props.error}>{(e) => <div class="error-text trend-error">{e()}</div>}</Show>
      <div class="trend-plot" ref={host} />
    </section>
  );
}
