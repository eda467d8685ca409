import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, type HttpApp } from '../../src/http/app.js';
import type { DeliveryMetrics } from '../../src/io/sink/delivery/metrics.js';
import { silentLogger } from '../../src/log.js';
import { makeApp, serverConfig, startPlant, TOKEN, until, type TestPlant } from './helpers.js';

/**
 * Issue 12, finding 4: "With the sink down and rows spooling, /ready says ready; /metrics has
 * no series for sink health or the spool; jsscada_buffer_written_rows_total ('Rows committed
 * by the sink') counts spooled rows as written." A real collector on SQLite; another
 * connection holds the database with BEGIN EXCLUSIVE, so batches go to the spool.
 */

let plant: TestPlant;
let http: HttpApp;

beforeAll(async () => {
  plant = await startPlant();
  http = makeApp(plant, { panelDir: null });
});
afterAll(async () => {
  http.close();
  await plant.stop();
});

/** The value of one series in Prometheus text (labels exactly as written), or undefined. */
function sample(text: string, series: string): number | undefined {
  // Every series also carries the collector's name (collector="..."): compared without it.
  const plain = text.replace(/,?collector="[^"]*",?/g, (m) => (m.startsWith(',') && m.endsWith(',') ? ',' : '')).replace(/\{\}/g, '');
  const line = plain.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/ready and /metrics while the sink is down (issue 12, finding 4)', () => {
  it('answers 503 with the reason, and /metrics tells committed rows apart from spooled ones', async () => {
    const delivery = plant.running.delivery;
    await until(() => delivery.metrics().rowsWritten > 0, 5_000, 'a first committed batch');
    expect((await http.request('/ready')).status).toBe(200);

    const locker = new Database(plant.running.dbPath);
    locker.exec('BEGIN EXCLUSIVE');
    let during: { ready: Response; readyBody: { error: { code: string; message: string } }; metrics: string };
    try {
      await until(() => delivery.metrics().health === 'down' && delivery.metrics().spooledRows > 0, 15_000, 'the sink to go down and rows to spool');
      const ready = await http.request('/ready');
      during = { ready, readyBody: (await ready.json()) as typeof during.readyBody, metrics: await (await http.request('/metrics')).text() };
    } finally {
      locker.exec('COMMIT');
      locker.close();
    }

    expect(during.ready.status).toBe(503);
    expect(during.ready.headers.get('retry-after')).toBeTruthy();
    expect(during.readyBody.error.code).toBe('SINK_DOWN');
    expect(during.readyBody.error.message).toMatch(/sink sqlite is down/);
    expect(during.readyBody.error.message).toMatch(/SQLITE_BUSY|locked/);
    expect(during.readyBody.error.message).toMatch(/\d+ rows? in the spool/);

    const m = during.metrics;
    expect(sample(m, 'jsscada_sink_health{sink="sqlite",state="down"}')).toBe(1);
    expect(sample(m, 'jsscada_sink_health{sink="sqlite",state="ok"}')).toBe(0);
    expect(sample(m, 'jsscada_spool_files{sink="sqlite"}')).toBe(1);
    expect(sample(m, 'jsscada_spool_rows{sink="sqlite"}')).toBeGreaterThan(0);
    expect(sample(m, 'jsscada_spool_bytes{sink="sqlite"}')).toBeGreaterThan(0);
    expect(sample(m, 'jsscada_spool_max_bytes{sink="sqlite"}')).toBe(1024 * 1024 * 1024);
    expect(sample(m, 'jsscada_spool_dropped_rows_total{sink="sqlite"}')).toBe(0);
    expect(sample(m, 'jsscada_spool_write_failures_total{sink="sqlite"}')).toBe(0);
    expect(sample(m, 'jsscada_sink_rejected_rows_total{sink="sqlite"}')).toBe(0);
    expect(sample(m, 'jsscada_log_dropped_lines_total')).toBe(0);
    // The old name said "committed" and counted spooled rows too: gone, split in honest parts.
    expect(m).not.toMatch(/^jsscada_buffer_written_rows_total/m);
    const delivered = sample(m, 'jsscada_buffer_delivered_rows_total')!;
    const committed = sample(m, 'jsscada_sink_committed_rows_total{sink="sqlite"}')!;
    const spooled = sample(m, 'jsscada_spool_spooled_rows_total{sink="sqlite"}')!;
    expect(spooled).toBeGreaterThan(0);
    expect(committed).toBeGreaterThan(0);
    expect(delivered).toBe(committed + spooled);

    // Back: the spool is replayed, /ready answers 200 again, and the replayed rows are counted.
    await until(() => delivery.metrics().health === 'ok' && delivery.metrics().spoolPending.files === 0, 20_000, 'the spool to be replayed');
    expect((await http.request('/ready')).status).toBe(200);
    const after = await (await http.request('/metrics')).text();
    expect(sample(after, 'jsscada_sink_health{sink="sqlite",state="ok"}')).toBe(1);
    expect(sample(after, 'jsscada_spool_replayed_rows_total{sink="sqlite"}')).toBeGreaterThanOrEqual(spooled);
    expect(sample(after, 'jsscada_spool_rows{sink="sqlite"}')).toBe(0);
  }, 60_000);
});

describe('/ready by delivery state', () => {
  const base = (): DeliveryMetrics => ({ ...plant.running.delivery.metrics() });
  const appWith = (metrics: DeliveryMetrics): HttpApp =>
    createHttpApp({ ...plant.running.services, delivery: { metrics: () => metrics } }, { token: TOKEN, logger: silentLogger(), server: serverConfig(), panelDir: null });

  it('says that rows wait in the buffer when the spool cannot write either (disk full)', async () => {
    const app = appWith({ ...base(), health: 'down', spoolFailures: 3, spoolRows: 0, spoolPending: { files: 0, bytes: 0 }, lastError: { message: 'SINK_UNKNOWN (SQLITE_FULL): database or disk is full; and the spool cannot write: ENOSPC: no space left on device', at: 0 } });
    const res = await app.request('/ready');
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('SINK_DOWN');
    expect(body.error.message).toMatch(/SQLITE_FULL.*ENOSPC.*0 rows in the spool.*rows wait in the buffer/);
    app.close();
  });

  it('is ready while the sink is back and the spool replays (degraded: the spool shrinks)', async () => {
    const app = appWith({ ...base(), health: 'degraded', spoolRows: 5_000, spoolPending: { files: 2, bytes: 99_000 } });
    expect((await app.request('/ready')).status).toBe(200);
    app.close();
  });
});
