import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { Delivery } from '../../../../src/io/sink/delivery/delivery.js';
import { SqliteSink } from '../../../../src/io/sink/sqlite/sqlite-sink.js';
import { openDatabase } from '../../../../src/io/sink/sqlite/database.js';
import { Spool } from '../../../../src/io/sink/spool/spool.js';
import { systemClock } from '../../../../src/clock.js';
import { silentLogger } from '../../../../src/log.js';
import { batchOf } from './memory-sink.js';

const dir = mkdtempSync(join(tmpdir(), 'jsscada-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const spoolDir = join(dir, 'spool');
const dbPath = join(dir, 'jsscada.db');
const child = fileURLToPath(new URL('./replay-child.ts', import.meta.url));

/** Run the child collector; resolves with the signal that ended it. */
function runChild(mode: string, n: number): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', child, spoolDir, dbPath, mode, String(n)], { timeout: 60_000 }, (err) => {
      resolve((err as { signal?: string } | null)?.signal ?? null);
    });
  });
}

function stored(): { n: number; sum: number } {
  const db = openDatabase(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT COUNT(*) AS n, TOTAL(value) AS sum FROM tag_data').get() as { n: number; sum: number };
  } finally {
    db.close();
  }
}

describe('a crash in the middle of a replay (a real process, SIGKILL, real SQLite)', () => {
  it('loses nothing and duplicates nothing: the next run replays what was not deleted, the natural key ignores rows stored twice', async () => {
    // Three spool files of 2,500 rows each, one per hour, as an outage would leave them.
    const clock = new SimulatedClock();
    clock.set(Date.UTC(2024, 4, 1, 10));
    const spool = new Spool(spoolDir, { clock, logger: silentLogger() });
    for (let f = 0; f < 3; f++) {
      for (let k = 0; k < 5; k++) await spool.append(batchOf(500, f * 2500 + k * 500));
      clock.increment(3_600_000);
    }
    await spool.close();
    const files = readdirSync(spoolDir).sort();
    expect(files).toHaveLength(3);
    const expectedSum = Array.from({ length: 7500 }, (_, i) => i / 4).reduce((a, b) => a + b, 0);

    // Run 1 dies after its 4th batch of 1,000: file 1 (3 batches) was replayed and deleted,
    // file 2 is half done.
    expect(await runChild('mid-file', 4)).toBe('SIGKILL');
    expect(readdirSync(spoolDir).sort()).toEqual(files.slice(1));
    expect(stored().n).toBe(3500);

    // Run 2 dies after every row of file 2 committed, right before deleting it.
    expect(await runChild('before-delete', 0)).toBe('SIGKILL');
    expect(readdirSync(spoolDir).sort()).toEqual(files.slice(1));
    expect(stored().n).toBe(5000);

    // Run 3 completes: file 2 again (all duplicates), then file 3.
    const sink = new SqliteSink(dbPath);
    const delivery = new Delivery(sink, new Spool(spoolDir, { clock: systemClock, logger: silentLogger() }), { clock: systemClock, logger: silentLogger() }, { replayBatchRows: 1000 });
    await delivery.start();
    expect(await delivery.replayNow()).toBe(true);
    const m = delivery.metrics();
    await delivery.close();
    expect(readdirSync(spoolDir)).toEqual([]);
    expect(m).toMatchObject({ replayedRows: 5000, rowsInserted: 2500, spoolPending: { files: 0, bytes: 0 } });
    expect(stored()).toEqual({ n: 7500, sum: expectedSum });
  }, 90_000);
});
