import { render } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { TrendSeries } from '../lib/trend-series.js';

/**
 * uPlot draws on a canvas, which jsdom does not have: a stand-in records what the chart hands
 * it (options and data), which is what this component decides.
 */
const plots: { opts: { series: { label?: string }[]; bands?: { series: [number, number] }[] }; data: unknown[][] }[] = [];
vi.mock('uplot', () => {
  class FakePlot {
    static pxRatio = 1;
    record: (typeof plots)[number];
    constructor(opts: (typeof plots)[number]['opts'], data: unknown[][]) {
      this.record = { opts, data };
      plots.push(this.record);
    }
    setData(data: unknown[][]) {
      this.record.data = data;
    }
    setSize() {}
    destroy() {}
  }
  return { default: FakePlot };
});
vi.mock('uplot/dist/uPlot.min.css', () => ({}));

beforeAll(() => {
  globalThis.ResizeObserver ??= class {
    observe() {}
    disconnect() {}
    unobserve() {}
  } as unknown as typeof ResizeObserver;
});

const { TrendChart, widthText } = await import('./TrendChart.js');

function chart(series: TrendSeries, bucketMs: () => number | null, version: () => number) {
  return render(() => (
    <TrendChart tag="temp1" info={undefined} series={series} version={version()} from={0} to={60_000} live={undefined} truncated={false} bucketMs={bucketMs()} error={null} onRemove={() => undefined} />
  ));
}

describe('TrendChart', () => {
  it('draws buckets as the average line inside a min/max band, and says the bucket width', () => {
    plots.length = 0;
    const series = new TrendSeries();
    series.setBuckets(14_400, [
      { ts: 0, avg: 2, min: 1, max: 3 },
      { ts: 14_400, avg: 5, min: 4, max: 6 },
    ]);
    const { container } = chart(series, () => 14_400, () => 1);
    expect(plots).toHaveLength(1);
    const { opts, data } = plots[0]!;
    expect(opts.series.map((s) => s.label)).toEqual([undefined, 'temp1', 'min', 'max']);
    expect(opts.bands).toEqual([expect.objectContaining({ series: [3, 2] })]);
    expect(data).toEqual([[0, 14_400], [2, 5], [1, 4], [3, 6]]);
    expect(container.querySelector('.trend-cursor')?.textContent).toBe('min/max/avg per 14.4 s');
  });

  it('raw points leave the band empty; going from buckets to points redraws without it', () => {
    plots.length = 0;
    const series = new TrendSeries();
    series.setBuckets(300, [{ ts: 0, avg: 1, min: 0, max: 2 }]);
    const [bucketMs, setBucketMs] = createSignal<number | null>(300);
    const [version, setVersion] = createSignal(1);
    const { container } = chart(series, bucketMs, version);
    series.merge([
      { ts: 10, value: 7 },
      { ts: 20, value: null },
    ]);
    setBucketMs(null);
    setVersion(2);
    expect(plots[0]!.data).toEqual([[10, 20], [7, null], [null, null], [null, null]]);
    expect(container.querySelector('.trend-cursor')?.textContent).toBe('');
  });

  it('names bucket widths as people say them', () => {
    expect([300, 1000, 14_400, 605_000, 3_600_000].map(widthText)).toEqual(['300 ms', '1 s', '14.4 s', '10.1 min', '1 h']);
  });
});
