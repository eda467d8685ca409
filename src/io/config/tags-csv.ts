import { parse as parseStream } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { tagSchema, type PlantConfig, type PlantInput } from './schema.js';
import { Slicer, yieldToLoop } from './slices.js';

/**
 * Tags as CSV, the format plant engineers keep their tag lists in: one row per tag, the group in
 * the first column, one column per tag field (nested fields as `record.mode`). The columns come
 * from tagSchema, so a field added to the schema is exported and imported without a change here.
 * Every error names the CSV line and column, the way the YAML import names file, line and field.
 */

export const CSV_SOURCE = 'tags.csv';

/**
 * Rows one CSV import may carry (documented in the README and the OpenAPI description). Past it
 * the request is refused with 413 before anything is parsed: an import is applied as one
 * change, and a bound keeps its memory and time bounded.
 */
export const MAX_CSV_IMPORT_ROWS = 100_000;

type Kind = 'number' | 'boolean' | 'text';
interface Column {
  readonly name: string;
  readonly path: readonly string[];
  readonly kind: Kind;
}

/** Schema field kinds, looking through optional/default wrappers; nested objects become dotted columns. */
function columnsOf(shape: Readonly<Record<string, z.ZodType>>, prefix: readonly string[] = []): Column[] {
  const out: Column[] = [];
  for (const [key, schema] of Object.entries(shape)) {
    const inner = unwrap(schema);
    const path = [...prefix, key];
    const type = inner.def.type;
    if (type === 'object') out.push(...columnsOf((inner as z.ZodObject).shape, path));
    else out.push({ name: path.join('.'), path, kind: type === 'number' || type === 'int' ? 'number' : type === 'boolean' ? 'boolean' : 'text' });
  }
  return out;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s.def.type === 'optional' || s.def.type === 'default' || s.def.type === 'nullable') s = (s.def as unknown as { innerType: z.ZodType }).innerType;
  return s;
}

export const TAG_COLUMNS: readonly Column[] = columnsOf(tagSchema.shape);
export const CSV_HEADER: readonly string[] = ['group', ...TAG_COLUMNS.map((c) => c.name)];
const REQUIRED = ['group', 'name', 'address'];

/** Every tag of the plant, in group order. Empty cells for fields left at their default. */
export function tagsToCsv(plant: PlantConfig): string {
  const rows: string[][] = [];
  for (const group of plant.groups) for (const tag of group.tags) rows.push(csvRow(group.name, tag));
  return stringify(rows, { header: true, columns: [...CSV_HEADER], record_delimiter: 'unix' });
}

/** tagsToCsv for a running collector: 1,000 rows per slice, so exporting 100,000 tags never holds up a poll. */
export async function tagsToCsvSliced(plant: PlantConfig): Promise<string> {
  const parts = [stringify([], { header: true, columns: [...CSV_HEADER], record_delimiter: 'unix' })];
  let rows: string[][] = [];
  const flush = (): void => {
    parts.push(stringify(rows, { record_delimiter: 'unix' }));
    rows = [];
  };
  for (const group of plant.groups) {
    for (const tag of group.tags) {
      rows.push(csvRow(group.name, tag));
      if (rows.length === 1000) {
        flush();
        await yieldToLoop();
      }
    }
  }
  if (rows.length > 0) flush();
  return parts.join('');
}

function csvRow(group: string, tag: PlantConfig['groups'][number]['tags'][number]): string[] {
  return [neutralise(group), ...TAG_COLUMNS.map((c) => (c.kind === 'text' ? neutralise(cell(valueAt(tag, c.path))) : cell(valueAt(tag, c.path))))];
}

