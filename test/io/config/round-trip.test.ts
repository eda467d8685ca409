import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { applySchema } from '../../../src/io/sink/sqlite/database.js';
import { readPlant, writePlant } from '../../../src/io/config/store-sql.js';
import { loadPlantFile, parsePlantYaml, plantToYaml } from '../../../src/io/config/yaml-file.js';
import { demoConfigFile } from '../../../src/cli/demo.js';

function memoryStore() {
  const db = new Database(':memory:');
  applySchema(db);
  return db;
}

describe('configuration store', () => {
  it('round-trips the demo plant: import, export as YAML, parse again, same plant', () => {
    const plant = loadPlantFile(demoConfigFile());
    const db = memoryStore();
    writePlant(db, plant);
    const stored = readPlant(db).plant;
    expect(stored).toEqual(plant);
    const again = parsePlantYaml(plantToYaml(stored), 'export.yaml');
    expect(again).toEqual(plant);
  });

  it('keeps tag ids by name across imports and retires what is gone', () => {
    const db = memoryStore();
    const v1 = parsePlantYaml(
      `devices: [{ name: p, protocol: sim, port: 1 }]\ngroups:\n  - { name: g, device: p, tags: [{ name: a, address: D1 }, { name: b, address: D2 }] }\n`,
      'v1.yaml',
    );
    writePlant(db, v1);
    const ids1 = readPlant(db).tagIds;
    const v2 = parsePlantYaml(
      `devices: [{ name: p, protocol: sim, port: 1 }]\ngroups:\n  - { name: h, device: p, intervalMs: 500, tags: [{ name: b, address: D20 }, { name: c, address: D3 }] }\n`,
      'v2.yaml',
    );
    const summary = writePlant(db, v2);
    expect(summary.tags).toEqual({ added: 1, updated: 1, retired: 1 });
    expect(summary.groups).toEqual({ added: 1, updated: 0, retired: 1 });
    const { plant, tagIds } = readPlant(db);
    expect(tagIds.get('b')).toBe(ids1.get('b'));
    expect(tagIds.has('a')).toBe(false);
    expect(plant.groups.map((g) => g.name)).toEqual(['h']);
    // A retired tag's name can be used again; it gets a new id, the old history keeps the old one.
    writePlant(db, v1);
    expect(readPlant(db).tagIds.get('a')).not.toBe(ids1.get('a'));
  });
});
