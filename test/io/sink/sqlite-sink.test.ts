import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteSink } from '../../../src/io/sink/sqlite/sqlite-sink.js';
import { openDatabase } from '../../../src/io/sink/sqlite/database.js';
import { readPlant } from '../../../src/io/config/store-sql.js';
import { parsePlantYaml } from '../../../src/io/config/yaml-file.js';
import type { RowBatch } from '../../../src/io/sink/rows.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const PLANT = parsePlantYaml(
  `
devices: [{ name: plc, protocol: sim, port: 5001 }]
groups:
  - name: g1
    device: plc
    tags:
      - { name: a, address: D1 }
      - { name: s, address: D2, type: string, length: 4 }
`,
  'test.yaml',
);

function rows(ids: number[], ts: number, values: number[], texts: (string | null)[] | null = null): RowBatch {
  return { length: ids.length, tagIds: Int32Array.from(ids), ts: new Float64Array(ids.length).fill(ts), values: Float64Array.from(values), quality: new Uint8Array(ids.length), texts };
}

describe('SqliteSink (writer thread)', () => {
  it('writes batches that read back through the tag_values view, once per natural key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsscada-'));
    dirs.push(dir);
    const path = join(dir, 'jsscada.db');
    const sink = new SqliteSink(path);
    await sink.open();
    await sink.writePlant(PLANT);
    const db = openDatabase(path, { readonly: true });
    const values = await sink.valueStore(path);
    const { collectorId } = await values.claim({ name: 'line1', instanceId: 'i-1', host: 'pc', version: 'test', leaseS: 30 });
    const [a, s] = (await values.register(
      collectorId,
      readPlant(db).plant.groups[0]!.tags.map((t) => ({ device: 'plc', name: t.name, group: 'g1', unit: null, dataType: t.type, renamedFrom: null })),
    )) as [number, number];
    const batch = rows([a, s, a], 1000, [1.5, Number.NaN, 2.5], [null, 'HELLO', null]);
    batch.ts[2] = 2000;
    expect((await sink.write(batch)).inserted).toBe(3);
    // The same batch again (a retry or a replay) adds nothing.
    expect((await sink.write(batch)).inserted).toBe(0);
    // 200 rows exercise the multi-row statement and the remainder path.
    const many = rows(Array(200).fill(a), 0, Array.from({ length: 200 }, (_, i) => i));
    many.ts.forEach((_, i) => (many.ts[i] = 10_000 + i));
    expect((await sink.write(many)).inserted).toBe(200);
    const got = db.prepare('SELECT ts, collector, device, group_name, tag, value, text_value, quality FROM tag_values WHERE ts < 10000 ORDER BY ts, tag').all();
    expect(got).toEqual([
      { ts: 1000, collector: 'line1', device: 'plc', group_name: 'g1', tag: 'a', value: 1.5, text_value: null, quality: 0 },
      { ts: 1000, collector: 'line1', device: 'plc', group_name: 'g1', tag: 's', value: null, text_value: 'HELLO', quality: 0 },
      { ts: 2000, collector: 'line1', device: 'plc', group_name: 'g1', tag: 'a', value: 2.5, text_value: null, quality: 0 },
    ]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM tag_data').get()).toEqual({ n: 203 });
    db.close();
    await sink.close();
  });

  it('deletes rows older than the retention in small batches', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsscada-'));
    dirs.push(dir);
    const path = join(dir, 'jsscada.db');
    const sink = new SqliteSink(path);
    await sink.writePlant(PLANT);
    const day = 86_400_000;
    const now = 100 * day;
    const old = rows(Array(12_000).fill(1), 0, new Array(12_000).fill(1));
    old.ts.forEach((_, i) => (old.ts[i] = now - 10 * day + i));
    await sink.write(old);
    await sink.write(rows([1], now - day, [2]));
    expect(await sink.applyRetention(7, now)).toBe(12_000);
    const db = openDatabase(path, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM tag_data').get()).toEqual({ n: 1 });
    db.close();
    await sink.close();
  });
});
