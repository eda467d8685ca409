import { onCleanup, onMount, type JSX } from 'solid-js';
import { Portal } from 'solid-js/web';

export interface ModalProps {
  readonly title: string;
  readonly onClose: () => void;
  readonly children: JSX.Element;
  /** Wider dialogs for forms. */
  readonly wide?: boolean;
}

/**
 * A modal dialog: focus moves in and stays in (Tab cycles), Escape closes, focus returns to
 * where it was. Not <dialog>: its showModal is missing from the test DOM, and this is small.
 */
export function Modal(props: ModalProps) {
  let panel: HTMLDivElement | undefined;
  const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const titleId = `modal-${Math.random().toString(36).slice(2, 9)}`;

  const focusables = (): HTMLElement[] =>
    panel ? [...panel.querySelectorAll<HTMLElement>('button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])')].filter((e) => !e.hasAttribute('disabled')) : [];

  const onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') {
      e.preventDefault();
      props.onClose();
    } else if (e.key === 'Tab') {
      const list = focusables();
      if (list.length === 0) return;
      const first = list[0]!;
      const last = list[list.length - 1]!;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  };

  onMount(() => {
    const autofocus = panel?.querySelector<HTMLElement>('[autofocus], input:not([readonly]):not([disabled]), select:not([disabled]), textarea') ?? focusables()[0];
    autofocus?.focus();
  });
  onCleanup(() => previous?.focus());

  return (
    <Portal>
      <div class="modal-backdrop" onKeyDown={onKey}>
        <div ref={panel} class="modal card" classList={{ wide: props.wide === true }} role="dialog" aria-modal="true" aria-labelledby={titleId}>
          <header>
            <h2 id={titleId}>{props.title}</h2>
            <span class="spacer" />
            <button type="button" class="btn ghost small" aria-label="Close" onClick={() => props.onClose()}>
              ✕
            </button>
          </header>
          <div class="body">{props.children}</div>
        </div>
      </div>
    </Portal>
  );
}
