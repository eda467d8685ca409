import { createSignal } from 'solid-js';
import type { StreamState } from '../lib/sse-client.js';
import type { SseMessage } from '../lib/sse-parser.js';
import type { StreamFactory } from '../lib/stores/stream-source.js';

/** Streams for tests: the test pushes events by URL; state is whatever the test sets. */
export function fakeStreams() {
  const sinks = new Map<string, (m: readonly SseMessage[]) => void>();
  const setters = new Map<string, (s: StreamState) => void>();
  const started = new Set<string>();
  const factory: StreamFactory = (url, onMessages) => {
    sinks.set(url, onMessages);
    const [state, setState] = createSignal<StreamState>({ status: 'open', attempt: 0, retryAt: null, lastError: null, since: 0 });
    setters.set(url, setState);
    return {
      state,
      start: () => void started.add(url),
      stop: () => void started.delete(url),
      reconnectNow: () => undefined,
    };
  };
  return {
    factory,
    started,
    /** Deliver events (one network chunk) to the stream at `url`. */
    send(url: string, events: readonly { type: string; data: unknown }[]): void {
      const sink = sinks.get(url);
      if (!sink) throw new Error(`no stream for ${url}`);
      sink(events.map((e, i) => ({ type: e.type, data: JSON.stringify(e.data), lastEventId: String(i) })));
    },
    setState(url: string, state: StreamState): void {
      setters.get(url)?.(state);
    },
  };
}
