import { createMemo, createSignal, Show } from 'solid-js';
import { createStore, produce } from 'solid-js/store';
import { BufferPanel } from '../components/BufferPanel.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { ConnectionIndicator } from '../components/ConnectionIndicator.js';
import { EngineSummary } from '../components/EngineSummary.js';
import { GroupTable } from '../components/GroupTable.js';
import type { GroupAction } from '../components/GroupRow.js';
import { ApiError, errorText } from '../lib/api-error.js';
import { useApp } from '../lib/context.js';
import { formatDuration } from '../lib/format.js';
import { createPolled } from '../lib/poll.js';
import '../styles/overview.css';

/** The plant at a glance: every group with its controls, the buffer and the writer. */
export function Overview() {
  const app = useApp();
  const writer = createPolled(() => app.api.writerMetrics(), 2000);
  const [busy, setBusy] = createStore<Record<string, GroupAction>>({});
  const [allBusy, setAllBusy] = createSignal<'start' | 'stop' | null>(null);
  const [confirmStopAll, setConfirmStopAll] = createSignal(false);

  const counts = createMemo(() => {
    const out: Record<string, number> = {};
    for (const name of app.polling.names()) {
      const s = app.polling.groups[name]?.state;
      if (s) out[s] = (out[s] ?? 0) + 1;
    }
    return out;
  });

  const act = async (name: string, action: GroupAction): Promise<void> => {
    if (busy[name]) return;
    setBusy(name, action);
    try {
      if (action === 'trigger') {
        const r = await app.api.triggerGroup(name);
        if (!r.completed) app.toasts.show('info', `${name}: trigger accepted, the poll is still running.`);
        else if (r.ok) app.toasts.show('ok', `${name}: triggered poll read ${r.tagCount ?? 0} tags in ${formatDuration(r.durationMs)}.`);
        else app.toasts.show('bad', `${name}: triggered poll failed: ${r.error ?? 'unknown error'}`);
      } else {
        const status = action === 'start' ? await app.api.startGroup(name) : await app.api.stopGroup(name);
        app.polling.applyGroup(status);
        app.toasts.show('ok', `${name}: ${action === 'start' ? 'started' : 'stopped'}.`);
      }
    } catch (err) {
      // A trigger the engine ignored (too soon after the last) is not a fault: say so calmly.
      const ignored = err instanceof ApiError && err.code === 'TRIGGER_IGNORED';
      app.toasts.show(ignored ? 'warn' : 'bad', `${name}: ${errorText(err)}`);
    } finally {
      setBusy(
        produce((b) => {
          delete b[name];
        }),
      );
    }
  };

  const all = async (action: 'start' | 'stop'): Promise<void> => {
    setAllBusy(action);
    try {
      const r = action === 'start' ? await app.api.startAll() : await app.api.stopAll();
      for (const g of r.groups) app.polling.applyGroup(g);
      if (r.refused.length > 0) app.toasts.show('warn', `Not started: ${r.refused.map((x) => `${x.name} (${x.reason})`).join('; ')}`);
      else app.toasts.show('ok', action === 'start' ? 'All groups started.' : 'All groups stopped.');
    } catch (err) {
      app.toasts.show('bad', errorText(err));
    } finally {
      setAllBusy(null);
    }
  };

  const idle = () => counts().idle ?? 0;
  const total = () => app.polling.names().length;

  return (
    <div class="page overview">
      <div class="page-title">
        <h1>Overview</h1>
        <EngineSummary engine={app.polling.engine()} counts={counts()} />
        <span class="spacer" />
        <ConnectionIndicator label="Stream" state={app.polling.stream()} now={app.now()} />
        <button type="button" class="btn go" disabled={allBusy() !== null || idle() === 0} aria-busy={allBusy() === 'start'} onClick={() => void all('start')}>
          Start all
        </button>
        <button type="button" class="btn stop" disabled={allBusy() !== null || idle() === total()} aria-busy={allBusy() === 'stop'} onClick={() => setConfirmStopAll(true)}>
          Stop all
        </button>
      </div>
      <BufferPanel buffer={app.polling.buffer()} writer={writer.value()} writerError={writer.error()} />
      <section class="card groups-card" aria-label="Polling groups">
        <Show when={total() > 0} fallback={<div class="empty">{app.polling.updatedAt() === null ? 'Waiting for the collector…' : 'No polling groups are configured.'}</div>}>
          <GroupTable names={app.polling.names()} groups={app.polling.groups} now={app.now()} busy={busy} onAction={(name, action) => void act(name, action)} />
        </Show>
      </section>
      <Show when={confirmStopAll()}>
        <ConfirmDialog
          title="Stop all groups?"
          message={`All ${total() - idle()} running groups stop polling: no values are collected until they are started again.`}
          confirmText="Stop all groups"
          danger
          onCancel={() => setConfirmStopAll(false)}
          onConfirm={() => {
            setConfirmStopAll(false);
            void all('stop');
          }}
        />
      </Show>
    </div>
  );
}
