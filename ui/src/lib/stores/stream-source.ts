import { createSignal, type Accessor } from 'solid-js';
import { SseClient, type SseClientOptions, type StreamState } from '../sse-client.js';
import type { SseMessage } from '../sse-parser.js';

/** How a store gets its stream: a real SseClient, or a fake in tests. */
export interface StreamSource {
  readonly state: Accessor<StreamState>;
  start(): void;
  stop(): void;
  reconnectNow(): void;
}

export type StreamFactory = (url: string, onMessages: (messages: readonly SseMessage[]) => void) => StreamSource;

/** The product's factory: fetch-based SSE with backoff, the state as a signal. */
export function sseStreamFactory(defaults: Omit<SseClientOptions, 'url' | 'onMessages' | 'onState'> = {}): StreamFactory {
  return (url, onMessages) => {
    const [state, setState] = createSignal<StreamState>({ status: 'stopped', attempt: 0, retryAt: null, lastError: null, since: Date.now() });
    const client = new SseClient({ ...defaults, url, onMessages, onState: (s) => setState(s) });
    return {
      state,
      start: () => client.start(),
      stop: () => client.stop(),
      reconnectNow: () => client.reconnectNow(),
    };
  };
}
