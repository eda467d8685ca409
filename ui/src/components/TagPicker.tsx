import { createMemo, createSignal, For, Show } from 'solid-js';
import { displayUnit } from '../lib/format.js';
import type { TagInfo } from '../lib/stores/catalog.js';

export interface TagPickerProps {
  readonly tags: ReadonlyMap<string, TagInfo>;
  readonly selected: readonly string[];
  readonly max: number;
  readonly onToggle: (tag: string) => void;
}

/** Tags by device and group, with a search; numeric tags only (text cannot be trended). */
export function TagPicker(props: TagPickerProps) {
  const [query, setQuery] = createSignal('');
  const groups = createMemo(() => {
    const q = query().trim().toLowerCase();
    const out = new Map<string, TagInfo[]>();
    for (const t of props.tags.values()) {
      if (t.type === 'string') continue;
      if (q && !t.name.toLowerCase().includes(q) && !t.group.toLowerCase().includes(q) && !t.device.toLowerCase().includes(q)) continue;
      const key = `${t.device} · ${t.group}`;
      let list = out.get(key);
      if (!list) out.set(key, (list = []));
      list.push(t);
    }
    return [...out.entries()];
  });
  const full = () => props.selected.length >= props.max;
  return (
    <div class="tag-picker card">
      <header>
        <h2>Tags</h2>
        <span class="spacer" />
        <span class="muted num">
          {props.selected.length} of {props.max}
        </span>
      </header>
      <div class="body">
        <input type="search" placeholder="Search tags…" aria-label="Search tags" value={query()} onInput={(e) => setQuery(e.currentTarget.value)} />
        <div class="picker-list">
          <For each={groups()} fallback={<div class="muted">No tags match.</div>}>
            {([title, tags]) => (
              <fieldset>
                <legend>{title}</legend>
                <For each={tags}>
                  {(t) => {
                    const checked = () => props.selected.includes(t.name);
                    return (
                      <label class="picker-item" classList={{ checked: checked() }}>
                        <input type="checkbox" checked={checked()} disabled={!checked() && full()} onChange={() => props.onToggle(t.name)} />
                        <span class="picker-name">{t.name}</span>
                        <Show when={t.unit}>
                          <span class="faint">{displayUnit(t.unit)}</span>
                        </Show>
                      </label>
                    );
                  }}
                </For>
              </fieldset>
            )}
          </For>
        </div>
      </div>
    </div>
  );
}
