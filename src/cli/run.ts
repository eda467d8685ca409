import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { databasePath, startCollector, type RunningCollector } from '../app.js';
import { PlantSourceConflict, reloadPlantFile } from '../actors/plant-source.js';
import { readSourceRecord } from '../io/config/plant-source-record.js';
import { tightenDataDir } from '../io/private-files.js';
import { createLogger } from '../log.js';
import type { CliIo } from './main.js';
import { catchReloadSignal } from './reload.js';
import { catchStopSignals, type StopSignal } from './signals.js';

export interface RunArgs {
  readonly configFile?: string | undefined;
  /** Apply the file even over API edits made since its last import. */
  readonly configWins?: boolean | undefined;
  readonly dataDir: string;
  readonly port: number;
  readonly host?: string | undefined;
  readonly logLevel?: string | undefined;
}

export async function runCommand(args: RunArgs, io: CliIo): Promise<number> {
  const signals = catchStopSignals();
  const reloads = catchReloadSignal();
  try {
    const refusal = noPlantRefusal(args);
    if (refusal) return io.err(refusal), 2;
    // The data dir holds secrets: for its owner only, before anything is written in it.
    for (const warning of tightenDataDir(args.dataDir)) io.err(`jsscada: warning: ${warning}`);
    const logger = createLogger({ dir: args.dataDir, level: args.logLevel, pretty: process.stdout.isTTY });
    let running: RunningCollector;
    try {
      running = await startCollector({ configFile: args.configFile, configWins: args.configWins, dataDir: args.dataDir, port: args.port, host: args.host, logger });
    } catch (err) {
      // A conflict between the file and the store's API edits is the operator's call: exit 2 (no restart loop).
      if (err instanceof PlantSourceConflict) return io.err(err.message), 2;
      throw err;
    }
    const file = args.configFile;
    if (file) reloads.attach(() => reloadPlantFile({ file, dataDir: resolve(args.dataDir), configWins: args.configWins ?? false, config: running.services.config, logger }));
    else reloads.attach(async () => logger.warn('SIGHUP: no --config file to reload; the store is the configuration (edit it through the API)'));
    return await untilSignal(signals, running, logger);
  } finally {
    reloads.dispose();
    signals.dispose();
  }
}

/**
 * `run` without --config needs a store, and not the demo's: its PLCs are simulators that only
 * `jsscada demo` starts (issue 14: `jsscada run` in a checkout silently ran the demo plant,
 * every device OFFLINE).
 */
function noPlantRefusal(args: RunArgs): string | undefined {
  if (args.configFile) return undefined;
  const db = databasePath(args.dataDir);
  const todo = [
    'What to do:',
    '  your plant:  jsscada check plant.yaml && jsscada run --config plant.yaml --data DIR',
    '  a try-out:   jsscada demo   (simulated PLCs and the collector on the demo plant)',
  ].join('\n');
  if (!existsSync(db)) return `jsscada run: no plant configuration: ${db} does not exist and no --config FILE was given.\n${todo}`;
  if (readSourceRecord(resolve(args.dataDir))?.by === 'demo') {
    return `jsscada run: the store ${db} holds the demo plant (written by "jsscada demo"); its PLCs are simulators that only "jsscada demo" starts.\n${todo}`;
  }
  return undefined;
}

/** Run until SIGINT/SIGTERM; then stop polling, drain the buffer, close the database, exit 0. */
export async function untilSignal(signals: StopSignal, running: Pick<RunningCollector, 'stop'>, logger: { info: (o: object, m: string) => void }, onStop?: () => Promise<void>): Promise<number> {
  const signal = await signals.received;
  logger.info({ signal }, 'stopping');
  try {
    const result = await running.stop();
    await onStop?.();
    // Exit 0 only when every collected row reached the database or the spool.
    return result.drained && result.unwritten === 0 ? 0 : 1;
  } catch {
    return 1;
  }
}
