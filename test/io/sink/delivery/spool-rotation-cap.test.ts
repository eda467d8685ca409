import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from 'xstate';
import { Delivery } from '../../../../src/io/sink/delivery/delivery.js';
import type { RowBatch, Sink, WriteResult } from '../../../../src/io/sink/rows.js';
import { Spool } from '../../../../src/io/sink/spool/spool.js';
import { SpoolError } from '../../../../src/io/sink/spool/spool-error.js';
import { silentLogger } from '../../../../src/log.js';
import { captureLogger } from '../spool/log-capture.js';
import { batchOf, MemorySink, unavailable } from './memory-sink.js';

/**
 * Issue 12, finding 4: "the README says one spool file per hour and a new file appeared every
 * ~5 s. The spool has no size limit." The cause: every replay attempt (each probe interval,
 * 5 s) sealed the open file before finding out that the sink was still down, so the next
 * append started a new file. SQLite has no probe(), so nothing stopped it there.
 */

const dirs: string[] = [];
const open: Delivery[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'jsscada-rotation-'));
  dirs.push(d);
  return d;
}

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 4, 1, 13, 0, 0);

/** A sink like SqliteSink: no probe(); `down` makes every write fail. */
class ProbelessSink implements Sink {
  readonly kind = 'probeless';
  readonly inner = new MemorySink();
  down = true;
  attempts = 0;
  async write(batch: RowBatch): Promise<WriteResult> {
    this.attempts++;
    if (this.down) throw unavailable();
    return this.inner.write(batch);
  }
  async close(): Promise<void> {}
}

/** Real file I/O between simulated-clock steps. */
const io = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

const spoolFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.startsWith('spool-')).sort();

describe('spool file rotation (issue 12, finding 4)', () => {
  it('keeps ONE file per hour through a long outage of a sink without probe(), then replays it', async () => {
    const dir = tempDir();
    const clock = new SimulatedClock();
    clock.set(T0 + 60_000);
    const sink = new ProbelessSink();
    const delivery = new Delivery(sink, new Spool(dir, { clock, logger: silentLogger() }), { clock, logger: silentLogger() }, { attempts: 1, probeIntervalMs: 5_000 });
    open.push(delivery);
    await delivery.start();

    // Two minutes of outage, one batch a second, every probe interval passing on the way.
    let rows = 0;
    for (let s = 0; s < 120; s++) {
      expect(await delivery.write(batchOf(10, rows))).toMatchObject({ spooled: 10 });
      rows += 10;
      clock.increment(1_000);
      await io();
    }
    expect(delivery.metrics().health).toBe('down');
    expect(spoolFiles(dir)).toHaveLength(1);
    // The live batch that tries the sink while the circuit is open: once per probe interval, not per batch.
    expect(sink.attempts).toBeLessThanOrEqual(1 + 120 / 5 + 1);
    expect(sink.attempts).toBeGreaterThanOrEqual(120 / 5 - 1);

    // The next hour starts the next file.
    clock.set(T0 + HOUR + 1_000);
    await delivery.write(batchOf(10, rows));
    rows += 10;
    expect(spoolFiles(dir)).toHaveLength(2);

    // Back: the next live try commits, then both files are replayed and deleted.
    sink.down = false;
    clock.increment(5_000);
    await delivery.write(batchOf(10, rows));
    rows += 10;
    await vi.waitFor(async () => {
      await io();
      expect(spoolFiles(dir)).toEqual([]);
    });
    await vi.waitFor(() => expect(delivery.metrics().health).toBe('ok'));
    const m = delivery.metrics();
    expect(m.rowsWritten + m.spooledRows).toBe(rows);
    expect(m.replayedRows).toBe(m.spooledRows);
    expect(m.spoolRows).toBe(0);
  });
});

