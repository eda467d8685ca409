import type { PlantConfig } from '../../../src/io/config/schema.js';
import type { StoredPlant } from '../../../src/io/config/store-sql.js';
import type { RowBatch, Sink, WriteResult } from '../../../src/io/sink/rows.js';

/** The sinks' contract in memory: whole batches, a row whose natural key (tag, ts) is stored is ignored. */
export class MemorySink implements Sink {
  readonly kind = 'memory';
  readonly keys = new Set<string>();
  async write(batch: RowBatch): Promise<WriteResult> {
    let inserted = 0;
    for (let i = 0; i < batch.length; i++) {
      const key = `${batch.tagIds[i]}@${batch.ts[i]}`;
      if (this.keys.has(key)) continue;
      this.keys.add(key);
      inserted++;
    }
    return { inserted, durationMs: 0 };
  }
  async close(): Promise<void> {}
}

/** A plant with tag ids as the store would give them (1, 2, 3... in config order), for a Collector built directly. */
export function storedPlant(plant: PlantConfig): StoredPlant {
  let id = 0;
  return { plant, tagIds: new Map(plant.groups.flatMap((g) => g.tags.map((t) => [t.name, ++id] as const))) };
}
