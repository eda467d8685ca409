-- JSScada SQLite schema (store of record for the configuration + the default sink).
-- Applied at every start; every statement is idempotent.

CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Configuration. Rows are never deleted, only retired (retired_at set), so that
-- tag_data keeps its names for history and tag ids are never reused.
CREATE TABLE IF NOT EXISTS devices (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT    NOT NULL,
  protocol   TEXT    NOT NULL,
  host       TEXT    NOT NULL,
  port       INTEGER NOT NULL,
  enabled    INTEGER NOT NULL DEFAULT 1,
  options    TEXT    NOT NULL DEFAULT '{}',   -- JSON: the remaining device fields
  position   INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL,
  retired_at INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS devices_live_name ON devices(name) WHERE retired_at IS NULL;

CREATE TABLE IF NOT EXISTS polling_groups (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name        TEXT    NOT NULL,
  device_id   INTEGER NOT NULL REFERENCES devices(id),
  mode        TEXT    NOT NULL CHECK (mode IN ('fixed', 'handshake')),
  interval_ms INTEGER NOT NULL,
  enabled     INTEGER NOT NULL DEFAULT 1,
  options     TEXT    NOT NULL DEFAULT '{}',  -- JSON: trigger and future fields
  position    INTEGER NOT NULL DEFAULT 0,
  updated_at  INTEGER NOT NULL,
  retired_at  INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS polling_groups_live_name ON polling_groups(name) WHERE retired_at IS NULL;

CREATE TABLE IF NOT EXISTS tags (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT    NOT NULL,
  group_id   INTEGER NOT NULL REFERENCES polling_groups(id),
  address    TEXT    NOT NULL,
  data_type  TEXT    NOT NULL,
  unit       TEXT,
  options    TEXT    NOT NULL DEFAULT '{}',   -- JSON: scale, offset, thresholds, word order...
  position   INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL,
  retired_at INTEGER
);
-- Tag names are unique in the plant (the REST API addresses tags by name).
CREATE UNIQUE INDEX IF NOT EXISTS tags_live_name ON tags(name) WHERE retired_at IS NULL;

-- Values. (tag, ts) is the natural key: a batch written twice (a retry, a replayed
-- spool) leaves one row per value (INSERT OR IGNORE). The key is stored as (ts, tag_id):
-- new rows then append at the end of the B-tree, while (tag_id, ts) dirties one page per
-- tag per transaction (bench/writer-sqlite.ts: ~17x more rows/s at 500-row batches,
-- see docs/BENCHMARKS.md). WITHOUT ROWID: the key is the table, no second index.
-- A tag's history is a range scan on ts filtered by tag_id.
CREATE TABLE IF NOT EXISTS tag_data (
  tag_id     INTEGER NOT NULL,
  ts         INTEGER NOT NULL,               -- epoch milliseconds (UTC)
  value      REAL,                           -- NULL for strings and bad-quality rows
  text_value TEXT,                           -- string tags only
  quality    INTEGER NOT NULL DEFAULT 0,     -- 0 good, 1 comm error, 2 device error, 3 config/decode
  PRIMARY KEY (ts, tag_id)
) WITHOUT ROWID;

-- For people and tools that query the database directly.
CREATE VIEW IF NOT EXISTS tag_values AS
SELECT d.ts        AS ts,
       dev.name    AS device,
       g.name      AS group_name,
       t.name      AS tag,
       d.value     AS value,
       d.text_value AS text_value,
       d.quality   AS quality
FROM tag_data d
JOIN tags t            ON t.id = d.tag_id
JOIN polling_groups g  ON g.id = t.group_id
JOIN devices dev       ON dev.id = g.device_id;
