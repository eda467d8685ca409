import type { Accessor } from 'solid-js';
import { ApiClient } from './api.js';
import { createNow } from './clock.js';
import { Endpoints } from './endpoints.js';
import { createCatalog, type Catalog } from './stores/catalog.js';
import { createDevicesStore, type DevicesStore } from './stores/devices.js';
import { createInspectStore, type InspectStore } from './stores/inspect.js';
import { createPollingStore, type PollingStore } from './stores/polling.js';
import { sseStreamFactory, type StreamFactory } from './stores/stream-source.js';
import { createToasts, type Toasts } from './toasts.js';
import { createTokenPrompt, type TokenPrompt } from './token-prompt.js';
import { createTokenStore, type TokenStore } from './token.js';

/**
 * Everything the pages share: the API, the live stores, the token, the toasts. Built once by
 * main.tsx (inside a Solid root); tests build one with a fake fetch and fake streams.
 */
export interface AppState {
  readonly api: Endpoints;
  readonly tokens: TokenStore;
  readonly tokenPrompt: TokenPrompt;
  readonly toasts: Toasts;
  readonly polling: PollingStore;
  readonly devices: DevicesStore;
  readonly inspect: InspectStore;
  readonly catalog: Catalog;
  /** Wall-clock time, ticking once a second (ages, countdowns). */
  readonly now: Accessor<number>;
}

export interface AppStateOptions {
  readonly fetch?: typeof fetch;
  readonly streams?: StreamFactory;
  readonly storage?: Storage | null;
  readonly now?: Accessor<number>;
}

export function createAppState(options: AppStateOptions = {}): AppState {
  const tokens = options.storage !== undefined ? createTokenStore(options.storage) : createTokenStore();
  const tokenPrompt = createTokenPrompt();
  const client = new ApiClient({ tokens, promptToken: (reason) => tokenPrompt.ask(reason), fetch: options.fetch });
  const api = new Endpoints(client);
  // Streams send the token too: a server with protectReads refuses them without it.
  const streams = options.streams ?? sseStreamFactory({ token: () => tokens.token(), fetch: options.fetch });
  return {
    api,
    tokens,
    tokenPrompt,
    toasts: createToasts(),
    polling: createPollingStore({ streams }),
    devices: createDevicesStore({ streams }),
    inspect: createInspectStore({ streams }),
    catalog: createCatalog(api),
    now: options.now ?? createNow(),
  };
}
