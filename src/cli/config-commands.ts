import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { diffPlants, formatDiff, plantHash } from '../io/config/plant-diff.js';
import { writeSourceRecord } from '../io/config/plant-source-record.js';
import { databasePath } from '../app.js';
import { loadPlantFile, plantToYaml } from '../io/config/yaml-file.js';
import { REDACTED, redactSecrets } from '../io/config/secrets.js';
import { isStoreEmpty, readPlant, withStoredSecrets, writePlant } from '../io/config/store-sql.js';
import { applyStoreSchema, openDatabase } from '../io/sink/sqlite/database.js';
import { tightenDataDir } from '../io/private-files.js';
import type { CliIo } from './main.js';

export function checkCommand(file: string, io: CliIo): number {
  const plant = loadPlantFile(file);
  const tags = plant.groups.reduce((n, g) => n + g.tags.length, 0);
  io.out(`${file}: valid (${plant.devices.length} devices, ${plant.groups.length} groups, ${tags} tags)`);
  return 0;
}

/**
 * Import runs on its own connection: SQLite's lock and busy_timeout serialise it with a running
 * writer. It reports what really changed (unchanged rows are counted as =, not ~) and records
 * the import, so a later `run --config` of the same file knows the store came from it.
 */
export function importCommand(file: string, dataDir: string, io: CliIo): number {
  const plant = loadPlantFile(file);
  for (const warning of tightenDataDir(dataDir)) io.err(`jsscada: warning: ${warning}`);
  const db = openDatabase(databasePath(dataDir));
  try {
    applyStoreSchema(db);
    const diff = diffPlants(isStoreEmpty(db) ? undefined : readPlant(db).plant, plant);
    writePlant(db, withStoredSecrets(db, plant, file));
    writeSourceRecord(resolve(dataDir), { hash: plantHash(readPlant(db).plant), file: resolve(file), by: 'import' });
    io.out(`imported ${file} into ${databasePath(dataDir)}: ${formatDiff(diff)} (a running collector picks this up on restart)`);
    return 0;
  } finally {
    db.close();
  }
}

export function exportCommand(file: string | undefined, dataDir: string, io: CliIo, write: (file: string, text: string) => void, options: { withSecrets?: boolean } = {}): number {
  const path = databasePath(dataDir);
  if (!existsSync(path)) throw new Error(`no store at ${path}`);
  const db = openDatabase(path, { readonly: true });
  try {
    if (isStoreEmpty(db)) throw new Error(`the store at ${path} holds no configuration`);
    const plant = readPlant(db).plant;
    const yaml = options.withSecrets ? plantToYaml(plant) : `${REDACTED_NOTE}\n${plantToYaml(redactSecrets(plant))}`;
    if (file) {
      write(file, yaml);
      io.out(`exported the configuration to ${file}`);
    } else io.out(yaml.trimEnd());
    return 0;
  } finally {
    db.close();
  }
}

/** Heads a redacted export, so whoever edits it knows what the marker means. */
export const REDACTED_NOTE = `# Secrets show as ${REDACTED}: importing this file keeps the secrets the store holds (jsscada export --with-secrets writes them).`;
