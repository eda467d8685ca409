import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { RowBatch } from '../../../../src/io/sink/rows.js';

/** The test database, set by scripts/ci-postgres.sh (see .ci/run); unset = these suites skip. */
export const PG_URL = process.env.JSSCADA_TEST_PG_URL;
// In CI a missing PostgreSQL is a failure, not a skip (issue 13): a green run must have run these.
if (!PG_URL && process.env.CI === 'true') {
  throw new Error('CI=true but JSSCADA_TEST_PG_URL is not set: PostgreSQL did not come up (see .ci/run and scripts/ci-postgres.sh); the PostgreSQL suites must not skip in CI');
}
export const NO_PG = !PG_URL;
export const SKIP_REASON = 'SKIPPED: JSSCADA_TEST_PG_URL is not set (run scripts/ci-postgres.sh)';

/** A fresh schema per suite, so test files running in parallel never share tables. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  await withClient(url, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}

export function batchOf(rows: { tagId: number; ts: number; value?: number; text?: string | null; quality?: number }[]): RowBatch {
  const hasText = rows.some((r) => r.text != null);
  return {
    length: rows.length,
    tagIds: Int32Array.from(rows, (r) => r.tagId),
    ts: Float64Array.from(rows, (r) => r.ts),
    values: Float64Array.from(rows, (r) => r.value ?? Number.NaN),
    quality: Uint8Array.from(rows, (r) => r.quality ?? 0),
    texts: hasText ? rows.map((r) => r.text ?? null) : null,
  };
}

/** `n` rows: tags 1..tags, one timestamp per round of tags, starting at ts0. */
export function sequentialBatch(n: number, ts0: number, tags = 100): RowBatch {
  return {
    length: n,
    tagIds: Int32Array.from({ length: n }, (_, i) => 1 + (i % tags)),
    ts: Float64Array.from({ length: n }, (_, i) => ts0 + Math.floor(i / tags)),
    values: Float64Array.from({ length: n }, (_, i) => i * 0.5),
    quality: new Uint8Array(n),
    texts: null,
  };
}
