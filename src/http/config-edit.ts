import type { ConfigService } from '../actors/config-service.js';
import { ConfigError, formatPath } from '../io/config/config-error.js';
import { EditRefusedError, type Edit, type EntityPath } from '../io/config/edits.js';
import type { PlantInput } from '../io/config/schema.js';
import { BodyConfigError } from './errors.js';

/**
 * Run a pure edit through ConfigService.change (validate the whole plant, persist, apply hot).
 * A validation error is tied to the edited entity, so its issues come back as body fields.
 */
export async function applyEdit<T>(config: ConfigService, edit: (plant: PlantInput) => Edit<T>): Promise<T> {
  let at: EntityPath | undefined;
  try {
    const { result } = await config.change((plant) => {
      const done = edit(plant);
      at = done.at;
      return done;
    });
    return result;
  } catch (err) {
    const base = err instanceof EditRefusedError ? err.at : at;
    if (err instanceof ConfigError && base !== undefined) throw new BodyConfigError(err, formatPath(base as PropertyKey[]));
    throw err;
  }
}
