import type { ReadPlan } from '../driver.js';
import type { TagSpec, WordOrder } from '../types.js';
import { batchReadBits1e, batchReadWords1e } from './codec/requests-1e.js';
import { batchReadBits, batchReadWords, randomRead, type DevicePoint, type McCommand } from './codec/requests.js';
import type { Encoding } from './codec/wire.js';
import { batchCost, costModel, gapBits, gapWords, randomCost, type CostModel } from './cost-model.js';
import { FX3_SPECIAL_M } from './codec/devices-1e.js';
import type { DeviceInfo, McSeries } from './devices.js';
import { limitsFor, wordLimit, type McLimits } from './limits.js';
import { layoutOf, type TagLayout } from './tag-layout.js';
import { TYPE_CODE, type ByteOrder } from './values.js';

/**
 * The read planner: a group's tags -> the fewest requests within the per-request limits.
 *
 * - Word-device tags, bits of words (D100.3) and bit devices that allow word access (M, X, B...)
 *   are read in word units. For bit devices that beats bit units every time: a word carries 16
 *   points in 2 bytes (binary) or 4 characters (ASCII), where bit units need 8 bytes or 16
 *   characters, and the word limit (960 words = 15,360 points) is above the bit limit (7,168).
 *   Only devices without word access (TS, CS) use bit-unit batch reads.
 * - Neighbours merge while the gap is cheaper than a round trip (see cost-model.ts) and the span
 *   stays within the limit; then each span is read the cheaper way: one batch read, or its tags
 *   as points of shared random reads (isolated tags, tags sparse within a span).
 * - Series fx3 is read over 1E frames (batch reads only, 64 words / 32 words of a bit device /
 *   256 bits a request): bit-unit reads cover an even number of points from an even head, so a
 *   reply's length never depends on the dummy point of odd counts; M8000 up (the special relays)
 *   are never merged with M0-M7679 (M7680-M7999 do not exist).
 * The plan is computed once per group and reused every cycle; its tables are typed arrays so the
 * reply decoder (plan-decode.ts) allocates nothing per value.
 */

export interface McPlanOptions {
  readonly series: McSeries;
  readonly encoding: Encoding;
  /** Device default for 32/64-bit values; a tag's wordOrder wins. MC native: 'low'. */
  readonly wordOrder?: WordOrder | undefined;
  readonly byteOrder?: ByteOrder | undefined;
  /** Overrides of the cost model and limits (tests, tuning). */
  readonly gapWords?: number | undefined;
  readonly gapBits?: number | undefined;
  readonly limits?: Partial<McLimits> | undefined;
}

export interface McPlannedRequest {
  readonly kind: 'words' | 'bits' | 'random';
  readonly command: McCommand;
  /** Words (kind words), points (kind bits), or word + 2 x dword points (kind random). */
  readonly count: number;
  readonly wordPoints: number;
  readonly dwordPoints: number;
  /** Per tag read by this request: its index in the plan, and where its data starts in the reply. */
  readonly tagIndex: Int32Array;
  readonly offset: Int32Array;
}

export interface McReadPlan extends ReadPlan {
  readonly protocol: 'mc';
  /** The requests of one poll. Changed in place only by the driver's refusal isolation. */
  readonly requests: McPlannedRequest[];
  /** Where each tag sits, for planning a subset of the tags (planMcRequests). */
  readonly layouts: readonly TagLayout[];
  readonly tagIds: Int32Array;
  readonly codes: Uint8Array;
  /** Bit within the word for bit tags read in word units; -1 otherwise. */
  readonly bit: Int8Array;
  readonly highFirst: Uint8Array;
  readonly scale: Float64Array;
  readonly offset: Float64Array;
  readonly length: Int32Array;
  readonly byteOrder: ByteOrder;
  readonly hasStrings: boolean;
}

interface Item {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}
interface Span {
  readonly info: DeviceInfo;
  readonly unit: 'word' | 'bit';
  start: number;
  end: number;
  readonly items: Item[];
}

/** Plan a group. Throws AddressError for a tag this device cannot read. */
export function planMcRead(tags: readonly TagSpec[], options: McPlanOptions): McReadPlan {
  const layouts: TagLayout[] = tags.map((t) => layoutOf(t, options.series, options.encoding));
  const requests = planRequests(layouts, tags.map((_, i) => i), options);
  const plan: McReadPlan = {
    protocol: 'mc',
    tags,
    get requestCount() {
      return plan.requests.length;
    },
    requests,
    layouts,
    ...tables(tags, layouts, options),
  };
  return plan;
}

/** Requests for the tags `indices` of a plan only (their tagIndex stays the plan's index). */
export function planMcRequests(plan: McReadPlan, indices: readonly number[], options: McPlanOptions): McPlannedRequest[] {
  return planRequests(plan.layouts, indices, options);
}

