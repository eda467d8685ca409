import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { demoConfigFile } from '../../../src/cli/demo.js';
import { canonicalJson, diffPlants, formatDiff, plantHash } from '../../../src/io/config/plant-diff.js';
import { readPlant, writePlant } from '../../../src/io/config/store-sql.js';
import { loadPlantFile, parsePlantYaml } from '../../../src/io/config/yaml-file.js';
import { applySchema } from '../../../src/io/sink/sqlite/database.js';

const v1 = `devices: [{ name: p, protocol: sim, port: 1 }, { name: q, protocol: sim, port: 2 }]
groups:
  - { name: g1, device: p, intervalMs: 200, tags: [{ name: a, address: D1 }, { name: b, address: D2 }] }
  - { name: g2, device: q, tags: [{ name: c, address: D3 }] }
`;

describe('plant diff', () => {
  it('an unchanged plant is all "=", not "~" (issue 14: import of an unchanged file said ~2 ~2 ~4)', () => {
    const plant = parsePlantYaml(v1, 'v1.yaml');
    expect(formatDiff(diffPlants(plant, parsePlantYaml(v1, 'again.yaml')))).toBe('devices +0 ~0 -0 =2, groups +0 ~0 -0 =2, tags +0 ~0 -0 =3');
  });

  it('counts added, changed, retired and unchanged by name, tags apart from their group', () => {
    const before = parsePlantYaml(v1, 'v1.yaml');
    const after = parsePlantYaml(
      `devices: [{ name: p, protocol: sim, port: 1 }, { name: q, protocol: sim, port: 3 }]
groups:
  - { name: g1, device: p, intervalMs: 500, tags: [{ name: a, address: D1 }, { name: b2, address: D2 }] }
  - { name: g2, device: q, tags: [{ name: c, address: D3, unit: C }] }
  - { name: g3, device: q, tags: [{ name: d, address: D4 }] }
sink: { kind: sqlite, retentionDays: 30 }
`,
      'v2.yaml',
    );
    expect(formatDiff(diffPlants(before, after))).toBe('devices +0 ~1 -0 =1, groups +1 ~1 -0 =1, tags +2 ~1 -1 =1, settings ~sink');
    expect(formatDiff(diffPlants(undefined, before))).toBe('devices +2 ~0 -0 =0, groups +2 ~0 -0 =0, tags +3 ~0 -0 =0');
  });

  it('the plant read back from the store has the fingerprint of the file imported', () => {
    // run --config relies on this: equal hashes mean "the store holds exactly the file".
    const plant = loadPlantFile(demoConfigFile());
    const db = new Database(':memory:');
    applySchema(db);
    writePlant(db, plant);
    expect(plantHash(readPlant(db).plant)).toBe(plantHash(plant));
    expect(formatDiff(diffPlants(readPlant(db).plant, plant))).toMatch(/^devices \+0 ~0 -0 =3, groups \+0 ~0 -0 =\d+, tags \+0 ~0 -0 =\d+$/);
  });

  it('canonical JSON does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 2 } })).toBe(canonicalJson({ a: { c: 2, d: [1, { y: 2, z: 1 }] }, b: 1 }));
  });
});
