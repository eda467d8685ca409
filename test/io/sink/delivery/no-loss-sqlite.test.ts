import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteSink } from '../../../../src/io/sink/sqlite/sqlite-sink.js';
import { openDatabase, type Db } from '../../../../src/io/sink/sqlite/database.js';
import { runPlant, summary } from './plant-run.js';

const dir = mkdtempSync(join(tmpdir(), 'jsscada-noloss-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('no loss with SQLite locked by another connection', () => {
  it('produced = written + dropped, the spool ends empty, the database holds exactly the produced rows', async () => {
    const dbPath = join(dir, 'jsscada.db');
    const sink = new SqliteSink(dbPath);
    await sink.open();
    let locker: Db | null = null;
    const report = await runPlant({
      sink,
      spoolDir: join(dir, 'spool'),
      beforeMs: 1500,
      // The writer waits out a lock for busy_timeout (5 s) per attempt; 3 attempts is ~15 s, so
      // the lock must outlast that for batches to reach the spool.
      outage: {
        ms: 17_000,
        begin: () => {
          locker = openDatabase(dbPath);
          locker.exec('BEGIN EXCLUSIVE');
        },
        end: () => {
          locker!.exec('COMMIT');
          locker!.close();
        },
      },
      afterMs: 1500,
    });
    const db = openDatabase(dbPath, { readonly: true });
    const stored = db.prepare('SELECT tag_id AS tagId, ts, value, text_value AS text FROM tag_data ORDER BY ts, tag_id').all() as { tagId: number; ts: number; value: number | null; text: string | null }[];
    db.close();
    console.log(summary('sqlite', report, stored.length));

    const { buffer: b, delivery: d } = report;
    expect(b.dropped).toBe(0);
    expect(b.produced).toBe(report.rows.length);
    expect(b.produced).toBe(b.written + b.dropped);
    expect(b.written).toBe(d.rowsWritten + d.spooledRows);
    expect(d.spooledRows).toBeGreaterThan(0); // the outage really sent rows to the spool
    expect(d.replayedRows).toBeGreaterThanOrEqual(d.spooledRows);
    expect(report.spoolFilesLeft).toBe(0);
    expect(d.spoolPending).toEqual({ files: 0, bytes: 0 });
    expect(d.health).toBe('ok');
    expect(stored).toEqual(report.rows.map((r) => ({ tagId: r.tagId, ts: r.ts, value: Number.isNaN(r.value) ? null : r.value, text: r.text })));
  }, 90_000);
});
