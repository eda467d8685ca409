import { createSignal, For, Show } from 'solid-js';
import { RowActions } from './RowActions.js';
import { errorText } from '../lib/api-error.js';
import { useApp } from '../lib/context.js';
import { formatInterval } from '../lib/format.js';
import type { GroupView } from '../lib/schemas/config.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { GroupForm } from './GroupForm.js';

/** The configured polling groups: add (applied hot, polling at once), edit, remove (stops at once). */
export function ConfigGroups() {
  const app = useApp();
  const [editing, setEditing] = createSignal<GroupView | 'new' | null>(null);
  const [removing, setRemoving] = createSignal<GroupView | null>(null);
  const deviceNames = () => app.catalog.devices().map((d) => d.name);

  const remove = async (g: GroupView): Promise<void> => {
    setRemoving(null);
    try {
      await app.api.deleteGroup(g.name);
      app.toasts.show('ok', `Group ${g.name} removed; it stopped polling.`);
      await app.catalog.refresh();
    } catch (err) {
      app.toasts.show('bad', `Group ${g.name}: ${errorText(err)}`);
    }
  };

  return (
    <div class="config-tab">
      <div class="tab-toolbar">
        <span class="muted">{app.catalog.groups().length} groups</span>
        <span class="spacer" />
        <button type="button" class="btn primary" disabled={deviceNames().length === 0} onClick={() => setEditing('new')}>
          Add group
        </button>
      </div>
      <table class="grid" aria-label="Polling groups">
        <colgroup>
          <col style={{ width: '12rem' }} />
          <col style={{ width: '8rem' }} />
          <col style={{ width: '9rem' }} />
          <col />
          <col style={{ width: '5rem' }} />
          <col style={{ width: '6rem' }} />
          <col style={{ width: '10rem' }} />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Device</th>
            <th scope="col">Mode</th>
            <th scope="col">Interval / trigger</th>
            <th scope="col">Tags</th>
            <th scope="col">Enabled</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          <For each={app.catalog.groups()} fallback={<tr><td colSpan={7} class="muted">No groups.</td></tr>}>
            {(g) => (
              <tr data-group={g.name}>
                <td>
                  <strong>{g.name}</strong>
                </td>
                <td>{g.device}</td>
                <td>{g.mode}</td>
                <td class="mono">{g.mode === 'handshake' ? `bit ${g.trigger?.bit ?? '?'}${g.trigger?.ack ? `, ack ${g.trigger.ack}` : ''}` : formatInterval(g.intervalMs)}</td>
                <td class="num">{g.tags.length}</td>
                <td>{g.enabled ? 'yes' : 'no'}</td>
                <td>
                  <RowActions kind="group" name={g.name} onEdit={() => setEditing(g)} onRemove={() => setRemoving(g)} />
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <Show when={editing()} keyed>
        {(e) => (
          <GroupForm
            group={e === 'new' ? undefined : e}
            devices={deviceNames()}
            onDone={(saved) => {
              setEditing(null);
              if (saved) void app.catalog.refresh();
            }}
          />
        )}
      </Show>
      <Show when={removing()}>
        {(g) => (
          <ConfirmDialog
            title={`Remove group ${g().name}?`}
            message={`It stops polling at once; its ${g().tags.length} tags are no longer collected (their history stays).`}
            confirmText="Remove group"
            danger
            onCancel={() => setRemoving(null)}
            onConfirm={() => void remove(g())}
          />
        )}
      </Show>
    </div>
  );
}