function valueAt(obj: unknown, path: readonly string[]): unknown {
  let v = obj;
  for (const key of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

function cell(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

/**
 * CSV formula injection (OWASP, "CSV Injection"): a spreadsheet runs a cell that starts with
 * =, +, - or @ (and one that starts with a tab or CR once it trims it) as a formula, and a tag's
 * description or unit is free text anyone with the token could set. Such a text cell is
 * exported with a leading single quote, which spreadsheets show as text; the import takes it off.
 * Quotes already in front of a formula start get one more, so the round trip is exact
 * ("'=x" -> "''=x" -> "'=x"). Number and boolean cells are written by us from numbers
 * (String(-5) is "-5", a plain number to a spreadsheet too) and are left alone.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;

export function neutralise(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function unneutralise(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text) ? text.slice(1) : text;
}

/** One data row of an import, with where it came from. */
export interface CsvTagRow {
  readonly line: number;
  readonly group: string;
  readonly tag: Record<string, unknown>;
  /** 1-based column of each field (by dotted name), for error positions. */
  readonly columnOf: ReadonlyMap<string, number>;
}

type CsvRecord = { record: string[]; info: { lines: number } };
const PARSE_OPTIONS = { info: true, bom: true, skip_empty_lines: true, trim: true, relax_column_count: true } as const;

function parseError(err: unknown): ConfigError {
  const e = err as { message: string; lines?: number; column?: number };
  return new ConfigError(CSV_SOURCE, [{ path: '', message: e.message.replace(/^Invalid Record Length: /, ''), line: e.lines, column: typeof e.column === 'number' ? e.column + 1 : undefined }]);
}

/** More data rows than MAX_CSV_IMPORT_ROWS (the HTTP layer answers 413). */
export class TooManyRowsError extends Error {
  readonly code = 'TOO_MANY_ROWS';
  constructor(readonly limit: number) {
    super(`a CSV import takes at most ${limit} rows (tags) at a time; split the file (by group, for example) and import the parts one after another`);
    this.name = 'TooManyRowsError';
  }
}

/** Parse an import: header check, cell types. Throws ConfigError naming line and column of every problem. */
export function parseTagsCsv(text: string): CsvTagRow[] {
  let records: CsvRecord[];
  try {
    records = parse(text, PARSE_OPTIONS) as unknown as CsvRecord[];
  } catch (err) {
    throw parseError(err);
  }
  const rows: CsvTagRow[] = [];
  for (const _ of rowsFromRecords(records, rows)) {
    // all at once
  }
  return rows;
}

/**
 * parseTagsCsv for a running collector: the text is fed to the parser in small pieces and the
 * rows converted in slices, so a 100,000-row file never holds up polling; more than `maxRows`
 * data rows stop the parse with TooManyRowsError.
 */
export async function parseTagsCsvSliced(text: string, maxRows = MAX_CSV_IMPORT_ROWS): Promise<CsvTagRow[]> {
  const slicer = new Slicer();
  const records: CsvRecord[] = [];
  const parser = parseStream(PARSE_OPTIONS);
  let failure: unknown;
  parser.on('readable', () => {
    let r: CsvRecord | null;
    while ((r = parser.read() as CsvRecord | null) !== null) records.push(r);
  });
  parser.on('error', (err) => (failure ??= err));
  const ended = new Promise<void>((resolve) => parser.on('end', resolve).on('error', () => resolve()));
  // write() only queues the text (the stream parses it on the next tick, together with whatever
  // else is queued): one piece per turn of the event loop, so each turn parses 8 KB at most.
  const CHUNK = 8 * 1024;
  for (let off = 0; off < text.length && failure === undefined; off += CHUNK) {
    parser.write(text.slice(off, off + CHUNK));
    await yieldToLoop();
    if (records.length > maxRows + 1) {
      parser.destroy();
      throw new TooManyRowsError(maxRows);
    }
  }
  if (failure === undefined) parser.end();
  await ended;
  if (failure !== undefined) throw parseError(failure);
  if (records.length > maxRows + 1) throw new TooManyRowsError(maxRows);
  const rows: CsvTagRow[] = [];
  for (const _ of rowsFromRecords(records, rows)) await slicer.pause();
  return rows;
}

/** Records (header first) to rows; one step per row. Throws ConfigError with every problem. */
function* rowsFromRecords(records: readonly CsvRecord[], rows: CsvTagRow[]): Generator<void> {
  const head = records[0];
  if (!head) throw new ConfigError(CSV_SOURCE, [{ path: '', message: `empty file: expected a header line (${REQUIRED.join(',')},...)`, line: 1 }]);
  const issues: ConfigIssue[] = [];
  const byName = new Map(TAG_COLUMNS.map((c) => [c.name, c]));
  const columnOf = new Map<string, number>();
  head.record.forEach((name, i) => {
    if (columnOf.has(name)) issues.push({ path: name, message: `column "${name}" appears twice`, line: head.info.lines, column: i + 1 });
    else if (name !== 'group' && !byName.has(name)) issues.push({ path: name, message: `unknown column "${name}" (known: ${CSV_HEADER.join(', ')})`, line: head.info.lines, column: i + 1 });
    columnOf.set(name, i + 1);
  });
  for (const name of REQUIRED) if (!columnOf.has(name)) issues.push({ path: name, message: `missing column "${name}"`, line: head.info.lines });
  if (issues.length > 0) throw new ConfigError(CSV_SOURCE, issues);

  for (let r = 1; r < records.length; r++) {
    yield;
    const { record, info } = records[r]!;
    if (record.length > head.record.length) {
      issues.push({ path: '', message: `${record.length} cells, but the header has ${head.record.length} columns`, line: info.lines, column: head.record.length + 1 });
      continue;
    }
    const tag: Record<string, unknown> = {};
    let group = '';
    head.record.forEach((name, i) => {
      const raw = unneutralise(record[i] ?? '');
      if (name === 'group') return void (group = raw);
      const column = byName.get(name)!;
      if (raw === '') return;
      const value = convert(raw, column.kind);
      if (value === undefined) {
        issues.push({ path: name, message: `"${raw}" is not a ${column.kind === 'number' ? 'number' : 'boolean (true/false)'}`, line: info.lines, column: i + 1 });
        return;
      }
      setAt(tag, column.path, value);
    });
    if (group === '') issues.push({ path: 'group', message: 'the group is empty', line: info.lines, column: columnOf.get('group') });
    rows.push({ line: info.lines, group, tag, columnOf });
  }
  if (issues.length > 0) throw new ConfigError(CSV_SOURCE, issues);
}

function convert(raw: string, kind: Kind): unknown {
  if (kind === 'text') return raw;
  if (kind === 'boolean') return /^(true|1|yes)$/i.test(raw) ? true : /^(false|0|no)$/i.test(raw) ? false : undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

function setAt(obj: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let target = obj;
  for (const key of path.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
  target[path[path.length - 1]!] = value;
}

export type CsvImportMode = 'replace' | 'merge';

export interface CsvImportResult {
  /** Groups whose tags the import touched. */
  readonly groups: readonly string[];
  readonly rows: number;
  /** Where a plant-level validation issue came from in the CSV (for locateCsvIssues). */
  readonly locate: (path: string) => { line: number; column: number | undefined } | undefined;
}

/**
 * Apply parsed rows to a plant. `replace`: each group named in the CSV gets exactly its rows, in
 * order (groups not named keep their tags). `merge`: rows update the tag of the same name in their
 * group or are appended; other tags stay.
 */
export function applyTagsCsv(plant: PlantInput, rows: readonly CsvTagRow[], mode: CsvImportMode): { plant: PlantInput; result: CsvImportResult } {
  const steps = applySteps(plant, rows, mode);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** applyTagsCsv in slices (a running collector's import of 100,000 rows). */
export async function applyTagsCsvSliced(plant: PlantInput, rows: readonly CsvTagRow[], mode: CsvImportMode): Promise<{ plant: PlantInput; result: CsvImportResult }> {
  const slicer = new Slicer();
  const steps = applySteps(plant, rows, mode);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await slicer.pause();
  }
}

function* applySteps(plant: PlantInput, rows: readonly CsvTagRow[], mode: CsvImportMode): Generator<void, { plant: PlantInput; result: CsvImportResult }> {
  const groups = plant.groups ?? [];
  const groupNames = new Set(groups.map((g) => g.name));
  const issues: ConfigIssue[] = [];
  const seen = new Map<string, number>();
  const byGroup = new Map<string, CsvTagRow[]>();
  // Maps, not searches: 100,000 rows must cost 100,000 steps, not 100,000 squared.
  for (const row of rows) {
    yield;
    const name = String(row.tag.name ?? '');
    if (!groupNames.has(row.group)) {
      const known = groups.map((g) => g.name).join(', ') || 'none';
      issues.push({ path: 'group', message: `unknown group "${row.group}" (groups: ${known}); create it first`, line: row.line, column: row.columnOf.get('group') });
      continue;
    }
    const first = seen.get(name);
    if (name !== '' && first !== undefined) {
      issues.push({ path: 'name', message: `tag "${name}" also appears on line ${first}`, line: row.line, column: row.columnOf.get('name') });
      continue;
    }
    seen.set(name, row.line);
    let list = byGroup.get(row.group);
    if (!list) byGroup.set(row.group, (list = []));
    list.push(row);
  }
  if (issues.length > 0) throw new ConfigError(CSV_SOURCE, issues);

  const origin = new Map<string, CsvTagRow>(); // "g.t" plant index -> row
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g]!;
    const list = byGroup.get(group.name);
    if (!list) continue;
    type Tag = (typeof group.tags)[number];
    if (mode === 'replace') group.tags = list.map((r) => r.tag as Tag);
    else {
      const index = new Map(group.tags.map((x, t) => [x.name, t]));
      for (const row of list) {
        const t = index.get(String(row.tag.name));
        if (t !== undefined) group.tags[t] = row.tag as Tag;
        else index.set(String(row.tag.name), group.tags.push(row.tag as Tag) - 1);
        yield;
      }
    }
    const rowOf = new Map<object, CsvTagRow>();
    for (const r of list) rowOf.set(r.tag, r);
    for (let t = 0; t < group.tags.length; t++) {
      const row = rowOf.get(group.tags[t]!);
      if (row) origin.set(`${g}.${t}`, row);
      yield;
    }
  }
  const locate = (path: string): { line: number; column: number | undefined } | undefined => {
    const m = /^groups\[(\d+)\]\.tags\[(\d+)\](?:\.(.+))?$/.exec(path);
    const row = m ? origin.get(`${m[1]}.${m[2]}`) : undefined;
    if (!m || !row) return undefined;
    return { line: row.line, column: m[3] !== undefined ? row.columnOf.get(m[3]) : undefined };
  };
  return { plant, result: { groups: [...byGroup.keys()], rows: rows.length, locate } };
}

/** Re-address a whole-plant validation error to the CSV's lines and columns where it can. */
export function locateCsvIssues(error: ConfigError, locate: CsvImportResult['locate']): ConfigError {
  return new ConfigError(
    CSV_SOURCE,
    error.issues.map((issue) => {
      const at = locate(issue.path);
      if (!at) return issue;
      const field = /\.tags\[\d+\]\.(.+)$/.exec(issue.path)?.[1] ?? issue.path;
      return { path: field, message: issue.message, line: at.line, column: at.column };
    }),
  );
}
