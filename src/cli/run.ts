import { startCollector, type RunningCollector } from '../app.js';
import { tightenDataDir } from '../io/private-files.js';
import { createLogger } from '../log.js';
import type { CliIo } from './main.js';
import { catchStopSignals, type StopSignal } from './signals.js';

export interface RunArgs {
  readonly configFile?: string | undefined;
  readonly dataDir: string;
  readonly port: number;
  readonly host?: string | undefined;
  readonly logLevel?: string | undefined;
}

export async function runCommand(args: RunArgs, io: CliIo): Promise<number> {
  const signals = catchStopSignals();
  try {
    // The data dir holds secrets: for its owner only, before anything is written in it.
    for (const warning of tightenDataDir(args.dataDir)) io.err(`jsscada: warning: ${warning}`);
    const logger = createLogger({ dir: args.dataDir, level: args.logLevel, pretty: process.stdout.isTTY });
    const running = await startCollector({ configFile: args.configFile, dataDir: args.dataDir, port: args.port, host: args.host, logger });
    return await untilSignal(signals, running, logger);
  } finally {
    signals.dispose();
  }
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
