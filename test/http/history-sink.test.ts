import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Collector } from '../../src/actors/collector.js';
import type { AppServices } from '../../src/app-services.js';
import { systemClock } from '../../src/clock.js';
import { createHttpApp, type HttpApp } from '../../src/http/app.js';
import { plantSchema } from '../../src/io/config/schema.js';
import { protocolOf } from '../../src/io/protocols.js';
import type { HistorySource } from '../../src/io/sink/history/history-source.js';
import { PostgresHistory } from '../../src/io/sink/history/postgres-history.js';
import { SqliteHistory } from '../../src/io/sink/history/sqlite-history.js';
import { silentLogger } from '../../src/log.js';
import { MemorySink } from '../io/sink/delivery/memory-sink.js';
import { createPgFixture, createSqliteFixture } from '../io/sink/history/databases.js';
import { BASE, expectedBuckets, STEP_MS } from '../io/sink/history/fixture.js';
import { dropSchema, NO_PG, PG_URL, SKIP_REASON, uniqueSchema } from '../io/sink/postgres/pg-env.js';
import { serverConfig, TOKEN } from './helpers.js';

/**
 * GET /api/tags/{name}/history over each sink's reader, on databases made from the shipped DDL.
 * The running plant (collector line-a) polls `temp` on plc1; `other` is not in it (retired), so
 * it is read by name. The collector is built, not started: the route only needs its plant.
 */
const PLANT = plantSchema.parse({
  devices: [{ name: 'plc1', protocol: 'sim', port: 5001 }],
  groups: [{ name: 'fast', device: 'plc1', intervalMs: 1000, tags: [{ name: 'temp', address: 'D100' }] }],
});

function appOn(history: HistorySource, collectorName = 'line-a'): HttpApp {
  const collector = new Collector({ plant: PLANT, tagIds: new Map([['temp', 1]]) }, { logger: silentLogger(), clock: systemClock, sink: new MemorySink(), protocolOf });
  // Only what the history route and the app's construction touch.
  const services = { collector, history, collectorName, version: 'test', inspection: { subscribe: () => () => undefined } } as unknown as AppServices;
  return createHttpApp(services, { token: TOKEN, logger: silentLogger(), server: serverConfig(), panelDir: null });
}

const body = async (res: Response) => (await res.json()) as Record<string, any>;
const url = (tag: string, q: string) => `/api/tags/${tag}/history?from=${BASE}&to=${BASE + 9_999}&${q}`;

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/** The same answers from every sink's reader. */
function historyContract(name: string, open: () => Promise<HistorySource>) {
  describe(name, () => {
    let source: HistorySource;
    let http: HttpApp;
    beforeAll(async () => {
      source = await open();
      http = appOn(source);
    });
    afterAll(async () => {
      http.close();
      await source.close();
    });

    it('answers buckets (mode "buckets", bucketMs, exact min/max/avg/count/last/bad) when the range holds more rows than maxPoints', async () => {
      const res = await http.request(url('temp', 'maxPoints=10'));
      expect(res.status).toBe(200);
      const json = await body(res);
      expect(json).toMatchObject({ tag: 'temp', mode: 'buckets', bucketMs: 1000, points: [], truncated: false });
      const want = expectedBuckets(0);
      expect(json.buckets).toHaveLength(10);
      json.buckets.forEach((b: Record<string, number | string>, k: number) => {
        const { avg, ...exact } = want[k]!;
        expect(b).toMatchObject({ ...exact, timestamp: new Date(exact.ts).toISOString() });
        expect(b.avg).toBeCloseTo(avg, 9);
      });
    });

    it('keeps the raw form (mode "raw", points) below maxPoints and without it', async () => {
      const json = await body(await http.request(url('temp', 'maxPoints=500&limit=2')));
      expect(json).toMatchObject({ mode: 'raw', truncated: true, limit: 2 });
      expect(json.buckets).toBeUndefined();
      expect(json.points).toEqual([98, 99].map((i) => ({ ts: BASE + i * STEP_MS, timestamp: new Date(BASE + i * STEP_MS).toISOString(), value: i, text: null, quality: 'good' })));
      const bad = await body(await http.request(url('temp', 'limit=100')));
      expect(bad.points[5]).toMatchObject({ value: null, quality: 'bad_comm' });
    });

    it("reads this collector's tag, never another line's with the same names; a retired tag by name; 404 for one never known", async () => {
      const a = await body(await http.request(url('temp', 'limit=1')));
      expect(a.points[0].value).toBe(99); // line-b stores 1099 under the same device and tag
      const other = await body(await http.request(url('other', 'limit=1')));
      expect(other.points[0].value).toBe(-99);
      const b = appOn(source, 'line-b');
      try {
        expect((await body(await b.request(url('temp', 'limit=1')))).points[0].value).toBe(1099);
        expect((await b.request(url('other', 'limit=1'))).status).toBe(404);
      } finally {
        b.close();
      }
      expect((await http.request(url('nope', ''))).status).toBe(404);
    });

    it('documents maxPoints, the buckets form and the 503 in the OpenAPI document', () => {
      const op = (http.document().paths as Record<string, any>)['/api/tags/{name}/history'].get;
      expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['from', 'to', 'limit', 'maxPoints']));
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '503']));
      const schema = (http.document().components!.schemas as Record<string, any>).TagHistory;
      expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['mode', 'points', 'bucketMs', 'buckets']));
    });

    it('400 names maxPoints when it is not a whole number from 1 to 10000', async () => {
      for (const q of ['maxPoints=0', 'maxPoints=10001', 'maxPoints=abc']) {
        const res = await http.request(url('temp', q));
        expect(res.status, q).toBe(400);
        expect((await body(res)).error.field, q).toBe('maxPoints');
      }
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'jsscada-history-http-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

historyContract('history API on a SQLite sink', async () => {
  const file = join(dir, 'values.db');
  createSqliteFixture(file);
  return new SqliteHistory(file);
});

describe.skipIf(NO_PG)(`history API on a PostgreSQL sink ${NO_PG ? SKIP_REASON : ''}`, () => {
  const schema = uniqueSchema('hist_api');
  afterAll(async () => dropSchema(PG_URL!, schema));
  historyContract('(real server)', async () => {
    await createPgFixture(PG_URL!, schema);
    return new PostgresHistory({ url: PG_URL, schema });
  });

  it('answers 503 with the reason when the database is down (nothing listens on its port)', async () => {
    const history = new PostgresHistory({ host: '127.0.0.1', port: await closedPort(), user: 'jsscada', database: 'jsscada', schema });
    const http = appOn(history);
    try {
      const res = await http.request(url('temp', 'maxPoints=10'));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      const { error } = await body(res);
      expect(error.code).toBe('SINK_UNAVAILABLE');
      expect(error.message).toMatch(/^the value database is unavailable: PostgreSQL history: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    } finally {
      http.close();
      await history.close();
    }
  });
});
