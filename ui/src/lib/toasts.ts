import { createSignal, type Accessor } from 'solid-js';
import type { Tone } from './levels.js';

/** Short messages after an action (a refused trigger, a saved change), announced to screen readers. */
export interface Toast {
  readonly id: number;
  readonly tone: Tone;
  readonly text: string;
}

export interface Toasts {
  readonly list: Accessor<readonly Toast[]>;
  show(tone: Tone, text: string): void;
  dismiss(id: number): void;
}

const MAX = 5;

export function createToasts(lifetimeMs = 6000): Toasts {
  const [list, setList] = createSignal<readonly Toast[]>([]);
  let next = 1;
  const dismiss = (id: number): void => {
    setList((l) => l.filter((t) => t.id !== id));
  };
  return {
    list,
    dismiss,
    show(tone, text) {
      const id = next++;
      setList((l) => [...l.slice(-(MAX - 1)), { id, tone, text }]);
      // Errors stay longer: the operator may be looking elsewhere.
      setTimeout(() => dismiss(id), tone === 'bad' ? lifetimeMs * 2 : lifetimeMs);
    },
  };
}
