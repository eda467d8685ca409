import { createSignal, type Accessor } from 'solid-js';

/**
 * The question "what is the API token?", asked by the API client on a 401 and answered by the
 * token dialog. Requests refused at the same moment share one question.
 */
export interface TokenPrompt {
  readonly pending: Accessor<{ readonly reason: string } | null>;
  /**
   * Ask; null when the operator cancels. After a cancel, requests made on their own (a polled
   * value on a server that protects reads) do not ask again for a minute: only `force` (the
   * operator pressed "Enter token") does.
   */
  ask(reason: string, options?: { readonly force?: boolean }): Promise<string | null>;
  answer(token: string | null): void;
}

export const CANCEL_QUIET_MS = 60_000;

export function createTokenPrompt(now: () => number = Date.now): TokenPrompt {
  const [pending, setPending] = createSignal<{ reason: string } | null>(null);
  let waiting: Promise<string | null> | null = null;
  let resolve: ((token: string | null) => void) | null = null;
  let cancelledAt = -Infinity;
  return {
    pending,
    ask(reason, options) {
      if (waiting) return waiting;
      if (!options?.force && now() - cancelledAt < CANCEL_QUIET_MS) return Promise.resolve(null);
      waiting = new Promise<string | null>((r) => (resolve = r));
      setPending({ reason });
      return waiting;
    },
    answer(token) {
      const r = resolve;
      waiting = null;
      resolve = null;
      setPending(null);
      const given = token !== null && token.trim() !== '' ? token.trim() : null;
      cancelledAt = given === null ? now() : -Infinity;
      r?.(given);
    },
  };
}
