import { describe, expect, it } from 'vitest';
import type { HistoryResult } from '../../../../src/io/sink/history/history-source.js';
import { OracleHistory } from '../../../../src/io/sink/history/oracle-history.js';
import { bucketsSql, collectorTagsSql, countSql, newestSql, rawSql, tagIdSql, TS_MS } from '../../../../src/io/sink/history/oracle-sql.js';
import { fakeOracle, type FakeOracle } from '../oracle/fake-oracledb.js';
import { BASE, expectedBuckets, FIXTURE_TAGS, fixtureRows, STEP_MS } from './fixture.js';

const ENV = { ORACLE_USER: 'jsscada', ORACLE_PASSWORD: 'secret', ORACLE_CONNECT_STRING: 'db:1521/XEPDB1' };
const OPTIONS = { envFile: '/nonexistent/.env' };

/**
 * The fake database answers the reader's statements (recognised by their text) from the
 * fixture rows, reading every value from the binds at the positions the SQL text puts them:
 * a bind in the wrong order answers wrongly and fails the test.
 */
function answering(db: FakeOracle): void {
  const ids = FIXTURE_TAGS.map((_, i) => 101 + i * 7); // database-assigned ids, unlike the indexes
  const rows = fixtureRows().map((r) => ({ ...r, id: ids[r.tag]! }));
  const inRange = (id: unknown, from: unknown, to: unknown) => rows.filter((r) => r.id === id && r.ts >= Number(from) && r.ts <= Number(to)).sort((a, b) => a.ts - b.ts);
  const asRow = (r: (typeof rows)[number]) => [r.ts, r.value, r.text, r.quality];
  db.onSelect = (sql, b) => {
    if (sql === tagIdSql('', null, '').sql || sql === tagIdSql('', '', '').sql) {
      const found = FIXTURE_TAGS.map((t, i) => ({ ...t, id: ids[i]! })).filter((t) => t.collector === b[0] && t.name === b[1] && (b.length === 2 || t.device === b[2]));
      return found.length === 0 ? [] : [[Math.max(...found.map((t) => t.id))]];
    }
    if (sql === countSql(0, 0, 0, 0).sql) return [[Math.min(Number(b[3]), inRange(b[0], b[1], b[2]).length)]];
    if (sql === rawSql(0, 0, 0, 0).sql) return inRange(b[0], b[1], b[2]).reverse().slice(0, Number(b[3])).map(asRow);
    if (sql === bucketsSql(0, 0, 0, 0).sql) {
      const width = Number(b[0]);
      expect(b[1]).toBe(width);
      const groups = new Map<number, typeof rows>();
      for (const r of inRange(b[2], b[3], b[4])) {
        const start = Math.floor(r.ts / width) * width;
        groups.set(start, [...(groups.get(start) ?? []), r]);
      }
      return [...groups].map(([start, g]) => {
        const good = g.map((r) => r.value).filter((v): v is number => v !== null);
        return [start, Math.min(...good), Math.max(...good), good.reduce((a, v) => a + v, 0) / good.length, g.length, g.filter((r) => r.quality !== 0).length, g.at(-1)!.value];
      });
    }
    if (sql === collectorTagsSql('').sql) return FIXTURE_TAGS.flatMap((t, i) => (t.collector === b[0] ? [[ids[i], t.device, t.name]] : []));
    if (sql === newestSql(0).sql) return rows.filter((r) => r.id === b[0]).sort((x, y) => y.ts - x.ts).slice(0, 1).map(asRow);
    throw new Error(`unexpected SELECT: ${sql.slice(0, 60)}`);
  };
}

function reader(db: FakeOracle): OracleHistory {
  return new OracleHistory(OPTIONS, () => Promise.resolve(db), ENV);
}

const A = { collector: 'line-a', device: 'plc1', tag: 'temp' } as const;
const B = { collector: 'line-b', device: 'plc1', tag: 'temp' } as const;
const range = { from: BASE, to: BASE + 9_999, limit: 1000 };
const buckets = (r: HistoryResult) => (r.kind === 'buckets' ? r : expect.unreachable(`expected buckets, got ${r.kind}`));
const points = (r: HistoryResult) => (r.kind === 'points' ? r : expect.unreachable(`expected points, got ${r.kind}`));

