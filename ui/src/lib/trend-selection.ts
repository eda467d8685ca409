/** What the trends page shows, kept across reloads (a wall display comes back as it was). */
export interface TrendSelection {
  readonly tags: readonly string[];
  readonly windowMs: number;
}

export const TREND_KEY = 'jsscada.trends';
export const MAX_TRENDS = 8;
export const WINDOWS: readonly { readonly ms: number; readonly label: string }[] = [
  { ms: 5 * 60_000, label: '5 min' },
  { ms: 15 * 60_000, label: '15 min' },
  { ms: 60 * 60_000, label: '1 h' },
  { ms: 4 * 60 * 60_000, label: '4 h' },
  // Long windows come back downsampled (min/max/avg per bucket) from the value database.
  { ms: 24 * 60 * 60_000, label: '24 h' },
  { ms: 7 * 24 * 60 * 60_000, label: '7 d' },
];

const DEFAULT: TrendSelection = { tags: [], windowMs: 5 * 60_000 };

export function loadSelection(storage: Storage | null): TrendSelection {
  try {
    const raw = storage?.getItem(TREND_KEY);
    if (!raw) return DEFAULT;
    const v: unknown = JSON.parse(raw);
    if (typeof v !== 'object' || v === null) return DEFAULT;
    const tags = 'tags' in v && Array.isArray(v.tags) ? v.tags.filter((t): t is string => typeof t === 'string').slice(0, MAX_TRENDS) : [];
    const windowMs = 'windowMs' in v && typeof v.windowMs === 'number' && WINDOWS.some((w) => w.ms === v.windowMs) ? v.windowMs : DEFAULT.windowMs;
    return { tags, windowMs };
  } catch {
    return DEFAULT;
  }
}

export function saveSelection(storage: Storage | null, selection: TrendSelection): void {
  try {
    storage?.setItem(TREND_KEY, JSON.stringify(selection));
  } catch {
    // Not saved: the page still works.
  }
}
