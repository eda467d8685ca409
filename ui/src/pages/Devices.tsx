import { createMemo, createSignal, For, Show } from 'solid-js';
import { DeviceCard } from '../components/DeviceCard.js';
import { useApp } from '../lib/context.js';
import { formatClock } from '../lib/format.js';
import '../styles/devices.css';

/** Every device and the latest value of each of its tags, live. */
export function Devices() {
  const app = useApp();
  const [filter, setFilter] = createSignal('');
  const [onlyAlarms, setOnlyAlarms] = createSignal(false);
  // Devices known from the stream, then configured devices that have not reported yet.
  const names = createMemo(() => {
    const live = app.devices.deviceNames();
    const extra = app.catalog.devices().map((d) => d.name).filter((n) => !live.includes(n));
    return extra.length === 0 ? live : [...live, ...extra];
  });
  const configOf = createMemo(() => new Map(app.catalog.devices().map((d) => [d.name, d])));
  const counts = createMemo(() => {
    const out = { ONLINE: 0, OFFLINE: 0, ERROR: 0, UNKNOWN: 0 };
    for (const n of names()) out[app.devices.devices[n]?.status ?? 'UNKNOWN']++;
    return out;
  });
  const needle = () => filter().trim().toLowerCase();

  return (
    <div class="page devices-page">
      <div class="page-title">
        <h1>Devices</h1>
        <span class="num">
          <strong class="ok-text">{counts().ONLINE}</strong> online
          <Show when={counts().OFFLINE > 0}>
            , <strong class="error-text">{counts().OFFLINE}</strong> offline
          </Show>
          <Show when={counts().ERROR > 0}>
            , <strong class="warn-text">{counts().ERROR}</strong> in error
          </Show>
        </span>
        <span class="spacer" />
        <span class="muted num">values at {formatClock(app.devices.batchAt())}</span>
        <input type="search" placeholder="Filter tags…" aria-label="Filter tags by name, group or description" value={filter()} onInput={(e) => setFilter(e.currentTarget.value)} />
        <label class="inline-check">
          <input type="checkbox" checked={onlyAlarms()} onChange={(e) => setOnlyAlarms(e.currentTarget.checked)} /> Only alarms
        </label>
      </div>
      <Show when={names().length > 0} fallback={<div class="card empty">{app.devices.batchAt() === null ? 'Waiting for the first values…' : 'No devices are configured.'}</div>}>
        <div class="device-grid">
          <For each={names()}>
            {(name) => (
              <DeviceCard
                name={name}
                live={app.devices.devices[name]}
                config={configOf().get(name)}
                tags={app.devices.tagsOf(name)}
                reading={(t) => app.devices.reading(t)}
                alarms={app.devices.alarmsOf(name)}
                info={app.catalog.tags()}
                now={app.now()}
                filter={needle()}
                onlyAlarms={onlyAlarms()}
              />
            )}
          </For>
        </div>
      </Show>
    </div>
  );
}
