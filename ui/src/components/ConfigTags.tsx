import { createMemo, createSignal, For, Show } from 'solid-js';
import { RowActions } from './RowActions.js';
import { errorText } from '../lib/api-error.js';
import { useApp } from '../lib/context.js';
import { formatPlain } from '../lib/format.js';
import type { TagView } from '../lib/schemas/config.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { TagForm } from './TagForm.js';

/** The tags of one group: add, edit, remove (the last tag of a group cannot go: remove the group). */
export function ConfigTags() {
  const app = useApp();
  const [picked, setPicked] = createSignal<string | null>(null);
  const group = createMemo(() => {
    const groups = app.catalog.groups();
    return groups.find((g) => g.name === picked()) ?? groups[0];
  });
  const tags = createMemo((): TagView[] => {
    const g = group();
    return g ? g.tags.map((t) => ({ ...t, group: g.name })) : [];
  });
  const [editing, setEditing] = createSignal<TagView | 'new' | null>(null);
  const [removing, setRemoving] = createSignal<TagView | null>(null);

  const remove = async (t: TagView): Promise<void> => {
    setRemoving(null);
    try {
      await app.api.deleteTag(t.group, t.name);
      app.toasts.show('ok', `Tag ${t.name} removed from ${t.group}.`);
      await app.catalog.refresh();
    } catch (err) {
      app.toasts.show('bad', `Tag ${t.name}: ${errorText(err)}`);
    }
  };
  const n = (v: number | undefined) => (v === undefined ? '' : formatPlain(v));

  return (
    <div class="config-tab">
      <div class="tab-toolbar">
        <label class="inline-field">
          <span class="field-label">Group</span>
          <select aria-label="Group whose tags to edit" onChange={(e) => setPicked(e.currentTarget.value)}>
            <For each={app.catalog.groups()}>
              {(g) => (
                <option value={g.name} selected={group()?.name === g.name}>
                  {g.name} ({g.tags.length})
                </option>
              )}
            </For>
          </select>
        </label>
        <span class="spacer" />
        <button type="button" class="btn primary" disabled={!group()} onClick={() => setEditing('new')}>
          Add tag
        </button>
      </div>
      <table class="grid" aria-label="Tags">
        <colgroup>
          <col style={{ width: '11rem' }} />
          <col style={{ width: '7rem' }} />
          <col style={{ width: '6rem' }} />
          <col style={{ width: '5rem' }} />
          <col style={{ width: '5rem' }} />
          <col style={{ width: '5rem' }} />
          <col style={{ width: '5rem' }} />
          <col />
          <col style={{ width: '10rem' }} />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Address</th>
            <th scope="col">Type</th>
            <th scope="col">Unit</th>
            <th scope="col" class="right">
              Scale
            </th>
            <th scope="col" class="right">
              Warn
            </th>
            <th scope="col" class="right">
              Crit
            </th>
            <th scope="col">Description</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          <For each={tags()} fallback={<tr><td colSpan={9} class="muted">No tags.</td></tr>}>
            {(t) => (
              <tr data-tag={t.name}>
                <td>
                  <strong>{t.name}</strong>
                </td>
                <td class="mono">{t.address}</td>
                <td>
                  {t.type}
                  {t.length !== undefined ? `[${t.length}]` : ''}
                </td>
                <td>{t.unit ?? ''}</td>
                <td class="right num">{n(t.scale)}</td>
                <td class="right num">{n(t.warn)}</td>
                <td class="right num">{n(t.crit)}</td>
                <td class="muted wrap">{t.description ?? ''}</td>
                <td>
                  <RowActions kind="tag" name={t.name} onEdit={() => setEditing(t)} onRemove={() => setRemoving(t)} removeBlocked={tags().length <= 1 ? 'A group needs at least one tag' : undefined} />
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <Show when={editing()} keyed>
        {(e) => (
          <TagForm
            group={group()?.name ?? ''}
            tag={e === 'new' ? undefined : e}
            onDone={(saved) => {
              setEditing(null);
              if (saved) void app.catalog.refresh();
            }}
          />
        )}
      </Show>
      <Show when={removing()}>
        {(t) => (
          <ConfirmDialog
            title={`Remove tag ${t().name}?`}
            message="It is no longer collected; its history stays in the database."
            confirmText="Remove tag"
            danger
            onCancel={() => setRemoving(null)}
            onConfirm={() => void remove(t())}
          />
        )}
      </Show>
    </div>
  );
}
