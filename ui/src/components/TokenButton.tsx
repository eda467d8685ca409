import { Show } from 'solid-js';
import { KeyIcon } from './KeyIcon.js';

export interface TokenButtonProps {
  readonly hasToken: boolean;
  readonly onEnter: () => void;
  readonly onForget: () => void;
}

/** The saved token: enter one before it is needed, or forget it (shared PCs, end of shift). */
export function TokenButton(props: TokenButtonProps) {
  return (
    <Show
      when={props.hasToken}
      fallback={
        <button type="button" class="btn ghost small token-btn" aria-label="Enter the API token" title="Changes need the API token" onClick={() => props.onEnter()}>
          <KeyIcon /> Enter token
        </button>
      }
    >
      <button type="button" class="btn ghost small token-btn" aria-label="Forget the saved API token" title="A token is saved in this browser: click to forget it" onClick={() => props.onForget()}>
        <KeyIcon /> Forget token
      </button>
    </Show>
  );
}
