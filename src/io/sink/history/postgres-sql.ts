/**
 * The history SQL for PostgreSQL (config/postgres/schema.sql: tag_data.ts is timestamptz).
 * Epoch ms cross the wire as bigint and are turned into timestamps by SQL exactly as the sink
 * writes them ('epoch' + n * 1 ms); times come back as epoch ms (float8: a JS number).
 */

/** How a bucket start is computed, chosen at connect from the server (see bucketFlavour). */
export type BucketFlavour = 'time_bucket' | 'date_bin' | 'arithmetic';

/** TimescaleDB's time_bucket when the extension is in the database; date_bin on PG 14+; else arithmetic. */
export function bucketFlavour(serverVersionNum: number, timescale: boolean): BucketFlavour {
  if (timescale) return 'time_bucket';
  return serverVersionNum >= 140000 ? 'date_bin' : 'arithmetic';
}

const at = (param: string): string => `(TIMESTAMPTZ 'epoch' + ${param}::bigint * INTERVAL '1 millisecond')`;
export const epochMs = (col: string): string => `round(extract(epoch FROM ${col}) * 1000)::float8`;

/**
 * The bucket start of `ts` for a width of $4 ms, aligned to the epoch in every flavour (so the
 * three give the same buckets, and the same as the SQLite and Oracle readers).
 */
export function bucketExpr(flavour: BucketFlavour): string {
  const width = `($4::bigint * INTERVAL '1 millisecond')`;
  switch (flavour) {
    case 'time_bucket':
      return `time_bucket(${width}, ts, TIMESTAMPTZ 'epoch')`;
    case 'date_bin':
      return `date_bin(${width}, ts, TIMESTAMPTZ 'epoch')`;
    case 'arithmetic':
      return `(TIMESTAMPTZ 'epoch' + (floor(extract(epoch FROM ts) * 1000 / $4::bigint) * $4::bigint)::bigint * INTERVAL '1 millisecond')`;
  }
}

const RANGE = `tag_id = $1 AND ts BETWEEN ${at('$2')} AND ${at('$3')}`;

/** $1 collector, $2 tag, $3 device (null: any device, the newest id). */
export const TAG_ID = `SELECT t.id FROM tags t JOIN collectors c ON c.id = t.collector_id
WHERE c.name = $1 AND t.name = $2 AND ($3::text IS NULL OR t.device = $3::text)
ORDER BY t.id DESC LIMIT 1`;

/** $1 tag id, $2..$3 range, $4 rows to stop at. */
export const COUNT_UP_TO = `SELECT count(*)::int AS n FROM (SELECT 1 FROM tag_data WHERE ${RANGE} LIMIT $4) s`;

/** $1 tag id, $2..$3 range, $4 limit: newest first. */
export const RAW = `SELECT ${epochMs('ts')} AS ts, value, text_value AS text, quality::int AS quality
FROM tag_data WHERE ${RANGE} ORDER BY ts DESC LIMIT $4`;

/**
 * $1 tag id, $2..$3 range, $4 width (ms). `last` comes from a key lookup of each bucket's newest
 * row ((tag_id, ts) is the primary key), not from an ordered aggregate over millions of rows.
 */
export function bucketsSql(flavour: BucketFlavour): string {
  return `WITH b AS (
  SELECT ${bucketExpr(flavour)} AS bucket, min(value) AS min, max(value) AS max, avg(value) AS avg,
         count(*)::int AS count, (count(*) FILTER (WHERE quality <> 0))::int AS bad, max(ts) AS last_ts
  FROM tag_data WHERE ${RANGE} GROUP BY 1)
SELECT ${epochMs('b.bucket')} AS ts, b.min, b.max, b.avg, b.count, b.bad, d.value AS last
FROM b JOIN tag_data d ON d.tag_id = $1 AND d.ts = b.last_ts
ORDER BY b.bucket`;
}

/** $1 collector, $2 devices, $3 tag names (pairs): the newest row of each, one index probe per tag. */
export const LATEST = `SELECT t.device, t.name, ${epochMs('d.ts')} AS ts, d.value, d.text_value AS text, d.quality::int AS quality
FROM tags t
JOIN collectors c ON c.id = t.collector_id
JOIN unnest($2::text[], $3::text[]) AS w(device, name) ON w.device = t.device AND w.name = t.name
CROSS JOIN LATERAL (SELECT ts, value, text_value, quality FROM tag_data WHERE tag_id = t.id ORDER BY ts DESC LIMIT 1) d
WHERE c.name = $1`;

export const SERVER_INFO = `SELECT current_setting('server_version_num')::int AS version,
EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS timescale`;
