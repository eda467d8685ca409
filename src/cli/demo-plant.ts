import type { Logger } from 'pino';
import { loadPlantFile } from '../io/config/yaml-file.js';

export interface DemoPlant {
  close(): Promise<void>;
}

/**
 * Start a simulator for every network device of the demo file, on the host and port it names.
 * (`sim` devices need none: that driver runs in-process.)
 */
export async function startDemoPlant(file: string, logger: Logger): Promise<DemoPlant> {
  const plant = loadPlantFile(file);
  const closers: (() => Promise<void>)[] = [];
  for (const device of plant.devices) {
    if (device.protocol === 'sim') continue;
    logger.warn({ device: device.name, protocol: device.protocol }, 'no simulator for this protocol yet');
  }
  return { close: async () => void (await Promise.all(closers.map((c) => c()))) };
}
