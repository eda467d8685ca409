import { createSignal, type Accessor } from 'solid-js';

/**
 * The API token: asked for once when a change is refused with 401, then kept in localStorage so
 * the operator is not asked again on every shift; "Forget token" clears it (shared PCs).
 */
export interface TokenStore {
  readonly token: Accessor<string | null>;
  set(token: string): void;
  clear(): void;
}

export const TOKEN_KEY = 'jsscada.token';

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    // Storage disabled by policy: the token lives for this page only.
    return null;
  }
}

export function createTokenStore(store: Storage | null = storage()): TokenStore {
  const read = (): string | null => {
    try {
      const v = store?.getItem(TOKEN_KEY);
      return v ? v : null;
    } catch {
      return null;
    }
  };
  const [token, setToken] = createSignal<string | null>(read());
  return {
    token,
    set(value) {
      const t = value.trim();
      if (t === '') return;
      try {
        store?.setItem(TOKEN_KEY, t);
      } catch {
        // Quota or policy: keep it in memory.
      }
      setToken(t);
    },
    clear() {
      try {
        store?.removeItem(TOKEN_KEY);
      } catch {
        // Nothing stored.
      }
      setToken(null);
    },
  };
}
