import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import type { BufferStatus } from '../../src/actors/buffer/buffer-actor.js';
import { Collector } from '../../src/actors/collector.js';
import { plantToYaml } from '../../src/io/config/yaml-file.js';
import { CommError } from '../../src/io/errors.js';
import { startMcSimulator } from '../../src/io/mc/simulator/index.js';
import type { ProtocolModule } from '../../src/io/protocol-module.js';
import { createSimProtocol } from '../../src/io/sim/sim-driver.js';
import { silentLogger } from '../../src/log.js';
import { advance, settle } from '../support/sim-time.js';
import { JsscadaProcess, type StoppedLine } from './support/child.js';
import { pick, query, report, sleep, tempDir, until } from './support/harness.js';
import { checkGroups, spoolRows, startLoadPlant } from './support/load-plant.js';
import { MemorySink, storedPlant } from './support/memory.js';
import { closeLater, fillMc, plantOf, wordTags } from './support/plants.js';

/**
 * Torture 4: SIGTERM under load, `jsscada run` as a real process against simulators in this
 * process, 6,000 values/s. Three runs on one data dir:
 *  1. SIGTERM with the sink healthy: exit 0, 'collector stopped' with unwritten 0, every poll
 *     in tag_data whole and correct, up to the moment of the signal;
 *  2. SIGTERM while another connection holds the database (BEGIN EXCLUSIVE): the drain cannot
 *     reach SQLite, so it ends in the CSV spool; still exit 0 and unwritten 0, and database +
 *     spool hold every row the run handed to delivery;
 *  3. the next start replays that spool: the database then holds every row of runs 1-3.
 * Then a stop while a PLC is silent mid-read, and the race that used to strand the rows of
 * a read the stop aborted.
 */
const RUN_MS = pick(2_500, 30_000);
const rowCount = (db: string): number => query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM tag_data')[0]!.n;
const stoppedOf = async (p: JsscadaProcess): Promise<StoppedLine> => (await p.line((l) => l.msg === 'collector stopped', 5_000, '"collector stopped"')) as unknown as StoppedLine;
const dropWarnings = (p: JsscadaProcess): number => p.logs().filter((l) => String(l.msg).startsWith('buffer full')).length;

async function stop(p: JsscadaProcess, limitMs: number): Promise<{ exit: { code: number | null; signal: string | null }; tookMs: number }> {
  const at = Date.now();
  p.kill('SIGTERM');
  await until(() => !p.alive, limitMs, `jsscada to exit after SIGTERM\n${p.output().slice(-2000)}`);
  return { exit: await p.exited, tookMs: Date.now() - at };
}

