import { isAbsolute, join, resolve } from 'node:path';

/** sink.path (the SQLite value database): relative to the data directory, or absolute. */
export function sinkFilePath(dataDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(join(dataDir, path));
}
