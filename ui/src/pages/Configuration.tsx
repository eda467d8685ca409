import { createSignal, For, Match, onMount, Show, Switch } from 'solid-js';
import { ConfigDevices } from '../components/ConfigDevices.js';
import { ConfigGroups } from '../components/ConfigGroups.js';
import { ConfigTags } from '../components/ConfigTags.js';
import { ConfigTransfer } from '../components/ConfigTransfer.js';
import { useApp } from '../lib/context.js';
import '../styles/config.css';

type Tab = 'devices' | 'groups' | 'tags' | 'transfer';
const TABS: readonly { id: Tab; label: string }[] = [
  { id: 'devices', label: 'Devices' },
  { id: 'groups', label: 'Groups' },
  { id: 'tags', label: 'Tags' },
  { id: 'transfer', label: 'Import / export' },
];

/** Devices, groups and tags: changes are validated like the API validates them and applied hot. */
export function Configuration() {
  const app = useApp();
  const [tab, setTab] = createSignal<Tab>('devices');
  onMount(() => void app.catalog.refresh());
  return (
    <div class="page config-page">
      <div class="page-title">
        <h1>Configuration</h1>
        <div class="segmented" role="group" aria-label="Configuration sections">
          <For each={TABS}>
            {(t) => (
              <button type="button" class="btn small" aria-pressed={tab() === t.id} onClick={() => setTab(t.id)}>
                {t.label}
              </button>
            )}
          </For>
        </div>
        <span class="spacer" />
        <span class="muted small">Changes need the API token and apply without a restart.</span>
      </div>
      <Show when={app.catalog.error()}>
        {(e) => (
          <div class="banner tone-warn" role="status">
            Configuration not loaded: {e()}{' '}
            <button type="button" class="btn small" onClick={() => void app.catalog.refresh()}>
              Retry
            </button>
          </div>
        )}
      </Show>
      <section class="card config-body" aria-label={TABS.find((t) => t.id === tab())?.label}>
        <Switch>
          <Match when={tab() === 'devices'}>
            <ConfigDevices />
          </Match>
          <Match when={tab() === 'groups'}>
            <ConfigGroups />
          </Match>
          <Match when={tab() === 'tags'}>
            <ConfigTags />
          </Match>
          <Match when={tab() === 'transfer'}>
            <ConfigTransfer />
          </Match>
        </Switch>
      </section>
    </div>
  );
}
