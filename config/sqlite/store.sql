-- JSScada configuration store (SQLite): the plant as the collector runs it. Always DIR/jsscada.db.
-- Applied at every start; every statement is idempotent. The value tables (the sqlite sink's
-- schema) are in values.sql: in this same file by default, or in the file named by sink.path.

CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Configuration. Rows are never deleted, only retired (retired_at set), so a tag's local id is
-- never reused. Local ids are this data directory's own: values are stored under the ids the
-- value database assigns (tags keyed by collector, device and tag name; see values.sql).
-- "config_" prefix: the value schema's `tags` table (the same in every sink) may share the file.
CREATE TABLE IF NOT EXISTS config_devices (
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
CREATE UNIQUE INDEX IF NOT EXISTS config_devices_live_name ON config_devices(name) WHERE retired_at IS NULL;

CREATE TABLE IF NOT EXISTS config_groups (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name        TEXT    NOT NULL,
  device_id   INTEGER NOT NULL REFERENCES config_devices(id),
  mode        TEXT    NOT NULL CHECK (mode IN ('fixed', 'handshake')),
  interval_ms INTEGER NOT NULL,
  enabled     INTEGER NOT NULL DEFAULT 1,
  options     TEXT    NOT NULL DEFAULT '{}',  -- JSON: trigger and future fields
  position    INTEGER NOT NULL DEFAULT 0,
  updated_at  INTEGER NOT NULL,
  retired_at  INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS config_groups_live_name ON config_groups(name) WHERE retired_at IS NULL;

CREATE TABLE IF NOT EXISTS config_tags (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT    NOT NULL,
  group_id   INTEGER NOT NULL REFERENCES config_groups(id),
  address    TEXT    NOT NULL,
  data_type  TEXT    NOT NULL,
  unit       TEXT,
  options    TEXT    NOT NULL DEFAULT '{}',   -- JSON: scale, offset, thresholds, word order...
  position   INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL,
  retired_at INTEGER
);
-- Tag names are unique in the plant (the REST API addresses tags by name).
CREATE UNIQUE INDEX IF NOT EXISTS config_tags_live_name ON config_tags(name) WHERE retired_at IS NULL;