describe('spool size cap (issue 12, finding 4)', () => {
  const rowsOf = (spool: Spool): number => spool.pending().rows;

  it('drops the oldest files first to stay under maxBytes, counts their rows, and logs each drop as an error', async () => {
    const dir = tempDir();
    const clock = new SimulatedClock();
    clock.set(T0);
    const { logger, records } = captureLogger();
    const spool = new Spool(dir, { clock, logger }, { maxBytes: 64 * 1024, segmentBytes: 8 * 1024 });
    let appended = 0;
    for (let i = 0; i < 200; i++) {
      await spool.append(batchOf(20, appended));
      appended += 20;
      expect(spool.pending().bytes).toBeLessThanOrEqual(64 * 1024);
    }
    const names = spoolFiles(dir);
    expect(spool.droppedFiles).toBeGreaterThan(0);
    // Exact: every row appended is in a file or counted as dropped.
    expect(rowsOf(spool) + spool.droppedRows).toBe(appended);
    // The files kept are the newest: segment numbers carry on from the dropped ones.
    expect(names[0]).toBe(`spool-20240501T13-${String(spool.droppedFiles).padStart(4, '0')}.csv`);
    const drops = records.filter((r) => r.level === 50 && r.msg.startsWith('spool full'));
    expect(drops).toHaveLength(spool.droppedFiles);
    expect(drops.reduce((n, r) => n + (r.rows as number), 0)).toBe(spool.droppedRows);
    await spool.close();

    // A restart counts the rows in the files it finds (text with quotes and newlines included).
    const again = new Spool(dir, { clock, logger: silentLogger() }, { maxBytes: 64 * 1024 });
    await again.open();
    expect(again.pending().rows).toBe(rowsOf(spool));
  });

  it('counts rows of files from an earlier run exactly, text with commas, quotes and newlines included', async () => {
    const dir = tempDir();
    const clock = new SimulatedClock();
    clock.set(T0);
    const spool = new Spool(dir, { clock, logger: silentLogger() });
    const texts = ['a,b', 'say "hi"', 'two\nlines', '', '"\n"', null];
    const batch: RowBatch = { ...batchOf(6), texts };
    await spool.append(batch);
    await spool.append(batchOf(7, 6));
    await spool.close();
    const again = new Spool(dir, { clock, logger: silentLogger() });
    await again.open();
    expect(again.pending()).toMatchObject({ files: 1, rows: 13 });
  });

  it('never drops a file the replay is reading: the append is refused (SPOOL_FULL) and the caller keeps the batch', async () => {
    const dir = tempDir();
    const clock = new SimulatedClock();
    clock.set(T0);
    const spool = new Spool(dir, { clock, logger: silentLogger() }, { maxBytes: 64 * 1024, segmentBytes: 40 * 1024 });
    let appended = 0;
    while (spool.sealedFiles().length === 0) {
      await spool.append(batchOf(50, appended));
      appended += 50;
    }
    const reading = spool.sealedFiles()[0]!;
    spool.markReading(reading, true);
    const err = await (async () => {
      for (let i = 0; i < 100; i++) await spool.append(batchOf(50, (appended += 50)));
      return null;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpoolError);
    expect((err as SpoolError).code).toBe('SPOOL_FULL');
    expect(spoolFiles(dir)).toContain(reading.name);
    expect(spool.droppedRows).toBe(0);
    spool.markReading(reading, false);
    await spool.close();
  });

  it('through Delivery: rows committed + rows the cap dropped = rows written, after the outage', async () => {
    const dir = tempDir();
    const clock = new SimulatedClock();
    clock.set(T0);
    const sink = new MemorySink();
    sink.fail = () => unavailable();
    sink.probeFails = true;
    const delivery = new Delivery(sink, new Spool(dir, { clock, logger: silentLogger() }, { maxBytes: 64 * 1024, segmentBytes: 8 * 1024 }), { clock, logger: silentLogger() }, { attempts: 1, probeIntervalMs: 5_000 });
    open.push(delivery);
    await delivery.start();
    let rows = 0;
    for (let i = 0; i < 300; i++) {
      await delivery.write(batchOf(20, rows));
      rows += 20;
    }
    const during = delivery.metrics();
    expect(during.spoolDroppedRows).toBeGreaterThan(0);
    expect(during.spoolPending.bytes).toBeLessThanOrEqual(64 * 1024);
    sink.fail = () => null;
    sink.probeFails = false;
    expect(await delivery.replayNow()).toBe(true);
    const m = delivery.metrics();
    expect(sink.rows.size + m.spoolDroppedRows).toBe(rows);
    expect(m.spooledRows).toBe(m.replayedRows + m.spoolDroppedRows);
  });
});
