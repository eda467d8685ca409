import type { RowBatch } from '../rows.js';

/**
 * The spool's CSV dialect (RFC 4180, "\n" line ends), chosen so that every value comes back
 * exactly as it went out:
 * - numbers use JavaScript's shortest round-trip text (`String(v)`), so a double read back is
 *   the same double bit for bit; -0 keeps its sign, Infinity is written as "Infinity";
 * - an empty numeric field is NULL (NaN in a RowBatch);
 * - text is ALWAYS quoted, so an empty quoted field is the empty string and an unquoted empty
 *   field is NULL: the two never mix. Commas, quotes and newlines live inside the quotes.
 * Formatting is done here by hand rather than with csv-stringify because csv-stringify writes
 * null and "" the same way (or quotes both), which would merge NULL and empty text.
 */

export const SPOOL_COLUMNS = ['tag_id', 'ts', 'value', 'text_value', 'quality'] as const;
export const SPOOL_HEADER = SPOOL_COLUMNS.join(',') + '\n';

/**
 * Version 2 (this release): rows name their tag by key (device, tag name, and the group for a
 * database that has never seen the tag), not by a local id, so a row spooled before a restart or
 * a config change lands under the right tag whatever the ids mean by then. Version-1 files (the
 * 0.1 release, local ids of this data directory, which are never reused) still replay.
 */
export const SPOOL_COLUMNS_V2 = ['device', 'tag', 'group_name', 'ts', 'value', 'text_value', 'quality'] as const;
export const SPOOL_HEADER_V2 = SPOOL_COLUMNS_V2.join(',') + '\n';

/** How the spool turns local ids into tag keys and back (the TagCatalog). */
export interface SpoolTagKeys {
  get(localId: number): { readonly device: string; readonly name: string; readonly group: string | null } | undefined;
  idFor(device: string, name: string, group: string | null): number;
}

function number(v: number): string {
  if (Number.isNaN(v)) return '';
  return Object.is(v, -0) ? '-0' : String(v);
}

function text(s: string | null): string {
  return s === null ? '' : `"${s.replaceAll('"', '""')}"`;
}

/** One CSV record per row, each ending in "\n". */
export function formatBatch(batch: RowBatch): string {
  const lines = new Array<string>(batch.length);
  const texts = batch.texts;
  for (let i = 0; i < batch.length; i++) {
    lines[i] = `${batch.tagIds[i]!},${number(batch.ts[i]!)},${number(batch.values[i]!)},${text(texts ? (texts[i] ?? null) : null)},${batch.quality[i]!}\n`;
  }
  return lines.join('');
}

/** Version 2 records: the key columns, then the value columns as in version 1. */
export function formatBatchV2(batch: RowBatch, keys: SpoolTagKeys): string {
  const lines = new Array<string>(batch.length);
  const texts = batch.texts;
  let lastId = Number.NaN;
  let prefix = '';
  for (let i = 0; i < batch.length; i++) {
    const id = batch.tagIds[i]!;
    if (id !== lastId) {
      const ref = keys.get(id);
      // Unknowable (no configuration names the id): kept under a visible placeholder, not dropped.
      prefix = ref ? `${text(ref.device)},${text(ref.name)},${text(ref.group)}` : `"","#${id}",`;
      lastId = id;
    }
    lines[i] = `${prefix},${number(batch.ts[i]!)},${number(batch.values[i]!)},${text(texts ? (texts[i] ?? null) : null)},${batch.quality[i]!}\n`;
  }
  return lines.join('');
}

/** A field as csv-parse hands it over, with whether it was quoted. */
export interface ParsedField {
  readonly value: string;
  readonly quoted: boolean;
}

export interface SpoolRow {
  readonly tagId: number;
  readonly ts: number;
  readonly value: number;
  readonly text: string | null;
  readonly quality: number;
}

