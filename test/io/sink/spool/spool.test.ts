import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { open } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from 'xstate';
import { Spool } from '../../../../src/io/sink/spool/spool.js';
import { readSpoolFile, type SpoolReadStats } from '../../../../src/io/sink/spool/spool-reader.js';
import type { RowBatch } from '../../../../src/io/sink/rows.js';
import { silentLogger } from '../../../../src/log.js';
import { captureLogger } from './log-capture.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'jsscada-spool-'));
  dirs.push(d);
  return d;
}

const HOUR = 3_600_000;
const T = Date.UTC(2024, 4, 1, 13, 20);

function clockAt(ms: number): SimulatedClock {
  const c = new SimulatedClock();
  c.set(ms);
  return c;
}

function batch(n: number, first = 0, text?: (i: number) => string | null): RowBatch {
  return {
    length: n,
    tagIds: Int32Array.from({ length: n }, (_, i) => first + i),
    ts: Float64Array.from({ length: n }, (_, i) => T + first + i),
    values: Float64Array.from({ length: n }, (_, i) => (first + i) * 1.1),
    quality: new Uint8Array(n),
    texts: text ? Array.from({ length: n }, (_, i) => text(first + i)) : null,
  };
}

async function readAll(path: string, maxRows = 1000, stats?: SpoolReadStats, logger = silentLogger()): Promise<RowBatch[]> {
  const out: RowBatch[] = [];
  for await (const b of readSpoolFile(path, { maxRows, logger, ...(stats ? { stats } : {}) })) out.push(b);
  return out;
}

/** Rows as plain tuples; values compared with Object.is semantics by toEqual on [-0] etc. */
function tuples(batches: RowBatch[]): unknown[][] {
  return batches.flatMap((b) => Array.from({ length: b.length }, (_, i) => [b.tagIds[i], b.ts[i], b.values[i], b.texts ? b.texts[i] : null, b.quality[i]]));
}

