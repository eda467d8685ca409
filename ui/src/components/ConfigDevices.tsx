import { createSignal, For, Show } from 'solid-js';
import { RowActions } from './RowActions.js';
import { errorText } from '../lib/api-error.js';
import { useApp } from '../lib/context.js';
import { deviceStateTone } from '../lib/levels.js';
import type { DeviceView } from '../lib/schemas/config.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { DeviceForm } from './DeviceForm.js';
import { StatePill } from './StatePill.js';

/** The configured devices: add, edit, remove (a device still used by a group cannot go). */
export function ConfigDevices() {
  const app = useApp();
  const [editing, setEditing] = createSignal<DeviceView | 'new' | null>(null);
  const [removing, setRemoving] = createSignal<DeviceView | null>(null);

  const remove = async (d: DeviceView): Promise<void> => {
    setRemoving(null);
    try {
      await app.api.deleteDevice(d.name);
      app.toasts.show('ok', `Device ${d.name} removed.`);
      await app.catalog.refresh();
    } catch (err) {
      app.toasts.show('bad', `Device ${d.name}: ${errorText(err)}`);
    }
  };

  return (
    <div class="config-tab">
      <div class="tab-toolbar">
        <span class="muted">{app.catalog.devices().length} devices</span>
        <span class="spacer" />
        <button type="button" class="btn primary" onClick={() => setEditing('new')}>
          Add device
        </button>
      </div>
      <table class="grid" aria-label="Devices">
        <colgroup>
          <col style={{ width: '12rem' }} />
          <col style={{ width: '9rem' }} />
          <col />
          <col style={{ width: '8rem' }} />
          <col style={{ width: '6rem' }} />
          <col style={{ width: '9rem' }} />
          <col style={{ width: '10rem' }} />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Protocol</th>
            <th scope="col">Address</th>
            <th scope="col">Timeout</th>
            <th scope="col">Enabled</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          <For each={app.catalog.devices()} fallback={<tr><td colSpan={7} class="muted">No devices.</td></tr>}>
            {(d) => (
              <tr data-device={d.name}>
                <td>
                  <strong>{d.name}</strong>
                  <div class="faint small wrap">{d.groups.join(', ') || 'no groups'}</div>
                </td>
                <td>
                  {d.protocol}
                  <Show when={d.protocol.startsWith('mc')}>
                    <span class="faint"> · {d.encoding}</span>
                  </Show>
                </td>
                <td class="mono">
                  {d.host}:{d.port}
                </td>
                <td class="num">{d.timeoutMs} ms</td>
                <td>{d.enabled ? 'yes' : 'no'}</td>
                <td>
                  <StatePill tone={deviceStateTone(d.status)} text={d.status} compact />
                </td>
                <td>
                  <RowActions kind="device" name={d.name} onEdit={() => setEditing(d)} onRemove={() => setRemoving(d)} />
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <Show when={editing()} keyed>
        {(e) => (
          <DeviceForm
            device={e === 'new' ? undefined : e}
            onDone={(saved) => {
              setEditing(null);
              if (saved) void app.catalog.refresh();
            }}
          />
        )}
      </Show>
      <Show when={removing()}>
        {(d) => (
          <ConfirmDialog
            title={`Remove device ${d().name}?`}
            message={d().groups.length > 0 ? `Groups still use it (${d().groups.join(', ')}): the collector will refuse until they are removed or moved.` : 'Its connection closes; its history stays in the database.'}
            confirmText="Remove device"
            danger
            onCancel={() => setRemoving(null)}
            onConfirm={() => void remove(d())}
          />
        )}
      </Show>
    </div>
  );
}
