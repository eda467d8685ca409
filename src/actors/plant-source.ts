import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { diffPlants, formatDiff, plantHash, type PlantDiff } from '../io/config/plant-diff.js';
import { readSourceRecord, writeSourceRecord, type PlantSourceRecord } from '../io/config/plant-source-record.js';
import type { PlantConfig, PlantInput } from '../io/config/schema.js';
import { loadPlantFile } from '../io/config/yaml-file.js';
import type { ConfigService } from './config-service.js';

/**
 * The plant file is the source when one is given (`run --config FILE`, SIGHUP): a file that
 * changed since its last import is applied, one that did not is not re-applied, and when the
 * store was ALSO edited through the API since, neither side silently wins (issue 14: a changed
 * file used to be ignored with one info line).
 */

/** The store was edited through the API and the file changed too: exit 2, naming both ways out. */
export class PlantSourceConflict extends Error {
  readonly code = 'PLANT_SOURCE_CONFLICT';
  constructor(message: string) {
    super(message);
    this.name = 'PlantSourceConflict';
  }
}

export type PlantDecision =
  /** Write the file into the store. */
  | { readonly action: 'apply'; readonly diff: PlantDiff; readonly reason: 'empty store' | 'file changed' | 'config wins' }
  /** The store already holds the file's plant, or holds API edits of an unchanged file. */
  | { readonly action: 'keep'; readonly diff: PlantDiff; readonly storeEdited: boolean }
  | { readonly action: 'refuse'; readonly diff: PlantDiff; readonly message: string };

export interface DecideInput {
  readonly file: string;
  readonly dataDir: string;
  readonly filePlant: PlantConfig;
  /** The live stored plant; undefined when the store is empty. */
  readonly stored: PlantConfig | undefined;
  readonly record: PlantSourceRecord | undefined;
  readonly configWins: boolean;
}

/** Pure: what to do with a plant file given the store and the record of the last import. */
export function decidePlant(input: DecideInput): PlantDecision {
  const diff = diffPlants(input.stored, input.filePlant);
  if (input.stored === undefined) return { action: 'apply', diff, reason: 'empty store' };
  const storeHash = plantHash(input.stored);
  const fileHash = plantHash(input.filePlant);
  if (fileHash === storeHash) return { action: 'keep', diff, storeEdited: false };
  if (input.record?.hash === storeHash) return { action: 'apply', diff, reason: 'file changed' };
  if (input.configWins) return { action: 'apply', diff, reason: 'config wins' };
  // The file is what was imported last: only the store moved (API edits). The store is the
  // record of those edits; restarting must not undo them, nor refuse to start.
  if (input.record?.hash === fileHash) return { action: 'keep', diff, storeEdited: true };
  return { action: 'refuse', diff, message: conflictMessage(input, diff) };
}

function conflictMessage(input: DecideInput, diff: PlantDiff): string {
  const file = input.file;
  const data = input.dataDir;
  const what = input.record
    ? `${file} changed since it was last imported, and the configuration store in ${data} was edited (through the API or the panel) since then too`
    : `the configuration store in ${data} holds a plant that was not imported from ${file}`;
  return [
    `jsscada: ${what}; not applying either over the other.`,
    `  file vs store: ${formatDiff(diff)}`,
    'Either way out:',
    `  keep the store's edits: jsscada export ${file} --data ${data}   (writes the stored configuration into the file; merge your file edits back in, then run again)`,
    `  the file wins:          jsscada run --config ${file} --data ${data} --config-wins   (applies the file over the store's edits)`,
  ].join('\n');
}

/** What a start or reload did, for the log and the tests. */
export interface PlantSourceOutcome {
  readonly decision: PlantDecision;
  readonly summary: string;
}

/** Log line of a decision: `+added ~changed -retired =unchanged` per kind. */
function logDecision(logger: Logger, file: string, decision: PlantDecision, when: 'start' | 'reload'): string {
  const summary = formatDiff(decision.diff);
  if (decision.action === 'apply') logger.info({ file, reason: decision.reason, when }, `plant file applied: ${summary}`);
  else if (decision.action === 'keep' && decision.storeEdited)
    logger.warn({ file, when }, `plant file unchanged since its last import; the store was edited through the API since and is kept (file vs store: ${summary}); "jsscada export" writes those edits into the file`);
  else if (decision.action === 'keep') logger.info({ file, when }, `plant file unchanged: ${summary}`);
  else logger.error({ file, when }, decision.message);
  return summary;
}

export interface StartContext {
  readonly file: string;
  readonly dataDir: string;
  readonly filePlant: PlantConfig;
  readonly stored: PlantConfig | undefined;
  readonly configWins: boolean;
  readonly logger: Logger;
  /** Writes the plant into the store (the writer thread) and returns the plant as stored after. */
  readonly write: (plant: PlantConfig) => Promise<PlantConfig>;
}

/** At start: apply the file, keep the store, or throw PlantSourceConflict. */
export async function applyPlantFileAtStart(ctx: StartContext): Promise<PlantSourceOutcome> {
  const file = resolve(ctx.file);
  const decision = decidePlant({ file: ctx.file, dataDir: ctx.dataDir, filePlant: ctx.filePlant, stored: ctx.stored, record: readSourceRecord(ctx.dataDir), configWins: ctx.configWins });
  const summary = logDecision(ctx.logger, file, decision, 'start');
  if (decision.action === 'refuse') throw new PlantSourceConflict(decision.message);
  if (decision.action === 'apply') writeSourceRecord(ctx.dataDir, { hash: plantHash(await ctx.write(ctx.filePlant)), file, by: 'run' });
  else if (!decision.storeEdited) writeSourceRecord(ctx.dataDir, { hash: plantHash(ctx.stored!), file, by: 'run' });
  return { decision, summary };
}

/**
 * SIGHUP / `systemctl reload`: re-read the file and apply the difference hot through the config
 * service, exactly like a REST edit (validated whole, persisted, applied to the running
 * collector: untouched groups keep their schedule). A bad file or a conflict is logged and
 * changes nothing; the collector keeps running on what it has.
 */
export async function reloadPlantFile(ctx: { file: string; dataDir: string; configWins: boolean; config: ConfigService; logger: Logger }): Promise<PlantSourceOutcome | { error: Error }> {
  const file = resolve(ctx.file);
  let filePlant: PlantConfig;
  try {
    filePlant = loadPlantFile(ctx.file);
  } catch (err) {
    ctx.logger.error({ file }, `reload: ${(err as Error).message}; nothing changed`);
    return { error: err as Error };
  }
  const stored = ctx.config.current().plant;
  const decision = decidePlant({ file: ctx.file, dataDir: ctx.dataDir, filePlant, stored, record: readSourceRecord(ctx.dataDir), configWins: ctx.configWins });
  const summary = logDecision(ctx.logger, file, decision, 'reload');
  if (decision.action === 'apply') {
    try {
      await ctx.config.change(() => ({ plant: filePlant as PlantInput, result: null }), 'plant-file');
    } catch (err) {
      ctx.logger.error({ file }, `reload: ${(err as Error).message}; nothing changed`);
      return { error: err as Error };
    }
  }
  if (decision.action !== 'refuse' && !(decision.action === 'keep' && decision.storeEdited)) {
    writeSourceRecord(ctx.dataDir, { hash: plantHash(ctx.config.current().plant), file, by: 'reload' });
  }
  return { decision, summary };
}
