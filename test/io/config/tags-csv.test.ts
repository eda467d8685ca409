import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/io/config/config-error.js';
import type { PlantInput } from '../../../src/io/config/schema.js';
import { applyTagsCsv, CSV_HEADER, locateCsvIssues, parseTagsCsv, tagsToCsv } from '../../../src/io/config/tags-csv.js';
import { parsePlantYaml } from '../../../src/io/config/yaml-file.js';
import { validatePlant } from '../../../src/io/config/validate.js';

const PLANT = parsePlantYaml(
  `
devices: [{ name: p, protocol: sim, port: 1 }]
groups:
  - name: g1
    device: p
    tags:
      - { name: a, address: D1, scale: 0.5, unit: "bar, abs", warn: 5, crit: 9, record: { mode: change, deadband: 0.2 } }
      - { name: s, address: D2, type: string, length: 4, description: 'say "hi"' }
  - name: g2
    device: p
    tags: [{ name: c, address: M3, type: bit }]
`,
  'test.yaml',
);

function input(): PlantInput {
  return structuredClone(PLANT) as PlantInput;
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('tags as CSV', () => {
  it('exports one row per tag with columns from the tag schema (nested fields dotted), quoting where needed', () => {
    const text = tagsToCsv(PLANT);
    expect(CSV_HEADER.slice(0, 3)).toEqual(['group', 'name', 'address']);
    expect(CSV_HEADER).toContain('record.deadband');
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    // description, renamedFrom (empty), the record.* columns, then decimals (issue 14), empty here.
    expect(lines[1]).toBe('g1,a,D1,int16,,,0.5,,"bar, abs",5,9,,,change,0.2,,,');
    expect(lines[2]).toBe('g1,s,D2,string,4,,,,,,,"say ""hi""",,,,,,');
    expect(lines).toHaveLength(4);
  });

  it('round-trips: export, parse, apply gives the same plant', () => {
    const rows = parseTagsCsv(tagsToCsv(PLANT));
    const { plant } = applyTagsCsv(input(), rows, 'replace');
    expect(validatePlant(plant, 'csv')).toEqual(PLANT);
  });

  it('accepts a subset of columns in any order, a BOM, CRLF and blank lines', () => {
    const rows = parseTagsCsv('\uFEFFaddress,name,group,scale\r\n\r\nD7,x,g2,2\r\n');
    expect(rows).toEqual([{ line: 3, group: 'g2', tag: { address: 'D7', name: 'x', scale: 2 }, columnOf: new Map([['address', 1], ['name', 2], ['group', 3], ['scale', 4]]) }]);
  });

  it('names line and column of cell errors, all of them at once', () => {
    const err = configError(() => parseTagsCsv('group,name,address,scale,record.heartbeatS\ng1,a,D1,abc,\n,b,D2,,x\n'));
    expect(err.source).toBe('tags.csv');
    expect(err.issues).toEqual([
      { path: 'scale', message: '"abc" is not a number', line: 2, column: 4 },
      { path: 'record.heartbeatS', message: '"x" is not a number', line: 3, column: 5 },
      { path: 'group', message: 'the group is empty', line: 3, column: 1 },
    ]);
    expect(err.message).toContain('tags.csv:2:4: scale: "abc" is not a number');
  });

  it('checks the header: unknown, duplicate and missing columns', () => {
    const err = configError(() => parseTagsCsv('group,name,name,colour\n'));
    expect(err.issues.map((i) => [i.column, i.message])).toEqual([
      [3, 'column "name" appears twice'],
      [4, expect.stringContaining('unknown column "colour"')],
      [undefined, 'missing column "address"'],
    ]);
    expect(configError(() => parseTagsCsv('')).issues[0]!.message).toContain('empty file');
  });

  it('reports broken CSV (an unclosed quote, too many cells) with its line', () => {
    expect(configError(() => parseTagsCsv('group,name,address\ng1,"a,D1\n')).issues[0]).toMatchObject({ line: 2, message: expect.stringContaining('Quote Not Closed') });
    expect(configError(() => parseTagsCsv('group,name,address\ng1,a,D1,extra\n')).issues[0]).toMatchObject({ line: 2, column: 4, message: '4 cells, but the header has 3 columns' });
  });

  it('replace: a named group gets exactly the rows; merge: rows update by name or append', () => {
    const rows = parseTagsCsv('group,name,address\ng2,c,M4\ng2,d,M5\n');
    const replaced = applyTagsCsv(input(), rows, 'replace');
    expect(replaced.result.groups).toEqual(['g2']);
    expect(replaced.plant.groups![1]!.tags).toEqual([{ name: 'c', address: 'M4' }, { name: 'd', address: 'M5' }]);
    expect(replaced.plant.groups![0]!.tags).toHaveLength(2);
    const merged = applyTagsCsv(input(), parseTagsCsv('group,name,address,warn\ng1,a,D10,1\ng1,z,D11,\n'), 'merge');
    expect(merged.plant.groups![0]!.tags.map((t) => [t.name, t.address])).toEqual([['a', 'D10'], ['s', 'D2'], ['z', 'D11']]);
  });

  it('refuses unknown groups and a tag twice in the file, naming the lines', () => {
    const err = configError(() => applyTagsCsv(input(), parseTagsCsv('group,name,address\ng9,x,D1\ng1,y,D1\ng2,y,D2\n'), 'replace'));
    expect(err.issues).toEqual([
      { path: 'group', message: 'unknown group "g9" (groups: g1, g2); create it first', line: 2, column: 1 },
      { path: 'name', message: 'tag "y" also appears on line 3', line: 4, column: 2 },
    ]);
  });

  it('traces whole-plant validation errors back to the CSV line and column', () => {
    const shape = applyTagsCsv(input(), parseTagsCsv('group,name,address,type,warn,crit\ng1,a,D1,int16,9,5\ng1,b,D2,string,,\n'), 'replace');
    expect(locateCsvIssues(configError(() => validatePlant(shape.plant, 'api')), shape.result.locate).issues).toEqual([
      { path: 'warn', message: 'warn (9) is above crit (5)', line: 2, column: 5 },
      { path: 'length', message: 'a string tag needs length (words)', line: 3, column: undefined },
    ]);
    // Cross-field rules (the device's protocol reads the address) too.
    const address = applyTagsCsv(input(), parseTagsCsv('group,name,address\ng1,a,D1\ng1,b,%%\n'), 'replace');
    expect(locateCsvIssues(configError(() => validatePlant(address.plant, 'api')), address.result.locate).issues).toEqual([
      { path: 'address', message: expect.stringContaining('bad address "%%"'), line: 3, column: 3 },
    ]);
  });
});
