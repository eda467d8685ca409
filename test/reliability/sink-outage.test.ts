import { readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { PlantConfig } from '../../src/io/config/schema.js';
import { startMcSimulator } from '../../src/io/mc/simulator/index.js';
import { startModbusSimulator } from '../../src/io/modbus/simulator/index.js';
import { keyOf, pick, report, sleep, storedRows, tempDir, until } from './support/harness.js';
import { closeLater, fillMc, fillModbus, memoryLogger, plantOf, startInProcess, wordTags } from './support/plants.js';
import { recordProduced } from './support/produced.js';

/**
 * Torture 1: the sink goes away under load. A real collector polls an MC and a Modbus simulator
 * into SQLite; another connection holds the database file with BEGIN EXCLUSIVE for a while.
 * The writer's busy wait (1 s) x 3 attempts sends batches to the CSV spool, the circuit opens,
 * later batches go straight to the spool; after the lock is released the probe replays it.
 * Every row the collector produced is checked in tag_data by its natural key and content.
 */
const LOCK_MS = pick(6_000, 60_000);

/** An MC plant (100 + 50 words, a float, a string with CSV specials) and a Modbus one (30 registers): ~1,450 rows/s. */
async function outagePlant(collector: { bufferCapacity?: number }): Promise<PlantConfig> {
  const mc = closeLater(await startMcSimulator());
  const mb = closeLater(await startModbusSimulator());
  const fast = [...wordTags('f', 100), { name: 'flow', address: 'D500', type: 'float32' as const }, { name: 'recipe', address: 'D600', type: 'string' as const, length: 4 }];
  const slow = wordTags('s', 50, 1000);
  const pumps = wordTags('p', 30, 0, 'HR');
  fillMc(mc, [...fast, ...slow]);
  mc.memory.setValue('D500', 'float32', 12.5);
  mc.memory.setString('D600', 'AB,"\n', 4); // a comma, a quote and a newline: the CSV spool must round-trip them
  fillModbus(mb, pumps);
  return plantOf({
    devices: [
      { name: 'mc1', protocol: 'mc3e', port: mc.port, timeoutMs: 1000 },
      { name: 'mb1', protocol: 'modbus', port: mb.port, timeoutMs: 1000 },
    ],
    groups: [
      { name: 'fast', device: 'mc1', intervalMs: 100, tags: fast },
      { name: 'slow', device: 'mc1', intervalMs: 250, tags: slow },
      { name: 'pumps', device: 'mb1', intervalMs: 100, tags: pumps },
    ],
    collector,
  });
}

describe('sink outage during load (SQLite locked by another connection)', () => {
  it(`loses nothing across a ${LOCK_MS / 1000} s lock: produced = written + dropped, spool empty, tag_data = produced rows`, async () => {
    const dir = tempDir('outage');
    const plant = await outagePlant({});
    const produced = recordProduced();
    const running = await startInProcess(plant, dir);
    const dbPath = running.dbPath;

    await sleep(1_500);
    const locker = new Database(dbPath);
    locker.exec('BEGIN EXCLUSIVE');
    const lockedAt = Date.now();
    try {
      await until(() => running.delivery.metrics().spooledRows > 0, LOCK_MS + 10_000, 'batches in the spool');
      const left = LOCK_MS - (Date.now() - lockedAt);
      if (left > 0) await sleep(left);
    } finally {
      locker.exec('COMMIT');
      locker.close();
    }
    const duringLock = running.delivery.metrics();
    await sleep(1_500);
    // The probe (every 5 s) finds the sink back and replays; new batches then go to the sink.
    await until(() => {
      const m = running.delivery.metrics();
      return m.spoolPending.files === 0 && m.health === 'ok';
    }, 30_000, 'the spool to be replayed');
    const result = await running.stop();
    produced.restore();

    const b = running.collector.buffer.status();
    const d = running.delivery.metrics();
    const stored = storedRows(dbPath);
    const spoolFiles = readdirSync(join(dir, 'spool')).filter((f) => f.startsWith('spool-'));
    report('sink outage', {
      lockMs: LOCK_MS,
      produced: b.produced,
      written: b.written,
      dropped: b.dropped,
      sinkRowsWritten: d.rowsWritten,
      spooled: d.spooledRows,
      spooledBatches: d.spooledBatches,
      replayed: d.replayedRows,
      retries: d.retries,
      spoolFailures: d.spoolFailures,
      healthDuringLock: duringLock.health,
      stored: stored.length,
      spoolFilesLeft: spoolFiles.length,
    });

    expect(result).toEqual({ drained: true, unwritten: 0 });
    expect(b.produced).toBe(produced.rows.length);
    expect(b.produced).toBe(b.written + b.dropped);
    // The ring (10,000 rows) outlasts the retry phase at ~1,500 rows/s: nothing may be dropped.
    expect(b.dropped).toBe(0);
    expect(b.written).toBe(d.rowsWritten + d.spooledRows);
    expect(duringLock.health).toBe('down');
    expect(d.spooledRows).toBeGreaterThan(0);
    expect(d.replayedRows).toBeGreaterThanOrEqual(d.spooledRows);
    expect(d.spoolFailures).toBe(0);
    expect(d.spoolPending).toEqual({ files: 0, bytes: 0 });
    expect(spoolFiles).toEqual([]);
    // Identity: the same (tag, ts) keys with the same value, text and quality, nothing more.
    const expected = [...produced.rows].sort((a, b) => a.ts - b.ts || a.tagId - b.tagId);
    expect(stored.length).toBe(expected.length);
    expect(stored).toEqual(expected);
    expect(stored.some((r) => r.text === 'AB,"\n')).toBe(true);
  }, LOCK_MS + 90_000);

  it('with the database locked AND the spool unwritable (disk full), the buffer keeps its batch, overflow drops only counted rows, and every other row arrives', async () => {
    const dir = tempDir('outage-full');
    const plant = await outagePlant({ bufferCapacity: 1_000 });
    const produced = recordProduced();
    const log = memoryLogger('warn');
    const running = await startInProcess(plant, dir, log.logger);
    const dbPath = running.dbPath;
    const spoolDir = join(dir, 'spool');
    await sleep(1_000);
    // "Disk full": the spool directory is replaced by a file, so no spool file can be created.
    renameSync(spoolDir, `${spoolDir}.away`);
    writeFileSync(spoolDir, 'not a directory');
    const locker = new Database(dbPath);
    locker.exec('BEGIN EXCLUSIVE');
    try {
      await until(() => running.delivery.metrics().spoolFailures > 0 && running.collector.buffer.status().dropped > 0, 30_000, 'a failed spool append and an overflow');
      await sleep(pick(1_000, 20_000));
    } finally {
      locker.exec('COMMIT');
      locker.close();
      rmSync(spoolDir);
      renameSync(`${spoolDir}.away`, spoolDir);
    }
    const during = { buffer: running.collector.buffer.status(), delivery: running.delivery.metrics() };
    await until(() => {
      const b = running.collector.buffer.status();
      return running.delivery.metrics().health === 'ok' && b.inFlight === 0 && b.size < 1_000;
    }, 30_000, 'the sink to take batches again');
    await sleep(1_000);
    const result = await running.stop();
    produced.restore();
    const b = running.collector.buffer.status();
    const d = running.delivery.metrics();
    const stored = storedRows(dbPath);
    const storedKeys = new Set(stored.map((r) => keyOf(r.tagId, r.ts)));
    const missing = produced.rows.filter((r) => !storedKeys.has(keyOf(r.tagId, r.ts)));
    // Dropped rows are the oldest in the ring at each overflow: they come in few contiguous runs of the production order.
    let runs = 0;
    produced.rows.forEach((r, i) => {
      if (!storedKeys.has(keyOf(r.tagId, r.ts)) && (i === 0 || storedKeys.has(keyOf(produced.rows[i - 1]!.tagId, produced.rows[i - 1]!.ts)))) runs++;
    });
    report('database down and spool unwritable', {
      capacity: 1_000,
      produced: b.produced,
      written: b.written,
      dropped: b.dropped,
      spoolFailures: d.spoolFailures,
      bufferFailedWrites: b.failedWrites,
      healthDuring: during.delivery.health,
      stored: stored.length,
      missing: missing.length,
      missingRuns: runs,
      warnings: log.lines().map((l) => l.msg).filter((m, i, all) => all.indexOf(m) === i).join(' | '),
    });

    expect(result).toEqual({ drained: true, unwritten: 0 });
    expect(d.spoolFailures).toBeGreaterThan(0);
    expect(b.failedWrites).toBeGreaterThan(0);
    expect(b.dropped).toBeGreaterThan(0);
    expect(b.produced).toBe(produced.rows.length);
    expect(b.produced).toBe(b.written + b.dropped);
    // Nothing lost silently: what is not in tag_data is exactly what was counted as dropped.
    expect(missing.length).toBe(b.dropped);
    expect(stored.length).toBe(b.produced - b.dropped);
    const byKey = new Map(produced.rows.map((r) => [keyOf(r.tagId, r.ts), r]));
    for (const r of stored) expect(byKey.get(keyOf(r.tagId, r.ts))).toEqual(r);
    expect(log.lines().filter((l) => String(l.msg).startsWith('buffer full'))).toHaveLength(1);
  }, 120_000);
});