describe('SIGTERM under load (jsscada run as a process)', () => {
  it(`drains the buffer (to SQLite, or to the spool when SQLite is locked), exits 0, and loses nothing across restarts`, async () => {
    const dir = tempDir('sigterm');
    const data = join(dir, 'data');
    const plant = await startLoadPlant(dir, { bufferCapacity: 50_000 });
    const db = join(data, 'jsscada.db');

    // Run 1: healthy sink.
    const run1 = JsscadaProcess.spawn(['run', '--config', plant.yamlPath, '--data', data, '--port', '0']);
    const port1 = await run1.httpPort();
    await sleep(RUN_MS);
    const before1 = await run1.get<BufferStatus>(port1, '/api/buffer/status');
    const sigAt1 = Date.now();
    const s1 = await stop(run1, 20_000);
    const stopped1 = await stoppedOf(run1);
    const count1 = rowCount(db);
    const check1 = checkGroups(db, plant.groups);

    // Run 2: the database is locked by another connection when SIGTERM comes.
    const run2 = JsscadaProcess.spawn(['run', '--data', data, '--port', '0']);
    const port2 = await run2.httpPort();
    await sleep(RUN_MS);
    const locker = new Database(db);
    let stopped2: StoppedLine;
    let s2: Awaited<ReturnType<typeof stop>>;
    let count2: number;
    let spool2: ReturnType<typeof spoolRows>;
    try {
      locker.exec('BEGIN EXCLUSIVE');
      await sleep(300);
      const before2 = await run2.get<BufferStatus>(port2, '/api/buffer/status');
      expect(before2.produced).toBeGreaterThan(0);
      s2 = await stop(run2, 30_000);
      stopped2 = await stoppedOf(run2);
      spool2 = spoolRows(data);
    } finally {
      locker.exec('COMMIT');
      locker.close();
    }
    count2 = rowCount(db);

    // Run 3: the start replays the spool.
    const run3 = JsscadaProcess.spawn(['run', '--data', data, '--port', '0']);
    await run3.line((l) => l.msg === 'spool file replayed and deleted', 20_000, 'the spool replay');
    await until(() => spoolRows(data).files.length === 0, 20_000, 'an empty spool');
    await sleep(500);
    const s3 = await stop(run3, 20_000);
    const stopped3 = await stoppedOf(run3);
    const count3 = rowCount(db);
    const check3 = checkGroups(db, plant.groups);

    report('SIGTERM under load', {
      rate: `${plant.rowsPerSecond} values/s for ${RUN_MS} ms a run`,
      run1: `exit ${JSON.stringify(s1.exit)} in ${s1.tookMs} ms; produced>=${before1.produced} before the signal; sink rows written ${stopped1.delivery.rowsWritten}, spooled ${stopped1.delivery.spooledRows}; stored ${count1}`,
      run1Groups: check1.map((c) => `${c.group}: ${c.polls} polls, last ${sigAt1 - c.lastTs} ms before SIGTERM, missing slots ${c.missingSlots}`).join('; '),
      run2: `exit ${JSON.stringify(s2.exit)} in ${s2.tookMs} ms (SQLite locked); written ${stopped2.delivery.rowsWritten}, spooled ${stopped2.delivery.spooledRows} (${spool2.files.length} files, ${spool2.rows.length} rows on disk); stored ${count2}`,
      run3: `exit ${JSON.stringify(s3.exit)}; replayed ${stopped3.delivery.replayedRows}, written ${stopped3.delivery.rowsWritten}; stored ${count3}`,
      finalGroups: check3.map((c) => `${c.group}: ${c.rows} rows, ${c.polls} polls, partial ${c.partialPolls}, corrupt ${c.corrupt}`).join('; '),
    });

    // Run 1: a clean drain straight into SQLite.
    expect(s1.exit).toEqual({ code: 0, signal: null });
    expect(stopped1).toMatchObject({ drained: true, unwritten: 0 });
    expect(stopped1.delivery.spooledRows).toBe(0);
    expect(dropWarnings(run1)).toBe(0);
    expect(count1).toBe(stopped1.delivery.rowsWritten);
    expect(count1).toBe(stopped1.delivery.rowsInserted);
    expect(count1).toBeGreaterThanOrEqual(before1.produced);
    for (const c of check1) {
      expect(c.partialPolls, c.group).toBe(0);
      expect(c.lastPollPartial, c.group).toBe(false);
      expect(c.corrupt, c.group).toBe(0);
      // Polling went on until the signal and that last poll was written too.
      expect(sigAt1 - c.lastTs, c.group).toBeLessThan(1_000);
    }
    // Run 2: the drain went to the spool; database + spool = what the run produced.
    expect(s2.exit).toEqual({ code: 0, signal: null });
    expect(stopped2).toMatchObject({ drained: true, unwritten: 0 });
    expect(dropWarnings(run2)).toBe(0);
    expect(stopped2.delivery.spooledRows).toBeGreaterThan(0);
    expect(spool2.rows.length).toBe(stopped2.delivery.spooledRows);
    expect(count2 - count1).toBe(stopped2.delivery.rowsInserted);
    expect(count2 - count1).toBe(stopped2.delivery.rowsWritten);
    // Run 3: the spool was replayed; every row of the three runs is stored once.
    expect(s3.exit).toEqual({ code: 0, signal: null });
    expect(stopped3).toMatchObject({ drained: true, unwritten: 0 });
    expect(stopped3.delivery.replayedRows).toBe(stopped2.delivery.spooledRows);
    expect(stopped3.delivery.spoolPending).toEqual({ files: 0, bytes: 0 });
    expect(count3).toBe(count2 + stopped2.delivery.spooledRows + stopped3.delivery.rowsWritten);
    for (const c of check3) {
      expect(c.partialPolls, c.group).toBe(0);
      expect(c.lastPollPartial, c.group).toBe(false);
      expect(c.corrupt, c.group).toBe(0);
    }
  }, 180_000);

  it('stops promptly and cleanly while a PLC is silent mid-read (default 2 s timeout, 3 retries)', async () => {
    const dir = tempDir('sigterm-silent');
    const data = join(dir, 'data');
    const healthy = closeLater(await startMcSimulator(), 'healthy PLC');
    const silent = closeLater(await startMcSimulator(), 'silent PLC');
    const tags = wordTags('h', 50);
    const quiet = wordTags('s', 50);
    fillMc(healthy, tags);
    fillMc(silent, quiet);
    const yamlPath = join(dir, 'plant.yaml');
    writeFileSync(
      yamlPath,
      plantToYaml(
        plantOf({
          devices: [
            { name: 'healthy', protocol: 'mc3e', port: healthy.port },
            { name: 'silent', protocol: 'mc3e', port: silent.port },
          ],
          groups: [
            { name: 'h', device: 'healthy', intervalMs: 100, tags },
            { name: 's', device: 'silent', intervalMs: 100, tags: quiet },
          ],
        }),
      ),
    );
    const run = JsscadaProcess.spawn(['run', '--config', yamlPath, '--data', data, '--port', '0']);
    await run.httpPort();
    await sleep(1_000);
    silent.faults.silent = true;
    await sleep(1_000); // a read is waiting for its reply, the link about to retry
    const s = await stop(run, 30_000);
    const stopped = await stoppedOf(run);
    const db = join(data, 'jsscada.db');
    const bad = query<{ quality: number; n: number }>(db, 'SELECT quality, COUNT(*) AS n FROM tag_data WHERE quality <> 0 GROUP BY quality');
    report('SIGTERM with a silent PLC', { exit: JSON.stringify(s.exit), tookMs: s.tookMs, stopped: JSON.stringify({ drained: stopped.drained, unwritten: stopped.unwritten }), badRows: JSON.stringify(bad), rows: rowCount(db) });
    expect(s.exit).toEqual({ code: 0, signal: null });
    expect(stopped.drained).toBe(true);
    // Not asserted here: `unwritten` is 0 or 50 depending on the order of promise callbacks (the
    // aborted read's rows can land in the buffer after the drain): the bug pinned below.
    // The group waits at most 5 s for its read in flight, then the stop goes on.
    expect(s.tookMs).toBeLessThan(10_000);
  }, 60_000);

  // Was a bug, fixed since (this test pins it): src/actors/collector.ts Collector.shutdown drains the buffer right after engine.stop(),
  // but the reads that engine.stop() aborts are still settling: Collector.readGroup's catch
  // pushes their bad-quality batch when the driver gives up, which can be after the drain has
  // finished (then the rows stay in the ring forever), and even after `unwritten` was computed
  // (then nothing reports them). `jsscada run` then logs drained: true and exits 0 with rows
  // neither written nor spooled. Seen with a silent PLC under CPU load: "drained": true,
  // "unwritten": 50, exit code 0 (the test above). Suggested fix: keep the promises of the
  // reads in flight and await them (bounded) after engine.stop() and before buffer.drain();
  // ignore or count pushes after the drain; and let untilSignal exit non-zero when unwritten > 0
  // (it looks at `drained` only).
  it('the stop writes (or at least reports) the rows of a read it aborted', async () => {
    const clock = new SimulatedClock();
    clock.set(Date.UTC(2024, 4, 1, 8));
    const sim = createSimProtocol(clock);
    let hang = false;
    // A driver that needs one turn of the event loop to give up after its signal aborts (the
    // DeviceDriver contract asks to honour the signal, not to reject within the same microtask).
    const protocol: ProtocolModule = {
      ...sim,
      createDriver: (device, ctx) => {
        const inner = sim.createDriver(device, ctx);
        return {
          plan: (tags) => inner.plan(tags),
          read: (plan, signal) =>
            hang
              ? new Promise((_resolve, reject) => signal?.addEventListener('abort', () => setImmediate(() => reject(new CommError('ABORTED', 'read aborted'))), { once: true }))
              : inner.read(plan, signal),
          status: () => inner.status(),
          close: () => inner.close(),
        };
      },
    };
    const plant = plantOf({ devices: [{ name: 'plc', protocol: 'sim', port: 1 }], groups: [{ name: 'g', device: 'plc', intervalMs: 100, tags: wordTags('g.', 10) }] });
    const collector = new Collector(storedPlant(plant), { logger: silentLogger(), clock, sink: new MemorySink(), protocolOf: () => protocol });
    collector.start();
    await settle();
    await advance(clock, 1_000, 1);
    hang = true;
    await advance(clock, 200, 1); // a read now waits for a reply that never comes
    const stopping = collector.shutdown({ drainTimeoutMs: 1_000 });
    await advance(clock, 6_000, 10); // the 5 s wait for reads in flight passes; engine.stop aborts the read
    const result = await stopping;
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    const b = collector.buffer.status();
    report('stop with an aborted read', { result: JSON.stringify(result), produced: b.produced, written: b.written, dropped: b.dropped, leftInRing: b.size });
    // Every row handed to the buffer is written, or the stop said it was not.
    expect(b.produced - b.written - b.dropped).toBe(result.unwritten);
  });
});
