import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OracleSink } from '../../../../src/io/sink/oracle/oracle-sink.js';
import { fakeOracle } from '../oracle/fake-oracledb.js';
import { runPlant, summary } from './plant-run.js';

const dir = mkdtempSync(join(tmpdir(), 'jsscada-noloss-ora-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('no loss with the Oracle sink (typed fake driver) failing for a while', () => {
  it('produced = written + dropped, the spool ends empty, TAG_DATA holds exactly the produced rows', async () => {
    const db = fakeOracle();
    const sink = new OracleSink({ rejectsPath: join(dir, 'rejects.jsonl'), poolSize: 3, envFile: join(dir, 'none.env') }, { driver: db, env: { ORACLE_USER: 'u', ORACLE_PASSWORD: 'p', ORACLE_CONNECT_STRING: 'h/s' } });
    const report = await runPlant({
      sink,
      spoolDir: join(dir, 'spool'),
      beforeMs: 1000,
      outage: {
        ms: 3000,
        begin: () => {
          db.closeSocketAfterRows = 7; // the outage starts with a connection dying mid-batch
          db.down = true;
        },
        end: () => {
          db.down = false;
        },
      },
      afterMs: 1000,
    });
    console.log(summary('oracle fake', report, db.table.size));
    const { buffer: b, delivery: d } = report;
    expect(b.dropped).toBe(0);
    expect(b.produced).toBe(b.written + b.dropped);
    expect(b.written).toBe(d.rowsWritten + d.spooledRows);
    expect(d.spooledRows).toBeGreaterThan(0);
    expect(report.spoolFilesLeft).toBe(0);
    expect(d.health).toBe('ok');
    const stored = [...db.table.values()].sort((x, y) => x.tsMs - y.tsMs || x.tagId - y.tagId);
    expect(stored).toEqual(report.rows.map((r) => ({ tagId: r.tagId, tsMs: r.ts, value: Number.isNaN(r.value) ? null : r.value, text: r.text, quality: 0 })));
  }, 60_000);

  it('with a buffer too small for the retries, every row is stored or counted as dropped by overflow', async () => {
    const db = fakeOracle();
    const sink = new OracleSink({ rejectsPath: join(dir, 'rejects2.jsonl'), poolSize: 2, envFile: join(dir, 'none.env') }, { driver: db, env: { ORACLE_USER: 'u', ORACLE_PASSWORD: 'p', ORACLE_CONNECT_STRING: 'h/s' } });
    const report = await runPlant({
      sink,
      spoolDir: join(dir, 'spool2'),
      capacity: 150, // ~150 ms of production: the first failing batch's retries (100 + 200 ms) overflow it
      beforeMs: 500,
      outage: { ms: 2000, begin: () => void (db.down = true), end: () => void (db.down = false) },
      afterMs: 500,
    });
    console.log(summary('oracle fake, small buffer', report, db.table.size));
    const { buffer: b, delivery: d } = report;
    expect(b.dropped).toBeGreaterThan(0);
    expect(b.produced).toBe(b.written + b.dropped);
    expect(b.written).toBe(d.rowsWritten + d.spooledRows);
    expect(db.table.size).toBe(b.produced - b.dropped);
    const produced = new Set(report.rows.map((r) => `${r.tagId}:${r.ts}`));
    for (const key of db.table.keys()) expect(produced.has(key)).toBe(true);
    expect(report.spoolFilesLeft).toBe(0);
  }, 60_000);
});
