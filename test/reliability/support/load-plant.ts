import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { plantToYaml } from '../../../src/io/config/yaml-file.js';
import { startMcSimulator } from '../../../src/io/mc/simulator/index.js';
import { startModbusSimulator } from '../../../src/io/modbus/simulator/index.js';
import { query, tagIds as tagIdsOf } from './harness.js';
import { closeLater, expectedValue, fillMc, fillModbus, plantOf, wordTags } from './plants.js';

/**
 * The plant the process tests (SIGTERM, kill -9) run at a high rate: three simulators in the
 * test process (MC 3E binary, MC 4E ASCII, Modbus TCP) and four FIXED groups at 100 ms,
 * 6,000 values/s, every value a known function of its address (static memory), so a stored
 * value is either exactly right or corrupt.
 */
export interface LoadGroup {
  readonly name: string;
  readonly intervalMs: number;
  readonly tags: readonly { name: string; address: string }[];
}

export interface LoadPlant {
  readonly yamlPath: string;
  readonly groups: readonly LoadGroup[];
  readonly flushIntervalMs: number;
  readonly bufferCapacity: number;
  readonly rowsPerSecond: number;
}

export async function startLoadPlant(dir: string, options: { bufferCapacity: number; flushIntervalMs?: number }): Promise<LoadPlant> {
  const mcBin = closeLater(await startMcSimulator(), 'MC 3E binary');
  const mcAscii = closeLater(await startMcSimulator({ encoding: 'ascii' }), 'MC 4E ASCII');
  const mb = closeLater(await startModbusSimulator(), 'Modbus');
  const a = wordTags('a', 200, 0);
  const b = wordTags('b', 200, 2000);
  const c = wordTags('c', 100, 0);
  const d = wordTags('d', 100, 0, 'HR');
  fillMc(mcBin, [...a, ...b]);
  fillMc(mcAscii, c);
  fillModbus(mb, d);
  const flushIntervalMs = options.flushIntervalMs ?? 500;
  const plant = plantOf({
    devices: [
      { name: 'press', protocol: 'mc3e', port: mcBin.port, timeoutMs: 1000 },
      { name: 'oven', protocol: 'mc4e', encoding: 'ascii', port: mcAscii.port, timeoutMs: 1000 },
      { name: 'pumps', protocol: 'modbus', port: mb.port, timeoutMs: 1000 },
    ],
    groups: [
      { name: 'a', device: 'press', intervalMs: 100, tags: a },
      { name: 'b', device: 'press', intervalMs: 100, tags: b },
      { name: 'c', device: 'oven', intervalMs: 100, tags: c },
      { name: 'd', device: 'pumps', intervalMs: 100, tags: d },
    ],
    collector: { bufferCapacity: options.bufferCapacity, flushIntervalMs },
  });
  const yamlPath = join(dir, 'plant.yaml');
  writeFileSync(yamlPath, plantToYaml(plant));
  return {
    yamlPath,
    groups: plant.groups.map((g) => ({ name: g.name, intervalMs: g.intervalMs, tags: g.tags.map((t) => ({ name: t.name, address: t.address })) })),
    flushIntervalMs,
    bufferCapacity: options.bufferCapacity,
    rowsPerSecond: plant.groups.reduce((n, g) => n + (g.tags.length * 1000) / g.intervalMs, 0),
  };
}

/** What tag_data holds for one group, up to a time. */
export interface GroupCheck {
  readonly group: string;
  readonly rows: number;
  readonly polls: number;
  /** Polls with fewer rows than the group has tags, other than the group's last poll. */
  readonly partialPolls: number;
  /** The last poll is partial (split across two sink batches when the process died). */
  readonly lastPollPartial: boolean;
  /** Slots with no poll between the first and the last stored poll. */
  readonly missingSlots: number;
  readonly maxGapMs: number;
  readonly firstTs: number;
  /** The earliest of the tags' last stored ts: every tag is stored up to here. */
  readonly allTagsUpTo: number;
  readonly lastTs: number;
  /** Rows whose value or quality is not what the simulator held. */
  readonly corrupt: number;
}

