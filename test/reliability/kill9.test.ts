import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { DeliveryMetrics } from '../../src/io/sink/delivery/metrics.js';
import { JsscadaProcess, type StoppedLine } from './support/child.js';
import { pick, query, report, sleep, tempDir, until } from './support/harness.js';
import { checkGroups, spoolRows, startLoadPlant, type GroupCheck, type LoadPlant } from './support/load-plant.js';

/**
 * Torture 5: kill -9 under load (6,000 values/s), `jsscada run` as a real process.
 *
 * What a SIGKILL can lose, by design: the rows still in the buffer's ring (at most
 * bufferCapacity; with a healthy sink, what accumulated since the last flush: flushIntervalMs
 * or flushRows, whichever came first) plus the one batch in flight to the sink or to the spool
 * (a batch is committed in one transaction, a spool append counts only after fdatasync, so it
 * is all or nothing). Rows are taken from the ring in FIFO order and a failed batch is retried
 * before any later one, so what survives is a prefix of what was polled: every poll up to some
 * time, whole, then nothing; at most one poll per group is cut in two (a poll whose rows
 * straddle two batches).
 *
 * Asserted, for a kill with the sink healthy and a kill while the sink is down and batches go
 * to the spool: each group's stored polls before the kill are whole and correct, with no hole
 * other than slots the group itself reported as skipped; every tag is stored up to at most
 * flushIntervalMs + interval before the kill, plus room for the batch in flight (a commit, or a
 * spool append and its fdatasync); the next start opens the database the kill left and replays
 * the spool, and no row is stored twice. The measured windows are printed.
 */
const RUN_MS = pick(3_000, 30_000);
const FLUSH_MS = 500;
const INTERVAL_MS = 100;
/** Room for the batch in flight: a SQLite commit, or a spool append with its fdatasync (slow CI disks). */
const SLACK_MS = 400;
const SPOOL_SLACK_MS = 900;
const BOUND_MS = FLUSH_MS + INTERVAL_MS + SLACK_MS;
const SPOOL_BOUND_MS = FLUSH_MS + INTERVAL_MS + SPOOL_SLACK_MS;

interface GroupStatusLite {
  readonly name: string;
  readonly counters: { skippedSlots: number; errors: number };
}
const skipped = async (p: JsscadaProcess, port: number): Promise<Map<string, number>> =>
  new Map((await p.get<{ groups: GroupStatusLite[] }>(port, '/api/polling/status')).groups.map((g) => [g.name, g.counters.skippedSlots]));
const rowCount = (db: string): number => query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM tag_data')[0]!.n;

async function sigkill(p: JsscadaProcess): Promise<number> {
  const at = Date.now();
  p.kill('SIGKILL');
  await until(() => !p.alive, 10_000, 'the killed process to go');
  expect((await p.exited).signal).toBe('SIGKILL');
  return at;
}

/** The measured loss window of one kill, per group, for the log. */
function describePrefix(label: string, checks: GroupCheck[], killAt: number, skippedBefore: Map<string, number>, plant: LoadPlant): Record<string, string> {
  const figures: Record<string, string> = {};
  for (const c of checks) {
    const tags = plant.groups.find((g) => g.name === c.group)!.tags.length;
    const lostRows = Math.round(((killAt - c.lastTs) / INTERVAL_MS) * tags) + (c.lastPollPartial ? tags : 0);
    figures[`${label} ${c.group}`] = `${c.polls} polls stored, all tags up to ${killAt - c.allTagsUpTo} ms before the kill (~${lostRows} rows lost), last poll ${c.lastPollPartial ? 'cut' : 'whole'}, missing slots ${c.missingSlots} (skipped reported ${skippedBefore.get(c.group) ?? 0}), corrupt ${c.corrupt}`;
  }
  return figures;
}

/** The prefix checks of one kill. */
function assertPrefix(label: string, checks: GroupCheck[], killAt: number, skippedBefore: Map<string, number>, boundMs: number): void {
  for (const c of checks) {
    const where = `${label} ${c.group}: ${JSON.stringify(c)}`;
    expect(c.polls, where).toBeGreaterThan(5);
    expect(c.corrupt, where).toBe(0);
    expect(c.partialPolls, where).toBe(0);
    // No hole inside the prefix except slots the group skipped itself (an overloaded machine).
    expect(c.missingSlots, where).toBeLessThanOrEqual((skippedBefore.get(c.group) ?? 0) + 1);
    expect(killAt - c.allTagsUpTo, `${where}: loss window`).toBeLessThanOrEqual(boundMs);
  }
}

