/**
 * Numbers as an operator reads them: units always, sensible decimals, grouping, and fixed shapes
 * (with tabular digits in CSS) so values do not jump as they change. `locale` defaults to the
 * browser's; tests pass one.
 */

const DASH = '—';
const cache = new Map<string, Intl.NumberFormat>();

function nf(locale: string | undefined, min: number, max: number): Intl.NumberFormat {
  const key = `${locale ?? ''}|${min}|${max}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { minimumFractionDigits: min, maximumFractionDigits: max, useGrouping: true });
    cache.set(key, f);
  }
  return f;
}

// One rule for the panel and the server's thresholds (src/io/config/decimals.ts; pure, bundled).
import { autoDecimals, displayDecimals, type DecimalsOf } from '../../../src/io/config/decimals.js';
export { autoDecimals };

export function formatNumber(value: number | null | undefined, decimals?: number, locale?: string): string {
  if (value === null || value === undefined || Number.isNaN(value)) return DASH;
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  const d = decimals ?? autoDecimals(value);
  return nf(locale, d, d).format(value);
}

/** A tag's number without its unit, with the tag's decimals (trend cursor, tooltips). */
export function formatTagNumber(value: number | null | undefined, tag: DecimalsOf | undefined, locale?: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return formatNumber(value, undefined, locale);
  return formatNumber(value, displayDecimals(tag, value), locale);
}

/** A configured number as written (a limit, a scale): no padding zeros, up to 3 decimals. */
export function formatPlain(value: number | null | undefined, locale?: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return nf(locale, 0, 3).format(value);
}

export function formatCount(value: number | null | undefined, locale?: string): string {
  return formatNumber(value, 0, locale);
}

/** Engineering units as written in a plant: "C" in a tag's config is degrees Celsius. */
export function displayUnit(unit: string | null | undefined): string {
  if (!unit) return '';
  if (unit === 'C' || unit === 'degC') return '°C';
  if (unit === 'F' || unit === 'degF') return '°F';
  return unit;
}

/**
 * A tag value with its unit; bits as ON/OFF; text as is; no value as a dash. Numbers get the
 * tag's decimals (its `decimals`, else from its type and scale, else by magnitude): never float
 * noise such as 86.10000000000001.
 */
export function formatValue(value: number | string | null, unit: string | null, type?: string | DecimalsOf, locale?: string): string {
  if (value === null) return DASH;
  if (typeof value === 'string') return value;
  if ((typeof type === 'string' ? type : type?.type) === 'bit') return value !== 0 ? 'ON' : 'OFF';
  // A bare type says nothing of the scale: decimals by magnitude. A tag says everything.
  const tag = typeof type === 'string' ? undefined : type;
  const u = displayUnit(unit);
  const n = formatNumber(value, Number.isFinite(value) ? displayDecimals(tag, value) : undefined, locale);
  if (!u) return n;
  return u === '%' ? `${n} %` : `${n} ${u}`;
}

/** A duration: "0.42 ms", "12.3 ms", "250 ms", "1.25 s", "2 min 05 s", "3 h 04 min". */
export function formatDuration(ms: number | null | undefined, locale?: string): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  const a = Math.abs(ms);
  if (a < 1) return `${formatNumber(ms, 2, locale)} ms`;
  if (a < 100) return `${formatNumber(ms, 1, locale)} ms`;
  if (a < 1000) return `${formatNumber(ms, 0, locale)} ms`;
  if (a < 60_000) return `${formatNumber(ms / 1000, 2, locale)} s`;
  const s = Math.floor(a / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** A polling interval: "200 ms", "1 s", "1.5 s", "5 min", "1 h". */
export function formatInterval(ms: number, locale?: string): string {
  if (ms < 1000) return `${formatNumber(ms, 0, locale)} ms`;
  if (ms < 60_000) return `${formatNumber(ms / 1000, Number.isInteger(ms / 1000) ? 0 : 1, locale)} s`;
  if (ms < 3_600_000) return `${formatNumber(ms / 60_000, Number.isInteger(ms / 60_000) ? 0 : 1, locale)} min`;
  return `${formatNumber(ms / 3_600_000, Number.isInteger(ms / 3_600_000) ? 0 : 1, locale)} h`;
}

/** How long ago: "0.4 s ago", "12 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function formatAge(at: number | null | undefined, now: number, locale?: string): string {
  if (at === null || at === undefined || !Number.isFinite(at)) return DASH;
  const d = now - at;
  // Our "now" ticks once a second, so a fresh time can be up to a second ahead of it; a clock far
  // ahead of ours (another PC) is "just now", not a negative age.
  if (d < -2000) return 'just now';
  if (d < 10_000) return `${formatNumber(Math.max(0, d) / 1000, 1, locale)} s ago`;
  if (d < 60_000) return `${Math.floor(d / 1000)} s ago`;
  if (d < 3_600_000) return `${Math.floor(d / 60_000)} min ago`;
  if (d < 86_400_000) return `${Math.floor(d / 3_600_000)} h ago`;
  return `${Math.floor(d / 86_400_000)} d ago`;
}

/**
 * A success rate (0..1) as a percentage with one decimal, rounded DOWN below 100 %: a group with
 * one error in ten thousand polls must not show "100.0 %".
 */
export function formatPercent(rate: number | null | undefined, locale?: string): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return DASH;
  if (rate >= 1) return `${formatNumber(100, 1, locale)} %`;
  const floored = Math.floor(Math.max(0, rate) * 1000) / 10;
  return `${formatNumber(floored, 1, locale)} %`;
}

export function formatRate(perSecond: number | null | undefined, unit: string, locale?: string): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return DASH;
  return `${formatNumber(perSecond, perSecond >= 100 || Number.isInteger(perSecond) ? 0 : 1, locale)} ${unit}/s`;
}

export function formatBytes(bytes: number | null | undefined, locale?: string): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return DASH;
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${formatNumber(v, i === 0 ? 0 : 1, locale)} ${units[i]}`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Local wall-clock time, 24 h: "14:03:07", or with milliseconds "14:03:07.123". */
export function formatClock(at: number | string | null | undefined, millis = false): string {
  if (at === null || at === undefined) return DASH;
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return DASH;
  const base = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return millis ? `${base}.${pad(d.getMilliseconds(), 3)}` : base;
}

/** Local date and time: "2024-05-01 14:03:07". */
export function formatDateTime(at: number | string | null | undefined): string {
  if (at === null || at === undefined) return DASH;
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return DASH;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${formatClock(d.getTime())}`;
}

/** ISO text or null to epoch ms (null for null or unparsable). */
export function toMs(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}