export function checkGroups(dbPath: string, groups: readonly LoadGroup[], range: { from?: number; upTo?: number } = {}): GroupCheck[] {
  const ids = new Map(query<{ name: string; id: number }>(dbPath, 'SELECT name, id FROM tags').map((r) => [r.name, r.id]));
  const rows = query<{ tagId: number; ts: number; value: number | null; quality: number }>(
    dbPath,
    'SELECT tag_id AS tagId, ts, value, quality FROM tag_data WHERE ts >= ? AND ts <= ? ORDER BY ts',
    range.from ?? 0,
    range.upTo ?? Number.MAX_SAFE_INTEGER,
  );
  return groups.map((g) => {
    const expected = new Map(g.tags.map((t) => [ids.get(t.name)!, expectedValue(t.address)]));
    const perPoll = new Map<number, number>();
    const lastOfTag = new Map<number, number>();
    let corrupt = 0;
    let count = 0;
    for (const r of rows) {
      if (!expected.has(r.tagId)) continue;
      count++;
      perPoll.set(r.ts, (perPoll.get(r.ts) ?? 0) + 1);
      lastOfTag.set(r.tagId, r.ts);
      if (r.quality !== 0 || r.value !== expected.get(r.tagId)) corrupt++;
    }
    const ts = [...perPoll.keys()].sort((x, y) => x - y);
    let maxGapMs = 0;
    for (let k = 1; k < ts.length; k++) maxGapMs = Math.max(maxGapMs, ts[k]! - ts[k - 1]!);
    // Counted over the whole span, not gap by gap: a batch's ts is when its read started (MC) or
    // ended (Modbus), so single gaps jitter by a read's duration; the span only at its two ends.
    const missingSlots = ts.length < 2 ? 0 : Math.max(0, Math.round((ts.at(-1)! - ts[0]!) / g.intervalMs) + 1 - ts.length);
    const partial = ts.filter((t) => perPoll.get(t)! < g.tags.length);
    const last = ts.at(-1) ?? 0;
    return {
      group: g.name,
      rows: count,
      polls: ts.length,
      partialPolls: partial.filter((t) => t !== last).length,
      lastPollPartial: partial.includes(last),
      missingSlots,
      maxGapMs,
      firstTs: ts[0] ?? 0,
      allTagsUpTo: lastOfTag.size === g.tags.length ? Math.min(...lastOfTag.values()) : 0,
      lastTs: last,
      corrupt,
    };
  });
}

/** Rows in the CSV spool files of a data dir (the load plant has no text values: one record a line). A torn last record (no "\n") is left out, as replay does. */
export function spoolRows(dataDir: string): { files: string[]; rows: { tagId: number; ts: number; value: number | null; quality: number }[] } {
  const dir = join(dataDir, 'spool');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /^spool-.*\.csv$/.test(f)).sort() : [];
  // Rows name their tag; the value database's ids make them comparable with tag_data.
  let byName: Map<string, number> | null = null;
  const ids = (): Map<string, number> => (byName ??= tagIdsOf(join(dataDir, 'jsscada.db')));
  const rows = files.flatMap((f) => {
    const text = readFileSync(join(dir, f), 'utf8');
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    return complete
      .split('\n')
      .slice(1)
      .filter((l) => l.length > 0)
      .map((l) => {
        // Spool format 2: "device","tag","group",ts,value,text_value,quality (names here hold no commas).
        const [, tag, , ts, value, , quality] = l.split(',');
        return { tagId: ids().get(tag!.replaceAll('"', ''))!, ts: Number(ts), value: value === '' ? null : Number(value), quality: Number(quality) };
      });
  });
  return { files, rows };
}