describe('Oracle history SQL', () => {
  it('binds each placeholder once, in order, as many as the binds given', () => {
    for (const s of [tagIdSql('c', null, 't'), tagIdSql('c', 'd', 't'), countSql(1, 2, 3, 4), rawSql(1, 2, 3, 4), bucketsSql(1, 2, 3, 4), collectorTagsSql('c'), newestSql(1)]) {
      const placeholders = [...s.sql.matchAll(/(?<=[\s(]):(\d+)/g)].map((m) => Number(m[1]));
      expect(placeholders, s.sql).toEqual(s.binds.map((_, i) => i + 1));
    }
  });

  it('turns times into TIMESTAMPs and back by arithmetic from the epoch (no session time zone), buckets by FLOOR, last by KEEP DENSE_RANK LAST', () => {
    const b = bucketsSql(7, 1000, 2000, 60_000);
    expect(b.binds).toEqual([60_000, 60_000, 7, 1000, 2000]);
    expect(b.sql).toContain(`FLOOR(${TS_MS} / :1) * :2 AS BUCKET`);
    expect(b.sql).toContain('MAX(VALUE) KEEP (DENSE_RANK LAST ORDER BY TS)');
    expect(b.sql).toContain(`TS BETWEEN TIMESTAMP '1970-01-01 00:00:00' + NUMTODSINTERVAL(:4 / 1000, 'SECOND') AND TIMESTAMP '1970-01-01 00:00:00' + NUMTODSINTERVAL(:5 / 1000, 'SECOND')`);
    expect(TS_MS).toBe(
      "(EXTRACT(DAY FROM (TS - TIMESTAMP '1970-01-01 00:00:00')) * 86400000 + EXTRACT(HOUR FROM (TS - TIMESTAMP '1970-01-01 00:00:00')) * 3600000 + EXTRACT(MINUTE FROM (TS - TIMESTAMP '1970-01-01 00:00:00')) * 60000 + ROUND(EXTRACT(SECOND FROM (TS - TIMESTAMP '1970-01-01 00:00:00')) * 1000))",
    );
    expect(rawSql(1, 2, 3, 4).sql).toMatch(/ORDER BY TS DESC FETCH FIRST :4 ROWS ONLY$/);
    expect(countSql(1, 2, 3, 4).sql).toMatch(/^SELECT COUNT\(\*\) FROM \(SELECT 1 FROM TAG_DATA WHERE .* FETCH FIRST :4 ROWS ONLY\)$/);
  });
});

describe('Oracle history (fake driver)', () => {
  it('buckets, raw points and two collectors apart, through one pooled connection with the limits set', async () => {
    const db = fakeOracle();
    answering(db);
    const h = reader(db);
    try {
      const a = buckets(await h.read(A, { ...range, maxPoints: 10 }));
      expect(a.bucketMs).toBe(1000);
      const want = expectedBuckets(0);
      expect(a.buckets.map(({ avg, ...rest }) => rest)).toEqual(want.map(({ avg, ...rest }) => rest));
      a.buckets.forEach((x, k) => expect(x.avg).toBeCloseTo(want[k]!.avg, 9));
      expect(buckets(await h.read(B, { ...range, maxPoints: 10 })).buckets.map((x) => x.max)).toEqual(expectedBuckets(1000).map((x) => x.max));

      const raw = points(await h.read(A, { ...range, maxPoints: 100, limit: 3 }));
      expect(raw).toEqual({ kind: 'points', truncated: true, points: [97, 98, 99].map((i) => ({ ts: BASE + i * STEP_MS, value: i, text: null, quality: 0 })) });
      expect(points(await h.read({ collector: 'line-a', device: null, tag: 'temp' }, { ...range, limit: 1 })).points[0]!.value).toBe(99);
      expect(await h.tagExists({ collector: 'line-b', device: null, tag: 'other' })).toBe(false);

      const latest = await h.latest('line-a', [
        { device: 'old', tag: 'temp' },
        { device: 'plc1', tag: 'other' },
      ]);
      expect(Object.fromEntries(latest)).toEqual({
        'old\u0000temp': { ts: BASE - 86_400_000, value: 42, text: null, quality: 0 },
        'plc1\u0000other': { ts: BASE + 99 * STEP_MS, value: -99, text: null, quality: 0 },
      });
      expect(db.lastPool).toMatchObject({ poolMax: 1, queueTimeout: 3000, user: 'jsscada', connectString: 'db:1521/XEPDB1' });
      expect(db.stats.pools).toBe(1);
      expect(new Set(db.selects.map((s) => s.callTimeout))).toEqual(new Set([10_000]));
    } finally {
      await h.close();
    }
  });

  it('a database that is down fails the read as SINK_UNAVAILABLE with the driver code; missing settings as SINK_CONFIG', async () => {
    const db = fakeOracle();
    answering(db);
    db.down = true;
    const h = reader(db);
    await expect(h.read(A, range)).rejects.toMatchObject({ name: 'SinkError', code: 'SINK_UNAVAILABLE', driverCode: 'NJS-503', message: expect.stringMatching(/^Oracle history: NJS-503/) });
    db.down = false;
    expect(points(await h.read(A, { ...range, limit: 1 })).points).toHaveLength(1); // the next read reconnects
    await h.close();

    const unset = new OracleHistory(OPTIONS, () => Promise.resolve(db), {});
    await expect(unset.tagExists(A)).rejects.toMatchObject({ code: 'SINK_CONFIG', message: expect.stringContaining('ORACLE_USER is not set') });
    await unset.close();
  });
});
