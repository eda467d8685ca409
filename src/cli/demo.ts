import { join, resolve } from 'node:path';
import { plantHash } from '../io/config/plant-diff.js';
import { writeSourceRecord } from '../io/config/plant-source-record.js';
import { startCollector, type RunningCollector } from '../app.js';
import { tightenDataDir } from '../io/private-files.js';
import { createLogger, type Logger } from '../log.js';
import { loadPlantFile } from '../io/config/yaml-file.js';
import type { PlantConfig } from '../io/config/schema.js';
import { packageRoot } from '../package-root.js';
import type { CliIo } from './main.js';
import { untilSignal } from './run.js';
import { catchStopSignals } from './signals.js';
import { startDemoPlant, type DemoPlant } from './demo-plant.js';

export interface DemoArgs {
  readonly dataDir: string;
  readonly port: number;
  readonly logLevel?: string | undefined;
  /** PLC simulator ports: undefined = 5001, 5002, 5020 as in config/demo.yaml; 'auto' = free ports. */
  readonly plcPorts?: 'auto' | { line1: number; line2: number; pumps: number } | undefined;
  /** Another value database than the demo's SQLite file (tests: the panel on a PostgreSQL sink). */
  readonly sink?: PlantConfig['sink'] | undefined;
}

export function demoConfigFile(): string {
  return join(packageRoot(), 'config', 'demo.yaml');
}

/** The demo plant with its devices pointed at the simulators' actual ports. */
function demoPlant(ports: DemoPlant['ports']): PlantConfig {
  const plant = loadPlantFile(demoConfigFile());
  return { ...plant, devices: plant.devices.map((d) => ({ ...d, port: ports[d.name as keyof DemoPlant['ports']] ?? d.port })) };
}

export interface RunningDemo {
  readonly plant: DemoPlant;
  readonly running: RunningCollector;
  stop(): Promise<void>;
}

/** Simulated PLCs, then the collector on the demo plant (used by `jsscada demo` and the e2e tests). */
export async function startDemo(args: DemoArgs, logger: Logger, print?: (line: string) => void): Promise<RunningDemo> {
  const ports = args.plcPorts === 'auto' ? { line1: 0, line2: 0, pumps: 0 } : args.plcPorts;
  const plant = await startDemoPlant(logger, ports);
  try {
    const wanted = { ...demoPlant(plant.ports), ...(args.sink ? { sink: args.sink } : {}) };
    const running = await startCollector({ plant: wanted, configFile: demoConfigFile(), dataDir: args.dataDir, port: args.port, logger, print });
    // A demo store from an earlier run may name other ports: follow the simulators.
    const stored = running.services.config.current().plant.devices;
    if (stored.some((d) => wanted.devices.find((w) => w.name === d.name)?.port !== d.port)) {
      await running.services.config.change((p) => ({ plant: { ...p, devices: (p.devices ?? []).map((d) => ({ ...d, port: wanted.devices.find((w) => w.name === d.name)?.port ?? d.port })) }, result: null }), 'demo');
    }
    // `run` without --config on this data directory then knows it holds the demo plant.
    writeSourceRecord(resolve(args.dataDir), { hash: plantHash(running.services.config.current().plant), file: demoConfigFile(), by: 'demo' });
    return {
      plant,
      running,
      stop: async () => {
        await running.stop();
        await plant.close();
      },
    };
  } catch (err) {
    await plant.close();
    throw err;
  }
}

/** The demo: simulated PLCs on loopback, then the collector on config/demo.yaml. */
export async function demoCommand(args: DemoArgs, io: CliIo): Promise<number> {
  const signals = catchStopSignals();
  try {
    for (const warning of tightenDataDir(args.dataDir)) io.err(`jsscada: warning: ${warning}`);
    const logger = createLogger({ dir: args.dataDir, level: args.logLevel, pretty: process.stdout.isTTY });
    const demo = await startDemo(args, logger, io.out);
    io.out(`JSScada demo: panel and API on http://localhost:${demo.running.port}/ , data in ${demo.running.dbPath} (Ctrl+C to stop)`);
    return await untilSignal(signals, demo.running, logger, () => demo.plant.close());
  } finally {
    signals.dispose();
  }
}
