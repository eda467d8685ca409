import { createMemo, createSignal, For, onCleanup, onMount, type JSX } from 'solid-js';
import { rowWindow } from '../lib/virtual.js';

export interface VirtualRowsProps {
  readonly items: readonly string[];
  /** The scrolling element (the table's wrapper). */
  readonly scroller: () => HTMLElement | undefined;
  /** Row height in px (the CSS row height, at the current font size). */
  readonly rowHeight: number;
  readonly columns: number;
  readonly children: (item: string) => JSX.Element;
}

/**
 * The rows of a long table body, windowed: only the rows in view (and a margin) exist; spacer
 * rows keep the scroll height right. Keyed by item, so a row scrolled back into view is new
 * but one that stays in view is never rebuilt.
 */
export function VirtualRows(props: VirtualRowsProps) {
  const [scrollTop, setScrollTop] = createSignal(0);
  const [viewport, setViewport] = createSignal(600);
  onMount(() => {
    const el = props.scroller();
    if (!el) return;
    const onScroll = (): void => {
      setScrollTop(el.scrollTop);
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    // No ResizeObserver (an old browser, the test DOM): the viewport is measured once.
    const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(() => setViewport(el.clientHeight)) : null;
    observer?.observe(el);
    setViewport(el.clientHeight || 600);
    onCleanup(() => {
      el.removeEventListener('scroll', onScroll);
      observer?.disconnect();
    });
  });
  const win = createMemo(() => rowWindow(scrollTop(), viewport(), props.rowHeight, props.items.length));
  const slice = createMemo(() => props.items.slice(win().start, win().end));
  return (
    <>
      <tr class="spacer" aria-hidden="true" style={{ height: `${win().before}px` }}>
        <td colSpan={props.columns} />
      </tr>
      <For each={slice()}>{(item) => props.children(item)}</For>
      <tr class="spacer" aria-hidden="true" style={{ height: `${win().after}px` }}>
        <td colSpan={props.columns} />
      </tr>
    </>
  );
}
