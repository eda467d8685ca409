/**
 * History reads over a week of a 100 ms tag: 6,048,000 rows of one tag over 7 days, beside
 * other tags' rows in the same week (9 tags at 1 s: 5.4 M rows), so a reader that cannot go
 * straight to one tag's rows pays for everyone's. For SQLite and PostgreSQL, on the shipped
 * DDL, through the product readers (SqliteHistory: its worker thread; PostgresHistory: its pool):
 *   - a 7-day trend at maxPoints=1000 (buckets in the database),
 *   - a 1-hour raw read (limit 10,000, the API's largest: the newest 10,000 of 36,000 rows),
 *   - a 1-hour trend at maxPoints=1000 (buckets of 3.6 s).
 * Each read ends at a slightly different time (a moving window), warm caches (a trend page
 * refreshing). SQLite also reports how long the same bucket query takes on the main thread: the
 * event-loop block a reader without the worker would cause.
 * The readers cache whole buckets that are over (bucket-cache.ts), so repeated reads (a moving
 * window, as a trend page refreshes) are warm; the "cold" lines start from an empty cache.
 *   npx tsx bench/history.ts [--quick] [--days=7] [--runs=20] [--tag-index] [--skip-sqlite] [--skip-postgres]
 * PostgreSQL part: JSSCADA_TEST_PG_URL (else skipped). --tag-index: SQLite again with a
 * (tag_id, ts) index, for comparison (not in the shipped DDL: it slows inserts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { HistoryKey, HistoryQuery, HistorySource } from '../src/io/sink/history/history-source.js';
import { PostgresHistory } from '../src/io/sink/history/postgres-history.js';
import { SqliteHistory } from '../src/io/sink/history/sqlite-history.js';
import { BucketCache } from '../src/io/sink/history/bucket-cache.js';
import { SqliteHistoryQueries } from '../src/io/sink/history/sqlite-queries.js';
import { packageRoot } from '../src/package-root.js';
import { printHeader } from './lib/machine.js';
import { isQuick, option, table } from './lib/result.js';
import { fixed, int, summarize, type Summary } from './lib/stats.js';

const quick = isQuick();
const DAYS = option('days', quick ? 1 : 7);
const RUNS = option('runs', quick ? 5 : 20);
const RAW_RUNS = option('raw-runs', quick ? 20 : 100);
const OTHERS = 9;
const DAY = 86_400_000;
const END = Date.UTC(2026, 0, 8); // the week ends here
const START = END - DAYS * DAY;
const MAIN_ROWS = (DAYS * DAY) / 100;
const OTHER_ROWS = (DAYS * DAY) / 1000;
const KEY: HistoryKey = { collector: 'bench', device: 'plc1', tag: 'fast' };
const dir = mkdtempSync(join(tmpdir(), 'jsscada-bench-history-'));
const ddl = (...p: string[]) => readFileSync(join(packageRoot(), 'config', ...p), 'utf8');

interface Case {
  readonly name: string;
  readonly runs: number;
  readonly query: (shift: number) => HistoryQuery;
}
const CASES: Case[] = [
  { name: `${DAYS}-day trend, maxPoints=1000`, runs: RUNS, query: (s) => ({ from: START + s, to: END - 1 + s, limit: 10_000, maxPoints: 1000 }) },
  { name: '1-hour raw read, limit 10,000', runs: RAW_RUNS, query: (s) => ({ from: END - 3_600_000 - s, to: END - 1 - s, limit: 10_000 }) },
  { name: '1-hour trend, maxPoints=1000', runs: RAW_RUNS, query: (s) => ({ from: END - 3_600_000 - s, to: END - 1 - s, limit: 10_000, maxPoints: 1000 }) },
];

const rows: (string | number)[][] = [];
function record(db: string, name: string, s: Summary, answer: string): void {
  rows.push([db, name, s.n, fixed(s.p50, 1), fixed(s.p99, 1), fixed(s.max, 1), answer]);
  console.log(`${db.padEnd(22)} ${name.padEnd(32)} p50 ${fixed(s.p50, 1).padStart(8)} ms  p99 ${fixed(s.p99, 1).padStart(8)} ms  (${s.n} runs; ${answer})`);
}

async function measure(db: string, source: HistorySource): Promise<void> {
  for (const c of CASES) {
    const times: number[] = [];
    let answer = '';
    await source.read(KEY, c.query(0)); // warm-up (thread start, plans, cache)
    for (let i = 0; i < c.runs; i++) {
      const shift = (i * 7_919) % 60_000; // up to a minute, different each run
      const t0 = performance.now();
      const r = await source.read(KEY, c.query(shift));
      times.push(performance.now() - t0);
      answer = r.kind === 'buckets' ? `${r.buckets.length} buckets of ${r.bucketMs} ms` : `${r.points.length} points`;
    }
    record(db, c.name, summarize(times), answer);
  }
}

function timed<T>(what: string, fn: () => T): T {
  const t0 = performance.now();
  const out = fn();
  console.log(`  ${what}: ${fixed((performance.now() - t0) / 1000, 1)} s`);
  return out;
}

async function timedAsync<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  console.log(`  ${what}: ${fixed((performance.now() - t0) / 1000, 1)} s`);
  return out;
}

/** The SQLite value file: the main tag and the others, inserted in time order as a collector would. */
function buildSqlite(file: string, tagIndex: boolean): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  db.exec(ddl('sqlite', 'values.sql'));
  db.prepare("INSERT INTO collectors (name, instance_id) VALUES ('bench', 'bench')").run();
  db.prepare("INSERT INTO collectors (name, instance_id) VALUES ('other-line', 'other')").run();
  // Another line's tag with the same name first: the reader must pick bench's.
  db.prepare("INSERT INTO tags (collector_id, device, name, created_at, updated_at) VALUES (2, 'plc1', 'fast', 0, 0)").run();
  const main = Number(db.prepare("INSERT INTO tags (collector_id, device, name, created_at, updated_at) VALUES (1, 'plc1', 'fast', 0, 0)").run().lastInsertRowid);
  const others = Array.from({ length: OTHERS }, (_, i) => Number(db.prepare('INSERT INTO tags (collector_id, device, name, created_at, updated_at) VALUES (1, ?, ?, 0, 0)').run('plc2', `slow${i}`).lastInsertRowid));
  // Generated in SQL (a recursive CTE), one day a transaction: time order, every tag together.
  const insertMain = db.prepare(
    `WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < @n - 1)
     INSERT INTO tag_data (tag_id, ts, value, text_value, quality)
     SELECT @tag, @t0 + i * 100, 500 + 400 * sin(i / 3000.0) + (i % 17), NULL, CASE WHEN i % 1000 = 999 THEN 1 ELSE 0 END FROM s`,
  );
  const insertOthers = db.prepare(
    `WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < @n - 1)
     INSERT INTO tag_data (tag_id, ts, value, text_value, quality)
     SELECT @tag, @t0 + i * 1000 + 50, i % 100, NULL, 0 FROM s`,
  );
  timed(`SQLite: ${int(MAIN_ROWS + OTHERS * OTHER_ROWS)} rows`, () => {
    for (let d = 0; d < DAYS; d++) {
      db.transaction(() => {
        const t0 = BigInt(START + d * DAY);
        insertMain.run({ n: BigInt(DAY / 100), tag: BigInt(main), t0 });
        for (const tag of others) insertOthers.run({ n: BigInt(DAY / 1000), tag: BigInt(tag), t0 });
      })();
    }
  });
  if (tagIndex) timed('SQLite: CREATE INDEX (tag_id, ts)', () => db.exec('CREATE INDEX tag_data_tag_ts ON tag_data (tag_id, ts)'));
  timed('SQLite: ANALYZE', () => db.exec('ANALYZE'));
  db.close();
}

