import { For } from 'solid-js';
import type { Toast } from '../lib/toasts.js';

export interface ToastListProps {
  readonly toasts: readonly Toast[];
  readonly onDismiss: (id: number) => void;
}

/** Results of actions, announced politely to screen readers; dismissable, never blocking. */
export function ToastList(props: ToastListProps) {
  return (
    <div class="toasts" aria-live="polite" aria-relevant="additions">
      <For each={props.toasts}>
        {(toast) => (
          <div class={`toast tone-${toast.tone}`} role={toast.tone === 'bad' ? 'alert' : 'status'}>
            <span class="toast-text">{toast.text}</span>
            <button type="button" class="btn ghost small" aria-label="Dismiss message" onClick={() => props.onDismiss(toast.id)}>
              ✕
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
