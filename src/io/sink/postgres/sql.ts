import type { RowBatch } from '../rows.js';

/**
 * SQL for the postgres sink. The fast path sends a batch as FIVE array parameters and
 * unnests them server side: one statement and one round trip per batch whatever its size,
 * no 65,535-parameter limit, and one parse/plan instead of one per row. The array literals
 * are built here, not by node-postgres's generic serializer, which quotes every element.
 * bench/postgres-insert.ts measures this against multi-row VALUES.
 *
 * ts: epoch ms, rounded to an integer (as the SQLite sink does), converted exactly with
 * 'epoch' + ms * 1 ms, so the same row always maps to the same key and replays dedupe.
 */

const INSERT = 'INSERT INTO tag_data (tag_id, ts, value, text_value, quality)';
const CONFLICT = 'ON CONFLICT (tag_id, ts) DO NOTHING';

export const INSERT_UNNEST = `${INSERT}
SELECT u.tag_id, timestamptz 'epoch' + u.ms * interval '1 millisecond', u.value, u.text_value, u.quality
FROM unnest($1::int4[], $2::int8[], $3::float8[], $4::text[], $5::int2[]) AS u(tag_id, ms, value, text_value, quality)
${CONFLICT}`;

function float(v: number): string {
  if (Number.isNaN(v)) return 'NULL';
  return Object.is(v, -0) ? '-0' : String(v); // shortest round-trip text; PostgreSQL reads it exactly
}

/** Array literal text for a text[] element: always quoted, backslash and quote escaped. */
function textElement(s: string | null): string {
  return s === null ? 'NULL' : `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

function literal(n: number, at: (i: number) => string): string {
  const parts = new Array<string>(n);
  for (let i = 0; i < n; i++) parts[i] = at(i);
  return `{${parts.join(',')}}`;
}

/** The five parameters of INSERT_UNNEST for rows [from, to) of a batch. */
export function unnestParams(b: RowBatch, from = 0, to = b.length): string[] {
  const n = to - from;
  const texts = b.texts;
  return [
    literal(n, (i) => String(b.tagIds[from + i]!)),
    literal(n, (i) => String(Math.round(b.ts[from + i]!))),
    literal(n, (i) => float(b.values[from + i]!)),
    texts ? literal(n, (i) => textElement(texts[from + i] ?? null)) : literal(n, () => 'NULL'),
    literal(n, (i) => String(b.quality[from + i]!)),
  ];
}

/** Plain multi-row VALUES, for the benchmark's comparison: 5 parameters per row. */
export function insertValues(rows: number): string {
  const tuples = new Array<string>(rows);
  for (let i = 0; i < rows; i++) {
    const p = i * 5;
    tuples[i] = `($${p + 1}::int4, timestamptz 'epoch' + $${p + 2}::int8 * interval '1 millisecond', $${p + 3}::float8, $${p + 4}::text, $${p + 5}::int2)`;
  }
  return `${INSERT} VALUES ${tuples.join(',')} ${CONFLICT}`;
}

export function valuesParams(b: RowBatch, from: number, to: number): (string | number | null)[] {
  const out: (string | number | null)[] = [];
  for (let i = from; i < to; i++) {
    const v = b.values[i]!;
    out.push(b.tagIds[i]!, Math.round(b.ts[i]!), Number.isNaN(v) ? null : float(v), b.texts ? (b.texts[i] ?? null) : null, b.quality[i]!);
  }
  return out;
}

/** A schema name as a quoted identifier. Validated in the settings; quoted again here anyway. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
