/**
 * Windowing for long lists: which rows to render for a scroll position. A device with 500 tags
 * renders the 20 on screen (plus a margin), not 500: rows off screen cost neither DOM updates
 * nor layout, which is what keeps 5,000 changing values a second cheap.
 */
export interface RowWindow {
  /** First row rendered (inclusive). */
  readonly start: number;
  /** Last row rendered (exclusive). */
  readonly end: number;
  /** Space above and below the rendered rows, px. */
  readonly before: number;
  readonly after: number;
}

export function rowWindow(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan = 8): RowWindow {
  if (count <= 0 || !(rowHeight > 0)) return { start: 0, end: 0, before: 0, after: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(0, viewport) / rowHeight) + 1;
  const start = Math.max(0, Math.min(count - 1, first - overscan));
  const end = Math.min(count, first + visible + overscan);
  return { start, end: Math.max(start, end), before: start * rowHeight, after: Math.max(0, (count - Math.max(start, end)) * rowHeight) };
}