function planRequests(layouts: readonly TagLayout[], indices: readonly number[], options: McPlanOptions): McPlannedRequest[] {
  const { series, encoding } = options;
  const limits = { ...limitsFor(series, encoding), ...options.limits };
  const groups = new Map<string, { info: DeviceInfo; unit: 'word' | 'bit'; items: Item[] }>();
  indices.forEach((tag) => {
    const layout = layouts[tag]!;
    const unit = layout.space === 'words' ? 'word' : 'bit';
    const key = `${unit}:${layout.address.info.name}:${bankOf(layout.address.info, layout.address.number, series)}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { info: layout.address.info, unit, items: [] }));
    const size = layout.space === 'words' ? layout.words : 1;
    group.items.push({ tag, start: layout.start, end: layout.start + size });
  });

  const spans: Span[] = [];
  for (const group of [...groups.values()].sort((a, b) => a.unit.localeCompare(b.unit) || a.info.name.localeCompare(b.info.name))) {
    const word = group.unit === 'word';
    const gap = word ? (options.gapWords ?? gapWords(encoding)) : (options.gapBits ?? gapBits(encoding));
    const fx3 = series === 'fx3';
    // fx3 bit spans are widened to even bounds below: leave room for one point at each end.
    const merged = mergeSpans(group.info, group.unit, group.items, gap, word ? wordLimit(limits, group.info.kind) : fx3 ? limits.bits - 2 : limits.bits);
    if (fx3 && !word) for (const span of merged) evenBounds(span);
    spans.push(...merged);
  }

  const random = chooseRandom(spans, costModel(series, encoding), limits.randomPoints);
  const ctx = { series, encoding };
  const requests: McPlannedRequest[] = [];
  for (const span of spans) {
    if (random.has(span)) continue;
    const count = span.end - span.start;
    const head: DevicePoint = { info: span.info, number: span.info.kind === 'bit' && span.unit === 'word' ? span.start * 16 : span.start };
    const command =
      series === 'fx3'
        ? span.unit === 'word' ? batchReadWords1e(head, count, encoding) : batchReadBits1e(head, count, encoding)
        : span.unit === 'word' ? batchReadWords(head, count, ctx) : batchReadBits(head, count, ctx);
    const { tagIndex, offset } = mapping(span.items.map((item) => [item.tag, item.start - span.start] as const));
    requests.push({ kind: span.unit === 'word' ? 'words' : 'bits', command, count, wordPoints: 0, dwordPoints: 0, tagIndex, offset });
  }
  const randomUnits = [...random.values()].flat();
  if (randomUnits.length > 0) requests.push(...planRandom(randomUnits, limits.randomPoints, ctx));
  return requests;
}

/**
 * Which word spans to read as random points (cost-model.ts), with their units. Each span is read
 * the cheaper way; the per-point share of a round trip assumes full random requests, so with few
 * points (one random request costs a whole round trip) the totals are compared before committing.
 */
function chooseRandom(spans: readonly Span[], model: CostModel, maxPoints: number): Map<Span, Span[]> {
  const chosen = new Map<Span, Span[]>();
  if (maxPoints <= 0) return chosen;
  let points = 0;
  let randomBytes = 0;
  let batchBytes = 0;
  for (const span of spans) {
    if (span.unit !== 'word') continue;
    const units = unitsOf(span);
    const p = units.reduce((n, u) => n + pointsOf(u), 0);
    const words = units.reduce((n, u) => n + u.end - u.start, 0);
    const batch = batchCost(model, span.end - span.start);
    if (randomCost(model, p, words, maxPoints) >= batch) continue;
    chosen.set(span, units);
    points += p;
    randomBytes += p * model.bytesPerSpec + words * model.bytesPerWord;
    batchBytes += batch;
  }
  if (chosen.size > 0 && Math.ceil(points / maxPoints) * model.roundTrip + randomBytes >= batchBytes) chosen.clear();
  return chosen;
}

/** Spans that must not merge: on fx3, M8000 up (special relays) are apart from M0-M7679. */
function bankOf(info: DeviceInfo, number: number, series: McSeries): number {
  return series === 'fx3' && info.name === 'M' && number >= FX3_SPECIAL_M ? 1 : 0;
}

/** Widen a bit-unit span to an even head and an even count (FX3 device sizes are even, so it stays in range). */
function evenBounds(span: Span): void {
  span.start -= span.start % 2;
  span.end += span.end % 2;
}

/** Sweep sorted items into spans: extend while the gap is within `gap` and the span within `limit`. */
function mergeSpans(info: DeviceInfo, unit: 'word' | 'bit', items: Item[], gap: number, limit: number): Span[] {
  const sorted = [...items].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Span[] = [];
  let cur: Span | undefined;
  for (const item of sorted) {
    if (cur && item.start - cur.end <= gap && Math.max(cur.end, item.end) - cur.start <= limit) {
      cur.end = Math.max(cur.end, item.end);
      cur.items.push(item);
    } else {
      cur = { info, unit, start: item.start, end: item.end, items: [item] };
      out.push(cur);
    }
  }
  return out;
}

/** A span cut into random-read units: items that overlap share a unit, the others stand alone. */
function unitsOf(span: Span): Span[] {
  const units: Span[] = [];
  let cur: Span | undefined;
  for (const item of span.items) {
    if (cur && item.start < cur.end) {
      cur.end = Math.max(cur.end, item.end);
      cur.items.push(item);
    } else {
      cur = { info: span.info, unit: 'word', start: item.start, end: item.end, items: [item] };
      units.push(cur);
    }
  }
  return units;
}

/**
 * Pack random-read units into requests. A span of even length is read as double-word points, an
 * odd one as word points, so each span's words sit contiguously in the reply (word points come
 * first in the reply, then double words low word first).
 */
function planRandom(spans: readonly Span[], maxPoints: number, ctx: { series: McSeries; encoding: Encoding }): McPlannedRequest[] {
  const batches: Span[][] = [];
  let current: Span[] = [];
  let points = 0;
  for (const span of spans) {
    const need = pointsOf(span);
    if (points + need > maxPoints && current.length > 0) {
      batches.push(current);
      current = [];
      points = 0;
    }
    current.push(span);
    points += need;
  }
  if (current.length > 0) batches.push(current);
  return batches.map((batch) => {
    const words: DevicePoint[] = [];
    const dwords: DevicePoint[] = [];
    const spanAt = new Map<Span, number>();
    const wordSpans = batch.filter((s) => (s.end - s.start) % 2 === 1);
    const dwordSpans = batch.filter((s) => (s.end - s.start) % 2 === 0);
    for (const s of wordSpans) {
      spanAt.set(s, words.length);
      for (let n = s.start; n < s.end; n++) words.push(pointOf(s, n));
    }
    for (const s of dwordSpans) {
      spanAt.set(s, 0); // fixed below, once the word points are counted
      for (let n = s.start; n < s.end; n += 2) dwords.push(pointOf(s, n));
    }
    let dwordCursor = words.length;
    for (const s of dwordSpans) {
      spanAt.set(s, dwordCursor);
      dwordCursor += s.end - s.start;
    }
    const pairs = batch.flatMap((s) => s.items.map((item) => [item.tag, spanAt.get(s)! + item.start - s.start] as const));
    const { tagIndex, offset } = mapping(pairs);
    const command = randomRead(words, dwords, ctx);
    return { kind: 'random', command, count: words.length + dwords.length * 2, wordPoints: words.length, dwordPoints: dwords.length, tagIndex, offset };
  });
}

function pointsOf(span: Span): number {
  const n = span.end - span.start;
  return n % 2 === 0 ? n / 2 : n;
}

function pointOf(span: Span, wordIndex: number): DevicePoint {
  return { info: span.info, number: span.info.kind === 'bit' ? wordIndex * 16 : wordIndex };
}

function mapping(pairs: readonly (readonly [number, number])[]): { tagIndex: Int32Array; offset: Int32Array } {
  return { tagIndex: Int32Array.from(pairs, (p) => p[0]), offset: Int32Array.from(pairs, (p) => p[1]) };
}

function tables(tags: readonly TagSpec[], layouts: readonly TagLayout[], options: McPlanOptions) {
  const n = tags.length;
  const out = {
    tagIds: new Int32Array(n),
    codes: new Uint8Array(n),
    bit: new Int8Array(n).fill(-1),
    highFirst: new Uint8Array(n),
    scale: new Float64Array(n).fill(1),
    offset: new Float64Array(n),
    length: new Int32Array(n),
    byteOrder: options.byteOrder ?? 'little',
    hasStrings: false,
  };
  tags.forEach((tag, i) => {
    const layout = layouts[i]!;
    out.tagIds[i] = tag.id;
    out.codes[i] = TYPE_CODE[tag.type];
    if (layout.space === 'words' && layout.bit !== undefined) out.bit[i] = layout.bit;
    out.highFirst[i] = (tag.wordOrder ?? options.wordOrder ?? 'low') === 'high' ? 1 : 0;
    if (tag.scale !== undefined) out.scale[i] = tag.scale;
    if (tag.offset !== undefined) out.offset[i] = tag.offset;
    out.length[i] = tag.length ?? 1;
    if (tag.type === 'string') out.hasStrings = true;
  });
  return out;
}