async function sqlitePart(tagIndex: boolean): Promise<void> {
  const label = tagIndex ? 'SQLite + (tag_id, ts)' : 'SQLite';
  const file = join(dir, tagIndex ? 'indexed.db' : 'values.db');
  buildSqlite(file, tagIndex);
  const source = new SqliteHistory(file);
  try {
    await measure(label, source);
  } finally {
    await source.close();
  }
  // The same bucket query on the main thread: what the event loop would be blocked for; and,
  // for the record, the one-statement GROUP BY (ts / width) it replaced (a temp B-tree sort).
  const db = new Database(file, { readonly: true });
  const groupBy = db.prepare(
    `SELECT (ts / @width) * @width AS ts, min(value), max(value), avg(value), count(*), sum(quality <> 0), max(ts)
     FROM tag_data WHERE tag_id = @tag AND ts BETWEEN @from AND @to GROUP BY ts / @width`,
  );
  const tag = (db.prepare("SELECT t.id FROM tags t JOIN collectors c ON c.id = t.collector_id WHERE c.name = 'bench' AND t.name = 'fast'").get() as { id: number }).id;
  const perBucket: number[] = [];
  const grouped: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 5); i++) {
    const query = CASES[0]!.query((i * 7_919) % 60_000);
    let t0 = performance.now();
    new SqliteHistoryQueries(db, new BucketCache()).read(KEY, query); // cold: no cached buckets
    perBucket.push(performance.now() - t0);
    t0 = performance.now();
    groupBy.all({ tag, from: query.from, to: query.to, width: BigInt(Math.ceil((query.to - query.from + 1) / 1000)) });
    grouped.push(performance.now() - t0);
  }
  db.close();
  record(label, `${DAYS}-day trend, cold, main thread`, summarize(perBucket), 'no cached buckets; the event-loop block without the worker');
  record(label, `${DAYS}-day, one GROUP BY, main thread`, summarize(grouped), 'the single-statement form, for comparison');
  rmSync(file, { force: true });
}

