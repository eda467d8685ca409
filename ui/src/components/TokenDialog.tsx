import { createSignal } from 'solid-js';
import { Modal } from './Modal.js';

export interface TokenDialogProps {
  readonly reason: string;
  readonly onAnswer: (token: string | null) => void;
}

/** Asks for the API token when a change is refused; the token is then kept on this PC. */
export function TokenDialog(props: TokenDialogProps) {
  const [value, setValue] = createSignal('');
  const submit = (e: SubmitEvent): void => {
    e.preventDefault();
    if (value().trim() !== '') props.onAnswer(value().trim());
  };
  return (
    <Modal title="API token needed" onClose={() => props.onAnswer(null)}>
      <form class="token-form" onSubmit={submit}>
        <p>{props.reason}</p>
        <p class="muted">
          The token was printed once when the collector first started; it is also in the file <code>http-token</code> in the collector's data folder. It is
          kept in this browser until you choose "Forget token".
        </p>
        <label class="field">
          <span class="field-label">Token</span>
          <input type="password" autocomplete="off" spellcheck={false} value={value()} onInput={(e) => setValue(e.currentTarget.value)} aria-label="API token" autofocus />
        </label>
        <div class="form-actions">
          <button type="button" class="btn" onClick={() => props.onAnswer(null)}>
            Cancel
          </button>
          <button type="submit" class="btn primary" disabled={value().trim() === ''}>
            Use token
          </button>
        </div>
      </form>
    </Modal>
  );
}
