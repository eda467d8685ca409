import { join } from 'node:path';
import { startCollector } from '../app.js';
import { createLogger } from '../log.js';
import { packageRoot } from '../package-root.js';
import type { CliIo } from './main.js';
import { untilSignal } from './run.js';
import { startDemoPlant } from './demo-plant.js';

export interface DemoArgs {
  readonly dataDir: string;
  readonly port: number;
  readonly logLevel?: string | undefined;
}

export function demoConfigFile(): string {
  return join(packageRoot(), 'config', 'demo.yaml');
}

/** The demo: simulated PLCs on loopback, then the collector on config/demo.yaml. */
export async function demoCommand(args: DemoArgs, io: CliIo): Promise<number> {
  const logger = createLogger({ dir: args.dataDir, level: args.logLevel, pretty: process.stdout.isTTY });
  const plant = await startDemoPlant(logger);
  try {
    const running = await startCollector({ configFile: demoConfigFile(), dataDir: args.dataDir, port: args.port, logger });
    io.out(`JSScada demo: panel and API on http://localhost:${running.port}/ , data in ${running.dbPath} (Ctrl+C to stop)`);
    return await untilSignal(running, logger, () => plant.close());
  } catch (err) {
    await plant.close();
    throw err;
  }
}
