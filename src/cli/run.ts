import { startCollector, type RunningCollector } from '../app.js';
import { createLogger } from '../log.js';
import type { CliIo } from './main.js';

export interface RunArgs {
  readonly configFile?: string | undefined;
  readonly dataDir: string;
  readonly port: number;
  readonly host?: string | undefined;
  readonly logLevel?: string | undefined;
}

export async function runCommand(args: RunArgs, _io: CliIo): Promise<number> {
  const logger = createLogger({ dir: args.dataDir, level: args.logLevel, pretty: process.stdout.isTTY });
  const running = await startCollector({ configFile: args.configFile, dataDir: args.dataDir, port: args.port, host: args.host, logger });
  return untilSignal(running, logger);
}

/** Run until SIGINT/SIGTERM; then stop polling, drain the buffer, close the database, exit 0. */
export function untilSignal(running: Pick<RunningCollector, 'stop'>, logger: { info: (o: object, m: string) => void; flush?: () => void }, onStop?: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      logger.info({ signal }, 'stopping');
      void running
        .stop()
        .then(async (result) => {
          await onStop?.();
          // Exit 0 only when every collected row reached the database or the spool.
          resolve(result.drained && result.unwritten === 0 ? 0 : 1);
        })
        .catch(() => resolve(1));
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}
