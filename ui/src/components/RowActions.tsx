import type { JSX } from 'solid-js';

/** Edit / Remove buttons of a configuration table row, named for screen readers ("Edit device line1"). */
export function RowActions(props: {
  kind: string;
  name: string;
  onEdit: () => void;
  onRemove: () => void;
  /** Why Remove is not possible (then it is disabled and says so on hover). */
  removeBlocked?: string | undefined;
}): JSX.Element {
  return (
    <div class="actions">
      <button type="button" class="btn small" aria-label={`Edit ${props.kind} ${props.name}`} onClick={() => props.onEdit()}>
        Edit
      </button>
      <button type="button" class="btn stop small" aria-label={`Remove ${props.kind} ${props.name}`} disabled={props.removeBlocked !== undefined} title={props.removeBlocked} onClick={() => props.onRemove()}>
        Remove
      </button>
    </div>
  );
}
