-- JSScada PostgreSQL (and TimescaleDB) schema for the postgres sink.
-- Applied by every writer connection at first connect, under an advisory lock, so every
-- statement is idempotent. Runs in the sink's schema (search_path), `public` by default.

-- The tags dimension: names for tag ids, upserted by the collector (Sink.syncTags) on start
-- and on every config change, so stored rows are readable in the database.
CREATE TABLE IF NOT EXISTS tags (
  tag_id     integer     PRIMARY KEY,
  name       text        NOT NULL,
  device     text        NOT NULL,
  group_name text        NOT NULL,
  unit       text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Values. (tag_id, ts) is the natural key: a batch written twice (a retry, a replayed
-- spool) leaves one row per value (INSERT ... ON CONFLICT (tag_id, ts) DO NOTHING).
-- ts is timestamptz, not bigint epoch ms: the same 8 bytes, exact to the millisecond
-- (microsecond resolution), and what TimescaleDB's time_bucket, retention policies, Grafana
-- and every SQL user expect; the sink converts epoch ms exactly ('epoch' + n * 1 ms).
-- No foreign key to tags: a replayed row must never fail because its tag was renamed,
-- retired or not synced yet.
CREATE TABLE IF NOT EXISTS tag_data (
  tag_id     integer          NOT NULL,
  ts         timestamptz      NOT NULL,
  value      double precision,          -- NULL for strings and bad-quality rows
  text_value text,                      -- string tags only
  quality    smallint         NOT NULL DEFAULT 0,  -- 0 good, 1 comm, 2 device, 3 config/decode
  PRIMARY KEY (tag_id, ts)
);

-- Time-range queries across tags ("everything between 10:00 and 10:05"). BRIN, not B-tree:
-- rows arrive in time order, so a BRIN index is a few pages and costs the insert path
-- almost nothing; the primary key already serves per-tag queries.
CREATE INDEX IF NOT EXISTS tag_data_ts_brin ON tag_data USING brin (ts);

-- TimescaleDB, when the extension is installed in this database: make tag_data a hypertable
-- (the primary key includes ts, as Timescale requires). Plain PostgreSQL skips this.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
    PERFORM create_hypertable('tag_data', 'ts', if_not_exists => TRUE, migrate_data => TRUE);
  END IF;
END
$$;

-- For people and tools that query the database directly. LEFT JOIN: rows of a tag that is
-- not (yet) in tags still show, with its id.
CREATE OR REPLACE VIEW tag_values AS
SELECT d.ts         AS ts,
       t.device     AS device,
       t.group_name AS group_name,
       t.name       AS tag,
       d.tag_id     AS tag_id,
       d.value      AS value,
       d.text_value AS text_value,
       d.quality    AS quality,
       t.unit       AS unit
FROM tag_data d
LEFT JOIN tags t ON t.tag_id = d.tag_id;
