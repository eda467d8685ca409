import { exec } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresSink } from '../../../../src/io/sink/postgres/postgres-sink.js';
import { dropSchema, uniqueSchema, withClient } from '../postgres/pg-env.js';
import { runPlant, summary } from './plant-run.js';

/**
 * Stops and restarts a real PostgreSQL server in the middle of a run. It uses its own cluster
 * (scripts/ci-postgres.sh creates "outage" on port 5433), so suites running at the same time
 * against the main cluster never see the outage.
 */
const URL_ = process.env.JSSCADA_TEST_PG_OUTAGE_URL;
const CLUSTER = process.env.JSSCADA_TEST_PG_OUTAGE_CLUSTER;
const ready = Boolean(URL_ && CLUSTER);
const run = promisify(exec);

const dir = mkdtempSync(join(tmpdir(), 'jsscada-noloss-pg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!ready)(`no loss with PostgreSQL stopped and restarted (${ready ? CLUSTER : 'SKIPPED: JSSCADA_TEST_PG_OUTAGE_URL / _CLUSTER not set (scripts/ci-postgres.sh)'})`, () => {
  it('produced = written + dropped, the spool ends empty, tag_data holds exactly the produced rows', async () => {
    const url = URL_!;
    const schema = uniqueSchema('jsscada_outage');
    const sink = new PostgresSink({ url, schema, rejectsPath: join(dir, 'rejects.jsonl'), poolSize: 5, connectTimeoutMs: 2000 });
    await sink.probe();
    try {
      const report = await runPlant({
        sink,
        spoolDir: join(dir, 'spool'),
        beforeMs: 2000,
        outage: {
          ms: 8000,
          begin: async () => void (await run(`pg_ctlcluster ${CLUSTER} stop -m fast`)),
          end: async () => void (await run(`pg_ctlcluster ${CLUSTER} start`)),
        },
        afterMs: 3000,
      });
      const stored = await withClient(url, async (c) => {
        await c.query(`SET search_path TO "${schema}"`);
        return (await c.query(`SELECT tag_id AS "tagId", (extract(epoch FROM ts) * 1000)::int8::float8 AS ts, value, text_value AS text FROM tag_data ORDER BY ts, tag_id`)).rows as { tagId: number; ts: number; value: number | null; text: string | null }[];
      });
      console.log(summary('postgres', report, stored.length));
      const { buffer: b, delivery: d } = report;
      expect(b.dropped).toBe(0);
      expect(b.produced).toBe(b.written + b.dropped);
      expect(b.written).toBe(d.rowsWritten + d.spooledRows);
      expect(d.spooledRows).toBeGreaterThan(0);
      expect(report.spoolFilesLeft).toBe(0);
      expect(d.health).toBe('ok');
      expect(stored).toEqual(report.rows.map((r) => ({ tagId: r.tagId, ts: r.ts, value: Number.isNaN(r.value) ? null : r.value, text: r.text })));
    } finally {
      await run(`pg_ctlcluster ${CLUSTER} start`).catch(() => undefined); // running already: fine
      await dropSchema(url, schema);
    }
  }, 60_000);
});