/** Decode one record; a string says what is wrong (the caller counts and logs it). */
export function decodeRecord(fields: readonly ParsedField[]): SpoolRow | string {
  if (fields.length !== SPOOL_COLUMNS.length) return `expected ${SPOOL_COLUMNS.length} fields, got ${fields.length}`;
  const [tagF, tsF, valueF, textF, qualityF] = fields as [ParsedField, ParsedField, ParsedField, ParsedField, ParsedField];
  const tagId = Number(tagF.value);
  if (tagF.quoted || tagF.value === '' || !Number.isInteger(tagId) || tagId < -(2 ** 31) || tagId >= 2 ** 31) return `bad tag_id "${tagF.value}"`;
  const ts = Number(tsF.value);
  if (tsF.quoted || tsF.value === '' || !Number.isFinite(ts)) return `bad ts "${tsF.value}"`;
  let value = Number.NaN;
  if (valueF.value !== '') {
    value = Number(valueF.value);
    if (valueF.quoted || Number.isNaN(value)) return `bad value "${valueF.value}"`;
  } else if (valueF.quoted) return 'bad value (quoted empty)';
  const quality = Number(qualityF.value);
  if (qualityF.quoted || qualityF.value === '' || !Number.isInteger(quality) || quality < 0 || quality > 255) return `bad quality "${qualityF.value}"`;
  const text = textF.quoted ? textF.value : textF.value === '' ? null : undefined;
  if (text === undefined) return 'bad text_value (not quoted)';
  return { tagId, ts, value, text, quality };
}

export function isHeader(fields: readonly ParsedField[]): boolean {
  return headerVersion(fields) !== null;
}

/** 1 or 2 for a spool header line, null for anything else. */
export function headerVersion(fields: readonly ParsedField[]): 1 | 2 | null {
  const is = (cols: readonly string[]): boolean => fields.length === cols.length && fields.every((f, i) => !f.quoted && f.value === cols[i]);
  return is(SPOOL_COLUMNS) ? 1 : is(SPOOL_COLUMNS_V2) ? 2 : null;
}

/** Decode one version-2 record, resolving its key to a local id with `keys`. */
export function decodeRecordV2(fields: readonly ParsedField[], keys: SpoolTagKeys): SpoolRow | string {
  if (fields.length !== SPOOL_COLUMNS_V2.length) return `expected ${SPOOL_COLUMNS_V2.length} fields, got ${fields.length}`;
  const [deviceF, tagF, groupF, ...rest] = fields as [ParsedField, ParsedField, ParsedField, ...ParsedField[]];
  if (!deviceF.quoted || !tagF.quoted || tagF.value === '') return 'bad tag key (device and tag must be quoted text)';
  const group = groupF.quoted ? groupF.value : groupF.value === '' ? null : undefined;
  if (group === undefined) return 'bad group_name (not quoted)';
  const tagId = keys.idFor(deviceF.value, tagF.value, group);
  const row = decodeRecord([{ value: String(tagId), quoted: false }, ...rest]);
  return row;
}

/** Collects rows into a RowBatch of at most `capacity` rows. */
export class BatchBuilder {
  private tagIds: Int32Array;
  private ts: Float64Array;
  private values: Float64Array;
  private quality: Uint8Array;
  private texts: (string | null)[] = [];
  private hasText = false;
  length = 0;

  constructor(readonly capacity: number) {
    this.tagIds = new Int32Array(capacity);
    this.ts = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
    this.quality = new Uint8Array(capacity);
  }

  get full(): boolean {
    return this.length === this.capacity;
  }

  add(row: SpoolRow): void {
    const i = this.length++;
    this.tagIds[i] = row.tagId;
    this.ts[i] = row.ts;
    this.values[i] = row.value;
    this.quality[i] = row.quality;
    this.texts[i] = row.text;
    if (row.text !== null) this.hasText = true;
  }

  /** The rows so far as a batch (exact-length arrays); the builder starts over. */
  take(): RowBatch {
    const n = this.length;
    const batch: RowBatch = {
      length: n,
      tagIds: this.tagIds.slice(0, n),
      ts: this.ts.slice(0, n),
      values: this.values.slice(0, n),
      quality: this.quality.slice(0, n),
      texts: this.hasText ? this.texts.slice(0, n) : null,
    };
    this.length = 0;
    this.texts = [];
    this.hasText = false;
    return batch;
  }
}
