import type { Logger } from 'pino';
import { ConfigError } from '../io/config/config-error.js';
import { readPlant, type ImportSummary, type StoredPlant } from '../io/config/store-sql.js';
import type { PlantInput } from '../io/config/schema.js';
import { validatePlant } from '../io/config/validate.js';
import type { Db } from '../io/sink/sqlite/database.js';
import type { Collector } from './collector.js';

export interface ConfigWriter {
  writePlant(plant: ReturnType<typeof validatePlant>): Promise<ImportSummary>;
}

/**
 * Configuration changes at run time (REST edits, imports): validate the WHOLE resulting plant
 * exactly as the YAML import does, persist it through the writer thread, re-read the store
 * (for the new tag ids) and apply it to the running collector. Changes are serialised: one
 * at a time, each built on the result of the previous one.
 */
export class ConfigService {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: { writer: ConfigWriter; reader: Db; collector: Collector; logger: Logger },
  ) {}

  current(): StoredPlant {
    return this.deps.collector.stored;
  }

  /**
   * Apply a change: `edit` gets the current plant (a deep copy to modify) and returns the new
   * one, or throws (a not-found or conflict error of the caller's own). Throws ConfigError when
   * the result is invalid; nothing is changed then.
   */
  change<T>(edit: (plant: PlantInput) => { plant: PlantInput; result: T }, source = 'api'): Promise<{ result: T; summary: ImportSummary }> {
    const run = async (): Promise<{ result: T; summary: ImportSummary }> => {
      const copy = structuredClone(this.current().plant) as PlantInput;
      const { plant, result } = edit(copy);
      const valid = validatePlant(plant, source);
      const summary = await this.deps.writer.writePlant(valid);
      const stored = readPlant(this.deps.reader);
      this.deps.collector.apply(stored);
      this.deps.logger.info({ source, summary }, 'configuration changed');
      return { result, summary };
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

export { ConfigError };
