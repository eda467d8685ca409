import { sinkFilePath } from '../../config/sink-path.js';
import type { SinkConfig } from '../../config/schema.js';
import type { HistorySource } from './history-source.js';

export type { HistoryBucket, HistoryKey, HistoryPoint, HistoryQuery, HistoryResult, HistorySource } from './history-source.js';
export { latestKey } from './history-source.js';

export interface HistoryPaths {
  /** The data directory: a relative sqlite sink.path is inside it. */
  readonly dataDir: string;
  /** DIR/jsscada.db, the config store (the sqlite sink's file unless sink.path names another). */
  readonly storePath: string;
}

/** The SQLite file the sqlite sink writes: sink.path, relative to the data directory or absolute. */
export function sqliteValuePath(config: Extract<SinkConfig, { kind: 'sqlite' }>, paths: HistoryPaths): string {
  return sinkFilePath(paths.dataDir, config.path);
}

/**
 * History from the database the values go to. The networked readers are loaded only when
 * configured (a plant on SQLite never loads pg or oracledb), and none connects before the
 * first read: a collector starts whether or not its database is up.
 */
export async function createHistorySource(config: SinkConfig, paths: HistoryPaths): Promise<HistorySource> {
  switch (config.kind) {
    case 'sqlite': {
      const { SqliteHistory } = await import('./sqlite-history.js');
      return new SqliteHistory(sqliteValuePath(config, paths));
    }
    case 'postgres': {
      const { PostgresHistory } = await import('./postgres-history.js');
      return new PostgresHistory(config);
    }
    case 'oracle': {
      const [{ OracleHistory }, { loadOracleDriver }] = await Promise.all([import('./oracle-history.js'), import('../oracle/driver.js')]);
      return new OracleHistory(config, loadOracleDriver);
    }
  }
}
