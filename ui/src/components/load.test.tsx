import { render } from '@solidjs/testing-library';
import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { createDevicesStore } from '../lib/stores/devices.js';
import { createPollingStore } from '../lib/stores/polling.js';
import { fakeStreams } from '../test-support/fake-streams.js';
import { syntheticGroup, syntheticReadings } from '../test-support/synthetic.js';
import { DeviceCard } from './DeviceCard.js';
import { GroupTable } from './GroupTable.js';

/**
 * The panel must stay responsive with 100 groups and 5,000 tags all updating. These tests drive
 * the real stores and components with synthetic updates and time store + DOM work together
 * (jsdom: no layout or paint; the e2e load test measures frames in Chromium).
 */

const noFrames = { requestFrame: () => 0, cancelFrame: () => undefined, maxDelayMs: 60_000 };

function stats(samples: number[]): { p50: number; p95: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { p50: at(0.5), p95: at(0.95), max: s[s.length - 1]! };
}

describe('load: 100 groups updating', () => {
  it('applies a round of 100 group updates without rebuilding a row', () => {
    const { store, streams } = createRoot(() => {
      const streams = fakeStreams();
      return { streams, store: createPollingStore({ streams: streams.factory, frames: noFrames }) };
    });
    const groups = Array.from({ length: 100 }, (_, i) => syntheticGroup(i, 0));
    streams.send('/api/polling/stream', [{ type: 'snapshot', data: { engine: { ready: true, runningGroups: 100, maxConcurrentGroups: 100, groups: 100 }, groups, buffer: { size: 0, capacity: 10000, state: 'collecting', produced: 0, written: 0, dropped: 0, inFlight: 0, batches: 0, failedWrites: 0, lastError: null, writeLatencyMs: { avg: 0, p95: 0 }, rowsPerSecond: 0 } } }]);
    const { container } = render(() => <GroupTable names={store.names()} groups={store.groups} now={1_700_000_010_000} busy={{}} onAction={() => undefined} />);
    const rows = [...container.querySelectorAll('tbody tr')];
    expect(rows).toHaveLength(100);

    const samples: number[] = [];
    for (let tick = 1; tick <= 40; tick++) {
      streams.send('/api/polling/stream', Array.from({ length: 100 }, (_, i) => ({ type: 'group', data: syntheticGroup(i, tick) })));
      const t0 = performance.now();
      store.flush();
      samples.push(performance.now() - t0);
    }
    const after = [...container.querySelectorAll('tbody tr')];
    expect(after).toHaveLength(100);
    after.forEach((row, i) => expect(row).toBe(rows[i]));
    expect(container.querySelector('tr[data-group="group-005"] [data-testid=polls-ok]')?.textContent).toBe((1000 + 40 * 4 + 5).toLocaleString());
    const s = stats(samples);
    console.info(`[load] 100 groups, one update each, store + DOM (jsdom): p50 ${s.p50.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms, max ${s.max.toFixed(2)} ms`);
    // jsdom timings swing with the machine's load (5-90 ms measured here): the bound only catches
    // a disaster; the rows being reused above is the real check, and e2e measures Chromium.
    expect(s.p95).toBeLessThan(400);
  });
});

describe('load: 5,000 tags updating', () => {
  it('applies a batch where every one of 5,000 values changed, rendering only rows in view and reusing them', () => {
    const { store, streams } = createRoot(() => {
      const streams = fakeStreams();
      return { streams, store: createDevicesStore({ streams: streams.factory, frames: noFrames }) };
    });
    const devices = Array.from({ length: 10 }, (_, i) => ({ name: `plc-${i}`, status: 'ONLINE', lastReadingAt: null, lastError: null }));
    const send = (tick: number) => streams.send('/api/devices/stream', [{ type: 'batch', data: { at: String(tick), devices, readings: syntheticReadings(5000, 10, tick) } }]);
    send(0);
    store.flush();
    const t0 = performance.now();
    const { container } = render(() => (
      <div>
        {devices.map((d) => (
          <DeviceCard name={d.name} live={store.devices[d.name]} config={undefined} tags={store.tagsOf(d.name)} reading={(t) => store.reading(t)} alarms={store.alarmsOf(d.name)} info={new Map()} now={0} filter="" onlyAlarms={false} />
        ))}
      </div>
    ));
    const firstRender = performance.now() - t0;
    const rows = [...container.querySelectorAll('tr.tag-row')];
    // Windowed: each card renders the rows in view and a margin, not its 500 tags.
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.length).toBeLessThan(600);

    const apply: number[] = [];
    const parse: number[] = [];
    for (let tick = 1; tick <= 10; tick++) {
      const p0 = performance.now();
      send(tick);
      parse.push(performance.now() - p0);
      const a0 = performance.now();
      store.flush();
      apply.push(performance.now() - a0);
    }
    const after = [...container.querySelectorAll('tr.tag-row')];
    // The same rows, reused (issue 13: this loop passed over an empty list without a word).
    expect(after.length).toBe(rows.length);
    expect(after.length).toBeGreaterThan(100);
    after.forEach((row, i) => expect(row).toBe(rows[i]));
    const expected = syntheticReadings(5000, 10, 10)[10]!;
    expect(container.querySelector(`tr[data-tag="${expected.tag}"] [data-testid=value]`)?.textContent).toContain(expected.value!.toString().slice(0, 3));
    const a = stats(apply);
    const p = stats(parse);
    console.info(`[load] 5,000 tags: first render ${firstRender.toFixed(0)} ms; per batch (all values changed): JSON + zod ${p.p50.toFixed(1)} ms (p95 ${p.p95.toFixed(1)}), store + DOM ${a.p50.toFixed(1)} ms (p95 ${a.p95.toFixed(1)}, max ${a.max.toFixed(1)})`);
    // jsdom's DOM is slow and has no layout: a loose bound here; the e2e load test measures Chromium.
    expect(a.p95).toBeLessThan(2000);
  }, 60_000);
});
