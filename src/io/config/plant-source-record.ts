import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What was last imported from a plant file into the store in a data directory: the fingerprint
 * of the plant as stored right after that import. `run --config` and a reload compare it with
 * the store (edited through the API since?) and with the file (changed since?).
 * A small JSON file beside the store (DIR/plant-source.json), written atomically.
 */
export interface PlantSourceRecord {
  /** plantHash() of the stored plant right after the import. */
  readonly hash: string;
  /** The file imported (absolute path), for messages. */
  readonly file: string;
  /** Who imported it: `run --config`, a reload, `jsscada import`, or the demo. */
  readonly by: 'run' | 'reload' | 'import' | 'demo';
  readonly at: string;
}

export function sourceRecordPath(dataDir: string): string {
  return join(dataDir, 'plant-source.json');
}

export function readSourceRecord(dataDir: string): PlantSourceRecord | undefined {
  let text: string;
  try {
    text = readFileSync(sourceRecordPath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const r = JSON.parse(text) as Partial<PlantSourceRecord>;
    return typeof r.hash === 'string' && typeof r.file === 'string' ? (r as PlantSourceRecord) : undefined;
  } catch {
    // A torn or hand-edited record is no record: the next start compares file and store directly.
    return undefined;
  }
}

export function writeSourceRecord(dataDir: string, record: Omit<PlantSourceRecord, 'at'>): void {
  const path = sourceRecordPath(dataDir);
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify({ ...record, at: new Date().toISOString() }, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
}