async function postgresPart(url: string): Promise<void> {
  const schema = `bench_history_${process.pid}`;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
    await c.query(ddl('postgres', 'schema.sql'));
    await c.query("INSERT INTO collectors (name, instance_id) VALUES ('other-line', 'other'), ('bench', 'bench')");
    await c.query("INSERT INTO tags (collector_id, device, name) SELECT id, 'plc1', 'fast' FROM collectors ORDER BY id");
    await c.query(`INSERT INTO tags (collector_id, device, name) SELECT c.id, 'plc2', 'slow' || g FROM collectors c, generate_series(0, ${OTHERS - 1}) g WHERE c.name = 'bench'`);
    const { rows: tags } = await c.query<{ id: number; name: string }>("SELECT t.id, t.name FROM tags t JOIN collectors c ON c.id = t.collector_id WHERE c.name = 'bench' ORDER BY t.id");
    const main = tags.find((t) => t.name === 'fast')!.id;
    const others = tags.filter((t) => t.name !== 'fast').map((t) => t.id);
    await timedAsync(`PostgreSQL: ${int(MAIN_ROWS + OTHERS * OTHER_ROWS)} rows`, async () => {
      for (let d = 0; d < DAYS; d++) {
        const t0 = START + d * DAY;
        await c.query(
          `INSERT INTO tag_data (tag_id, ts, value, text_value, quality)
           SELECT $1, TIMESTAMPTZ 'epoch' + ($2::bigint + i * 100) * INTERVAL '1 millisecond', 500 + 400 * sin(i / 3000.0) + (i % 17), NULL, CASE WHEN i % 1000 = 999 THEN 1 ELSE 0 END
           FROM generate_series(0::bigint, $3::bigint - 1) i`,
          [main, t0, DAY / 100],
        );
        await c.query(
          `INSERT INTO tag_data (tag_id, ts, value, text_value, quality)
           SELECT t, TIMESTAMPTZ 'epoch' + ($2::bigint + i * 1000 + 50) * INTERVAL '1 millisecond', i % 100, NULL, 0
           FROM unnest($1::int[]) t, generate_series(0::bigint, $3::bigint - 1) i`,
          [others, t0, DAY / 1000],
        );
      }
    });
    await timedAsync('PostgreSQL: VACUUM ANALYZE', () => c.query('VACUUM ANALYZE tag_data'));
    const version = await c.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    const label = `PostgreSQL ${version.rows[0]!.v.split(' ')[0]}`;
    const source = new PostgresHistory({ url, schema });
    try {
      await measure(label, source);
    } finally {
      await source.close();
    }
    // Cold: a new reader (empty bucket cache) per read; its connect is part of the time.
    const cold: number[] = [];
    for (let i = 0; i < Math.min(RUNS, 10); i++) {
      const fresh = new PostgresHistory({ url, schema });
      const t0 = performance.now();
      await fresh.read(KEY, CASES[0]!.query((i * 7_919) % 60_000));
      cold.push(performance.now() - t0);
      await fresh.close();
    }
    record(label, `${DAYS}-day trend, cold`, summarize(cold), 'no cached buckets, new connection');
  } finally {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await c.end();
  }
}

async function main(): Promise<void> {
  printHeader('History reads: a week of a 100 ms tag', import.meta.url);
  console.log(`data: ${int(MAIN_ROWS)} rows of one tag at 100 ms over ${DAYS} day(s), plus ${OTHERS} tags at 1 s (${int(OTHERS * OTHER_ROWS)} rows) in the same time range`);
  try {
    if (!process.argv.includes('--skip-sqlite')) await sqlitePart(false);
    if (process.argv.includes('--tag-index')) await sqlitePart(true);
    const url = process.env.JSSCADA_TEST_PG_URL;
    if (process.argv.includes('--skip-postgres')) console.log('PostgreSQL: skipped (--skip-postgres)');
    else if (url) await postgresPart(url);
    else console.log('PostgreSQL: skipped (JSSCADA_TEST_PG_URL is not set)');
    console.log(`\n${table(['database', 'read', 'runs', 'p50 ms', 'p99 ms', 'max ms', 'answer'], rows, ['l', 'l', 'r', 'r', 'r', 'r', 'l'])}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
