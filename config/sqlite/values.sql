-- JSScada value schema, version 2, for the sqlite sink (DIR/jsscada.db, or the file named by
-- sink.path, which several collectors on one host may share). The same model as the postgres and
-- oracle sinks: the database owns tag identity, a tag is (collector, device, tag name).
-- Applied at every start under BEGIN IMMEDIATE; every statement is idempotent. A version-1 file
-- (the 0.1 release: tag_data keyed by the config store's local ids) is migrated first (see
-- src/io/sink/sqlite/migrate.ts).

CREATE TABLE IF NOT EXISTS schema_version (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  version    INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,              -- epoch ms
  note       TEXT
);

-- Every file this DDL creates (or completes) is version 2; a version-1 file is migrated BEFORE it runs.
INSERT OR IGNORE INTO schema_version (id, version, updated_at, note)
VALUES (1, 2, CAST(strftime('%s', 'now') AS INTEGER) * 1000, 'created by jsscada');

-- One row per collector name. instance_id is the data directory's own id (meta in jsscada.db):
-- a second collector with the same name is refused while the holder's lease is fresh.
CREATE TABLE IF NOT EXISTS collectors (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  name         TEXT    NOT NULL UNIQUE,
  instance_id  TEXT    NOT NULL,
  host         TEXT,
  version      TEXT,
  started_at   INTEGER,                     -- epoch ms
  last_seen_at INTEGER,                     -- the lease: renewed every few seconds while running
  stopped_at   INTEGER                      -- set by a clean stop: the name is free at once
);

-- Tag identity. ids are assigned here (never by a collector) and never reused; rows are never
-- deleted, so history keeps its names. group_name, unit and data_type are descriptive only.
CREATE TABLE IF NOT EXISTS tags (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  collector_id INTEGER NOT NULL REFERENCES collectors(id),
  device       TEXT    NOT NULL,
  name         TEXT    NOT NULL,
  group_name   TEXT,
  unit         TEXT,
  data_type    TEXT,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  UNIQUE (collector_id, device, name)
);

-- Values. (tag, ts) is the natural key: a batch written twice (a retry, a replayed
-- spool) leaves one row per value (INSERT OR IGNORE). The key is stored as (ts, tag_id):
-- new rows then append at the end of the B-tree, while (tag_id, ts) dirties one page per
-- tag per transaction (bench/writer-sqlite.ts: ~17x more rows/s at 500-row batches,
-- see docs/BENCHMARKS.md). WITHOUT ROWID: the key is the table, no second index.
-- A tag's history is a range scan on ts filtered by tag_id.
CREATE TABLE IF NOT EXISTS tag_data (
  tag_id     INTEGER NOT NULL,              -- tags.id
  ts         INTEGER NOT NULL,              -- epoch milliseconds (UTC)
  value      REAL,                          -- NULL for strings and bad-quality rows
  text_value TEXT,                          -- string tags only
  quality    INTEGER NOT NULL DEFAULT 0,    -- 0 good, 1 comm error, 2 device error, 3 config/decode
  PRIMARY KEY (ts, tag_id)
) WITHOUT ROWID;

-- For people and tools that query the database directly: every line together, or
-- WHERE collector = 'line-a' for one.
CREATE VIEW IF NOT EXISTS tag_values AS
SELECT d.ts         AS ts,
       c.name       AS collector,
       t.device     AS device,
       t.group_name AS group_name,
       t.name       AS tag,
       d.value      AS value,
       d.text_value AS text_value,
       d.quality    AS quality,
       t.unit       AS unit,
       d.tag_id     AS tag_id
FROM tag_data d
LEFT JOIN tags t       ON t.id = d.tag_id
LEFT JOIN collectors c ON c.id = t.collector_id;
