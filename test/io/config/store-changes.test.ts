import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPlant, writePlant, writePlantChanges } from '../../../src/io/config/store-sql.js';
import { parsePlantYaml } from '../../../src/io/config/yaml-file.js';
import { applySchema, openDatabase } from '../../../src/io/sink/sqlite/database.js';

const dir = mkdtempSync(join(tmpdir(), 'jsscada-store-changes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BASE = `
devices: [{ name: p, protocol: sim, port: 1 }]
groups:
  - { name: a, device: p, tags: [{ name: a1, address: D1 }, { name: a2, address: D2 }] }
  - { name: b, device: p, tags: [{ name: b1, address: D3 }, { name: b2, address: D4 }, { name: b3, address: D5 }] }
  - { name: c, device: p, tags: [{ name: c1, address: D6 }] }
`;

describe('writePlantChanges, the edits of a running collector', () => {
  it('ends in the same store as writePlant: moved, changed, added and removed tags, a removed group, an untouched group', () => {
    const db = openDatabase(join(dir, 'jsscada.db'));
    applySchema(db);
    writePlant(db, parsePlantYaml(BASE, 'base.yaml'));
    const idsBefore = readPlant(db).tagIds;
    // b2 moves to a, b1 changes its address, b3 is dropped, a3 is new, group c is removed; group "untouched" is new.
    const next = parsePlantYaml(
      `
devices: [{ name: p, protocol: sim, port: 1 }]
groups:
  - { name: a, device: p, tags: [{ name: b2, address: D4 }, { name: a1, address: D1 }, { name: a2, address: D2 }, { name: a3, address: D9 }] }
  - { name: b, device: p, tags: [{ name: b1, address: D30 }] }
`,
      'next.yaml',
    );
    const changes = writePlantChanges(db, next, new Set());
    expect(changes.summary.tags).toEqual({ added: 1, updated: 4, retired: 2 });
    expect(changes.added.names).toEqual(['a3']);
    expect(changes.retired.sort()).toEqual(['b3', 'c1']);
    const after = readPlant(db);
    expect(after.plant).toEqual(next);
    // Ids follow names: the moved and changed tags keep theirs (and their history).
    expect(after.tagIds.get('b2')).toBe(idsBefore.get('b2'));
    expect(after.tagIds.get('b1')).toBe(idsBefore.get('b1'));

    // A one-field change in b with a named as unchanged: a's rows are not even read.
    const patched = { ...next, groups: [next.groups[0]!, { ...next.groups[1]!, tags: [{ ...next.groups[1]!.tags[0]!, warn: 5 }] }] };
    const small = writePlantChanges(db, patched, new Set(['a']));
    expect(small.summary.tags).toEqual({ added: 0, updated: 1, retired: 0 });
    expect(readPlant(db).plant).toEqual(patched);
    db.close();
  });
});