describe('CSV spool', () => {
  it('round-trips every value exactly: doubles, NaN as NULL, empty text apart from NULL, commas, quotes, newlines', async () => {
    const row = fc.record({
      tagId: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      ts: fc.double({ noNaN: true, noDefaultInfinity: true }),
      value: fc.double(),
      text: fc.oneof(fc.constant(null), fc.constantFrom('', ',', '"', '""', '\n', '\r\n', 'a,"b"\nc', ' lead', 'tab\t'), fc.string({ unit: 'binary' })),
      quality: fc.integer({ min: 0, max: 255 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 40 }), async (rows) => {
        const dir = tempDir();
        const spool = new Spool(dir, { clock: clockAt(T), logger: silentLogger() });
        const b: RowBatch = {
          length: rows.length,
          tagIds: Int32Array.from(rows, (r) => r.tagId),
          ts: Float64Array.from(rows, (r) => r.ts),
          values: Float64Array.from(rows, (r) => r.value),
          quality: Uint8Array.from(rows, (r) => r.quality),
          texts: rows.map((r) => r.text),
        };
        await spool.append(b);
        await spool.close();
        const [file] = spool.sealedFiles();
        const back = await readAll(file!.path, 7);
        const got = tuples(back);
        expect(got).toHaveLength(rows.length);
        rows.forEach((r, i) => {
          const [tagId, ts, value, text, quality] = got[i]!;
          expect(tagId).toBe(r.tagId);
          expect(Object.is(ts, r.ts)).toBe(true);
          expect(Object.is(value, r.value) || (Number.isNaN(value as number) && Number.isNaN(r.value))).toBe(true);
          // A batch without any text comes back with texts = null: same as every row null.
          expect(text ?? null).toBe(r.text);
          expect(quality).toBe(r.quality);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('writes one file per hour with a header, named in time order, and finds them again after a restart', async () => {
    const dir = tempDir();
    const clock = clockAt(T);
    const spool = new Spool(dir, { clock, logger: silentLogger() });
    await spool.append(batch(3));
    await spool.append(batch(2, 3));
    clock.increment(HOUR);
    await spool.append(batch(4, 5));
    await spool.seal();
    await spool.append(batch(1, 9)); // sealed for a replay: a new segment of the same hour
    await spool.close();
    const names = readdirSync(dir).sort();
    expect(names).toEqual(['spool-20240501T13-0000.csv', 'spool-20240501T14-0000.csv', 'spool-20240501T14-0001.csv']);
    expect(readFileSync(join(dir, names[0]!), 'utf8')).toBe('tag_id,ts,value,text_value,quality\n' + [0, 1, 2, 3, 4].map((i) => `${i},${T + i},${String(i * 1.1)},,0\n`).join(''));
    const again = new Spool(dir, { clock, logger: silentLogger() });
    await again.open();
    expect(again.sealedFiles().map((f) => f.name)).toEqual(names);
    expect(again.pending()).toEqual({ files: 3, bytes: names.reduce((s, n) => s + readFileSync(join(dir, n)).length, 0), rows: 10 });
    await again.append(batch(1, 10)); // never appends to a file of an earlier run
    expect(readdirSync(dir).sort().at(-1)).toBe('spool-20240501T14-0002.csv');
    await again.close();
  });

  it('yields bounded batches in file order', async () => {
    const dir = tempDir();
    const spool = new Spool(dir, { clock: clockAt(T), logger: silentLogger() });
    for (let k = 0; k < 5; k++) await spool.append(batch(2469, k * 2469));
    await spool.close();
    const back = await readAll(spool.sealedFiles()[0]!.path, 1000);
    expect(back.map((b) => b.length)).toEqual([...Array(12).fill(1000), 345]);
    expect(Array.from(back.flatMap((b) => Array.from(b.tagIds)))).toEqual(Array.from({ length: 12_345 }, (_, i) => i));
  });

  it('skips a torn last record (a crash mid-append) with a warning and keeps every row before it', async () => {
    const dir = tempDir();
    const spool = new Spool(dir, { clock: clockAt(T), logger: silentLogger() });
    await spool.append(batch(50, 0, (i) => (i % 2 ? `line\n${i}` : null)));
    await spool.close();
    const path = spool.sealedFiles()[0]!.path;
    const whole = readFileSync(path, 'utf8');
    // Torn in a number, and torn right after a newline inside a quoted text.
    for (const tail of ['50,1714569', '51,1714569600051,,"line\n']) {
      writeFileSync(path, whole);
      appendFileSync(path, tail);
      const { logger, records } = captureLogger();
      const stats: SpoolReadStats = { rows: 0, tornBytes: 0, corrupt: 0 };
      const back = await readAll(path, 1000, stats, logger);
      expect(tuples(back).map((r) => r[0])).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(stats.tornBytes).toBeGreaterThan(0);
      expect(stats.corrupt).toBe(0);
      expect(records.some((r) => r.level === 40 && r.msg.includes('torn last record'))).toBe(true);
    }
  });

  it('cuts a failed append off (disk full at fsync) and never appends to that file again', async () => {
    const dir = tempDir();
    const probe = await open(join(dir, 'probe'), 'w');
    const fileHandleProto = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
    await probe.close();
    rmSync(join(dir, 'probe'));
    const spool = new Spool(dir, { clock: clockAt(T), logger: silentLogger() });
    await spool.append(batch(10));
    const spy = vi.spyOn(fileHandleProto, 'datasync').mockRejectedValueOnce(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
    await expect(spool.append(batch(10, 10))).rejects.toMatchObject({ code: 'SPOOL_WRITE_FAILED' });
    spy.mockRestore();
    await spool.append(batch(10, 20));
    await spool.close();
    const files = spool.sealedFiles();
    expect(files.map((f) => f.name)).toEqual(['spool-20240501T13-0000.csv', 'spool-20240501T13-0001.csv']);
    const ids = [];
    for (const f of files) ids.push(...tuples(await readAll(f.path)).map((r) => r[0]));
    expect(ids).toEqual([...Array.from({ length: 10 }, (_, i) => i), ...Array.from({ length: 10 }, (_, i) => 20 + i)]);
  });

  it('refuses a file that does not start with the spool header', async () => {
    const dir = tempDir();
    const path = join(dir, 'spool-20240501T13-0000.csv');
    writeFileSync(path, 'a,b\n1,2\n');
    await expect(readAll(path)).rejects.toMatchObject({ code: 'SPOOL_BAD_HEADER' });
  });

  it('fails loudly when it cannot write (the batch is then not spooled)', async () => {
    const dir = tempDir();
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, 'x');
    const spool = new Spool(join(blocker, 'spool'), { clock: clockAt(T), logger: silentLogger() });
    await expect(spool.append(batch(1))).rejects.toMatchObject({ code: 'SPOOL_IO' });
  });
});
