import { createSignal, onCleanup, type Accessor } from 'solid-js';
import { errorText } from './api-error.js';

/**
 * A value refreshed every `periodMs` while the component lives (writer metrics, history).
 * One request at a time: a slow answer delays the next poll instead of stacking requests.
 */
export interface Polled<T> {
  readonly value: Accessor<T | undefined>;
  readonly error: Accessor<string | null>;
  refresh(): Promise<void>;
}

export function createPolled<T>(load: () => Promise<T>, periodMs: number): Polled<T> {
  const [value, setValue] = createSignal<T>();
  const [error, setError] = createSignal<string | null>(null);
  let running: Promise<void> | null = null;
  let disposed = false;
  const refresh = (): Promise<void> => {
    running ??= load()
      .then(
        (v) => {
          if (disposed) return;
          setValue(() => v);
          setError(null);
        },
        (err: unknown) => {
          if (!disposed) setError(errorText(err));
        },
      )
      .finally(() => (running = null));
    return running;
  };
  void refresh();
  const timer = setInterval(() => void refresh(), periodMs);
  onCleanup(() => {
    disposed = true;
    clearInterval(timer);
  });
  return { value, error, refresh };
}
