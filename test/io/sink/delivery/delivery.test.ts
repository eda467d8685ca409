import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from 'xstate';
import { Delivery } from '../../../../src/io/sink/delivery/delivery.js';
import { SinkError } from '../../../../src/io/sink/delivery/sink-error.js';
import { Spool } from '../../../../src/io/sink/spool/spool.js';
import { silentLogger } from '../../../../src/log.js';
import { settle } from '../../../support/sim-time.js';
import { batchOf, MemorySink, unavailable } from './memory-sink.js';

const dirs: string[] = [];
const open: Delivery[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function setup(options: { spoolDir?: string } = {}) {
  const dir = options.spoolDir ?? mkdtempSync(join(tmpdir(), 'jsscada-delivery-'));
  if (!options.spoolDir) dirs.push(dir);
  const clock = new SimulatedClock();
  const sink = new MemorySink();
  const spool = new Spool(dir, { clock, logger: silentLogger() });
  // random = 1: backoff is exactly 250 ms then 500 ms, so the test can step to it.
  const delivery = new Delivery(sink, spool, { clock, logger: silentLogger() }, { random: () => 1, probeIntervalMs: 5000 });
  open.push(delivery);
  await delivery.start();
  return { dir, clock, sink, spool, delivery };
}

/** Step the simulated clock; real file I/O in between gets a few real turns. */
async function step(clock: SimulatedClock, ms: number): Promise<void> {
  clock.increment(ms);
  await settle();
}

describe('Delivery', () => {
  it('writes through when the sink takes the batch', async () => {
    const { sink, delivery } = await setup();
    expect(await delivery.write(batchOf(100))).toEqual({ inserted: 100, durationMs: 0, spooled: 0, rejected: 0 });
    expect(sink.rows.size).toBe(100);
    expect(delivery.metrics()).toMatchObject({ health: 'ok', rowsWritten: 100, rowsInserted: 100, batches: 1, retries: 0, spooledRows: 0, spoolPending: { files: 0, bytes: 0 } });
  });

  it('retries with backoff on the injected clock, and no sooner', async () => {
    const { clock, sink, delivery } = await setup();
    sink.fail = (n) => (n <= 2 ? unavailable() : null);
    const done = delivery.write(batchOf(10));
    await settle();
    expect(sink.attempts).toBe(1);
    expect(delivery.metrics().health).toBe('degraded');
    await step(clock, 249);
    expect(sink.attempts).toBe(1);
    await step(clock, 1);
    expect(sink.attempts).toBe(2);
    await step(clock, 500);
    expect(await done).toMatchObject({ inserted: 10, spooled: 0 });
    expect(delivery.metrics()).toMatchObject({ health: 'ok', retries: 2, rowsWritten: 10 });
  });

  it('spools after three failed attempts and resolves: the rows are safe on disk', async () => {
    const { clock, sink, delivery, dir } = await setup();
    sink.fail = () => unavailable();
    const done = delivery.write(batchOf(10));
    await settle();
    await step(clock, 250);
    await step(clock, 500);
    expect(await done).toMatchObject({ inserted: 0, spooled: 10 });
    expect(sink.attempts).toBe(3);
    const m = delivery.metrics();
    expect(m).toMatchObject({ health: 'down', retries: 2, spooledRows: 10, spooledBatches: 1, rowsWritten: 0, spoolPending: { files: 1 } });
    expect(m.lastError?.message).toContain('SINK_UNAVAILABLE');
    expect(readdirSync(dir)).toHaveLength(1);
    // While down, batches go straight to the spool: no more attempts, no stalled buffer.
    expect(await delivery.write(batchOf(5, 10))).toMatchObject({ spooled: 5 });
    expect(sink.attempts).toBe(3);
  });

  it('spools at once on an error that a retry cannot fix', async () => {
    const { sink, delivery } = await setup();
    sink.fail = () => new SinkError('SINK_CONFIG', 'relation "tag_data" does not exist', false, '42P01');
    expect(await delivery.write(batchOf(3))).toMatchObject({ spooled: 3 });
    expect(sink.attempts).toBe(1);
  });

  it('rejects when the spool fails too, so the buffer keeps the batch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsscada-delivery-'));
    dirs.push(dir);
    const { sink, delivery } = await setup({ spoolDir: join(dir, 'spool') });
    rmSync(join(dir, 'spool'), { recursive: true });
    writeFileSync(join(dir, 'spool'), 'a file where the spool directory was'); // every create now fails
    sink.fail = () => new SinkError('SINK_CONFIG', 'no table', false);
    const err = await delivery.write(batchOf(3)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SPOOL_FAILED', retryable: true });
    expect(delivery.metrics()).toMatchObject({ health: 'down', spoolFailures: 1, spooledRows: 0 });
    // Nothing is spooled, so nothing would replay: the next write must try the sink again.
    sink.fail = () => null;
    expect(await delivery.write(batchOf(3))).toMatchObject({ inserted: 3, spooled: 0 });
    expect(delivery.metrics().health).toBe('ok');
  });

  it('replays the spool when a probe finds the sink back, oldest first, then deletes the files', async () => {
    const { clock, sink, delivery, dir } = await setup();
    sink.fail = () => unavailable();
    sink.probeFails = true;
    const first = delivery.write(batchOf(40));
    await settle();
    await step(clock, 250);
    await step(clock, 500);
    await first;
    // One spool file per hour: an hour between batches gives five files, oldest first by name.
    for (let k = 1; k < 5; k++) {
      await step(clock, 3_600_000);
      await delivery.write(batchOf(40, k * 40));
    }
    expect(delivery.metrics().spooledRows).toBe(200);
    await vi.waitFor(() => expect(readdirSync(dir).filter((f) => f.endsWith('.csv'))).toHaveLength(5));
    const probesBefore = sink.probes;
    await step(clock, 5000); // probe: still down
    await vi.waitFor(() => expect(sink.probes).toBeGreaterThan(probesBefore));
    expect(delivery.metrics().health).toBe('down');
    sink.fail = () => null;
    sink.probeFails = false;
    await step(clock, 5000);
    await vi.waitFor(() => expect(delivery.metrics().spoolPending.files).toBe(0));
    expect(delivery.metrics()).toMatchObject({ health: 'ok', replayedRows: 200, rowsInserted: 200 });
    expect(sink.rows.size).toBe(200);
    // Oldest first: the rows were committed in the order they were produced (across the files).
    const committed = [...sink.rows.values()].map((r) => r.value);
    expect(committed).toEqual([...committed].sort((a, b) => a - b));
    expect(committed[0]).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('replays files left by an earlier run as soon as it starts', async () => {
    const first = await setup();
    first.sink.fail = () => new SinkError('SINK_CONFIG', 'x', false);
    await first.delivery.write(batchOf(30));
    await first.delivery.close();
    const again = await setup({ spoolDir: first.dir });
    await vi.waitFor(() => expect(again.delivery.metrics().spoolPending.files).toBe(0));
    expect(again.sink.rows.size).toBe(30);
    expect(again.delivery.metrics()).toMatchObject({ health: 'ok', replayedRows: 30 });
  });

  it('on close, a batch waiting for its retry goes to the spool at once (graceful stop)', async () => {
    const { sink, delivery } = await setup();
    sink.fail = () => unavailable();
    const w = delivery.write(batchOf(8));
    await settle();
    expect(sink.attempts).toBe(1);
    await delivery.close();
    expect(await w).toMatchObject({ spooled: 8 });
    expect(delivery.metrics().spoolPending.files).toBe(1);
  });

  it('sets aside a spool file it cannot read and replays the others', async () => {
    const first = await setup();
    first.sink.fail = () => new SinkError('SINK_CONFIG', 'x', false);
    await first.delivery.write(batchOf(30));
    await first.delivery.close();
    writeFileSync(join(first.dir, 'spool-20000101T00-0000.csv'), 'not,our,header\n1,2,3\n');
    const again = await setup({ spoolDir: first.dir });
    await vi.waitFor(() => expect(again.delivery.metrics().spoolPending.files).toBe(0));
    expect(again.sink.rows.size).toBe(30);
    expect(again.delivery.metrics()).toMatchObject({ spoolQuarantined: 1, health: 'ok' });
    expect(readdirSync(first.dir)).toEqual(['spool-20000101T00-0000.csv.unreadable']);
  });

  it('keeps the tags while the sink is down and syncs them after recovery', async () => {
    const { clock, sink, delivery } = await setup();
    sink.fail = () => unavailable();
    await delivery.syncTags([{ localId: 1, name: 'a', device: 'd', group: 'g', unit: null, dataType: 'int16', renamedFrom: null }]);
    expect(delivery.metrics().tagsSynced).toBe(false);
    const w = delivery.write(batchOf(1));
    await settle();
    await step(clock, 250);
    await step(clock, 500);
    await w;
    sink.fail = () => null;
    await step(clock, 5000);
    await vi.waitFor(() => expect(delivery.metrics().tagsSynced).toBe(true));
    expect(sink.tags.map((t) => t.name)).toEqual(['a']);
  });
});