describe('kill -9 under load (jsscada run as a process)', () => {
  it(`loses at most the buffer and the batch in flight: a whole, correct prefix of every group up to ${BOUND_MS} ms (flushIntervalMs ${FLUSH_MS} + interval ${INTERVAL_MS} + ${SLACK_MS}) before the kill with the sink up, ${SPOOL_BOUND_MS} ms while spooling; the restart replays the spool`, async () => {
    const dir = tempDir('kill9');
    const data = join(dir, 'data');
    const plant = await startLoadPlant(dir, { bufferCapacity: 50_000, flushIntervalMs: FLUSH_MS });
    const db = join(data, 'jsscada.db');

    // Kill 1: the sink is healthy.
    const run1 = JsscadaProcess.spawn(['run', '--config', plant.yamlPath, '--data', data, '--port', '0']);
    const port1 = await run1.httpPort();
    await sleep(RUN_MS);
    const skipped1 = await skipped(run1, port1);
    const kill1 = await sigkill(run1);
    const check1 = checkGroups(db, plant.groups, { upTo: kill1 });
    const count1 = rowCount(db);

    // Kill 2: SQLite is locked by another connection; after the retries the circuit is open and
    // every flush goes to the spool (appended and fdatasync'ed) when the process dies.
    const run2 = JsscadaProcess.spawn(['run', '--data', data, '--port', '0']);
    const port2 = await run2.httpPort();
    await run2.line((l) => l.msg === 'collector started', 10_000, 'the restart after kill -9');
    await sleep(RUN_MS);
    const run2From = kill1 + 1;
    const locker = new Database(db);
    let kill2: number;
    let skipped2: Map<string, number>;
    let spooledAtKill: ReturnType<typeof spoolRows>;
    let metricsBefore: DeliveryMetrics;
    try {
      locker.exec('BEGIN EXCLUSIVE');
      await until(async () => {
        const m = (await run2.get<{ delivery: DeliveryMetrics }>(port2, '/api/writer/metrics')).delivery;
        return m.health === 'down' && m.spooledBatches >= 2;
      }, 20_000, 'the circuit to open (batches straight to the spool)');
      await sleep(1_500);
      metricsBefore = (await run2.get<{ delivery: DeliveryMetrics }>(port2, '/api/writer/metrics')).delivery;
      skipped2 = await skipped(run2, port2);
      kill2 = await sigkill(run2);
      spooledAtKill = spoolRows(data);
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }
    const count2 = rowCount(db);

    // The next start replays the spool.
    const run3 = JsscadaProcess.spawn(['run', '--data', data, '--port', '0']);
    await run3.line((l) => l.msg === 'spool file replayed and deleted', 20_000, 'the spool replay');
    await until(() => spoolRows(data).files.length === 0, 20_000, 'an empty spool');
    run3.kill('SIGTERM');
    await until(() => !run3.alive, 20_000, 'run 3 to stop');
    expect((await run3.exited).code).toBe(0);
    const stopped3 = (await run3.line((l) => l.msg === 'collector stopped', 5_000, '"collector stopped"')) as unknown as StoppedLine;
    const check2 = checkGroups(db, plant.groups, { from: run2From, upTo: kill2 });
    const final = checkGroups(db, plant.groups);
    const duplicates = query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM (SELECT tag_id, ts FROM tag_data GROUP BY tag_id, ts HAVING COUNT(*) > 1)')[0]!.n;

    const figures = {
      rate: `${plant.rowsPerSecond} values/s, bufferCapacity ${plant.bufferCapacity}, flushIntervalMs ${FLUSH_MS}`,
      ...describePrefix('kill 1 (sink up)', check1, kill1, skipped1, plant),
      kill1Stored: String(count1),
      ...describePrefix('kill 2 (spooling)', check2, kill2, skipped2, plant),
      kill2Spool: `${spooledAtKill.files.length} files, ${spooledAtKill.rows.length} complete rows on disk (delivery counted ${metricsBefore.spooledRows} spooled a moment before the kill)`,
      replay: `run 3 replayed ${stopped3.delivery.replayedRows} rows, inserted ${stopped3.delivery.rowsInserted}; stored ${count2} -> ${rowCount(db)}`,
      duplicates: String(duplicates),
    };
    report('kill -9 under load', figures);

    assertPrefix('kill 1 (sink up)', check1, kill1, skipped1, BOUND_MS);
    assertPrefix('kill 2 (spooling)', check2, kill2, skipped2, SPOOL_BOUND_MS);
    expect(spooledAtKill.rows.length).toBeGreaterThanOrEqual(metricsBefore.spooledRows);
    // Every complete spooled row came back (replay is at-least-once; the natural key makes it once).
    expect(stopped3.delivery.replayedRows).toBe(spooledAtKill.rows.length);
    expect(duplicates).toBe(0);
    for (const c of final) expect(c.corrupt, c.group).toBe(0);
  }, 180_000);
});
