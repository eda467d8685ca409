import { Modal } from './Modal.js';

export interface ConfirmDialogProps {
  readonly title: string;
  readonly message: string;
  readonly confirmText: string;
  readonly danger?: boolean;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}

/** "Are you sure?" for what stops data collection or deletes configuration. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  return (
    <Modal title={props.title} onClose={() => props.onCancel()}>
      <p>{props.message}</p>
      <div class="form-actions">
        <button type="button" class="btn" onClick={() => props.onCancel()} autofocus>
          Cancel
        </button>
        <button type="button" class={props.danger ? 'btn stop' : 'btn primary'} onClick={() => props.onConfirm()}>
          {props.confirmText}
        </button>
      </div>
    </Modal>
  );
}
