import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import type { HttpApp } from '../../src/http/app.js';
import { applyTagsCsv, parseTagsCsv, tagsToCsv } from '../../src/io/config/tags-csv.js';
import type { PlantInput } from '../../src/io/config/schema.js';
import { validatePlant } from '../../src/io/config/validate.js';
import { parsePlantYaml } from '../../src/io/config/yaml-file.js';
import { AUTH, makeApp, startPlant, type TestPlant } from '../http/helpers.js';

/**
 * Issue 12, finding 6 (CSV): exported cells were not protected against formula injection:
 * `=cmd|' /C calc'!A0` came back as is from an endpoint that needs no token. Per OWASP's CSV
 * injection advice, a cell starting with =, +, -, @, tab or CR is prefixed with a single quote;
 * the import takes the quote off again. Numeric cells (a negative offset) stay plain numbers.
 */

const HOSTILE = {
  calc: "=cmd|' /C calc'!A0",
  plus: '+1+cmd|calc',
  minus: '-2+3+cmd|calc',
  at: '@SUM(1+1)*cmd|calc',
  tab: '\t=1+1',
  cr: '\r=1+1',
  quoted: "'=already quoted",
  harmless: "it's fine",
};

const YAML = `
devices: [{ name: p, protocol: sim, port: 1 }]
groups:
  - name: g
    device: p
    tags:
${Object.entries(HOSTILE)
  .map(([name, text], i) => `      - { name: ${name}, address: D${i + 1}, unit: ${JSON.stringify(text.slice(0, 16))}, description: ${JSON.stringify(text)}, offset: -${i + 1}.5, warn: -${i + 10} }`)
  .join('\n')}
`;

const FORMULA_START = /^[=+\-@\t\r]/;

describe('CSV formula injection', () => {
  const plant = parsePlantYaml(YAML, 'hostile.yaml');

  it('no exported text cell starts with =, +, -, @, tab or CR; numbers stay plain numbers', () => {
    const text = tagsToCsv(plant);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(Object.keys(HOSTILE).length);
    for (const row of rows) {
      for (const column of ['name', 'address', 'unit', 'description']) expect(row[column], `${row.name}.${column}`).not.toMatch(FORMULA_START);
      expect(Number(row.offset)).toBeLessThan(0);
      expect(Number(row.warn)).toBeLessThan(0);
    }
    expect(rows.find((r) => r.name === 'calc')!.description).toBe(`'${HOSTILE.calc}`);
  });

  it('importing the export gives back exactly the same tags', () => {
    const rows = parseTagsCsv(tagsToCsv(plant));
    const { plant: again } = applyTagsCsv(structuredClone(plant) as PlantInput, rows, 'replace');
    expect(validatePlant(again, 'again').groups[0]!.tags).toEqual(plant.groups[0]!.tags);
  });

  describe('over HTTP', () => {
    let running: TestPlant;
    let http: HttpApp;
    beforeAll(async () => {
      running = await startPlant(`${YAML}`);
      http = makeApp(running);
    });
    afterAll(async () => {
      http.close();
      await running.stop();
    });

    it('GET /api/config/tags.csv (no token needed) is neutralised, and POSTing it back changes nothing', async () => {
      const text = await (await http.request('/api/config/tags.csv')).text();
      expect(text).not.toContain(`,${HOSTILE.calc}`);
      expect(text).toContain(`'${HOSTILE.calc}`);
      const before = running.running.collector.stored.plant.groups[0]!.tags;
      const res = await http.request('/api/config/tags.csv', { method: 'POST', headers: { ...AUTH, 'content-type': 'text/csv' }, body: text });
      expect(res.status, await res.clone().text()).toBe(200);
      expect(running.running.collector.stored.plant.groups[0]!.tags).toEqual(before);
    });
  });
});
