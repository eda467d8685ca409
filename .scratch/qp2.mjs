import Database from 'better-sqlite3';
const db = new Database('/tmp/qp.db', { readonly: true });
const from = 1700000000000, to = from + 86400000 - 1, w = 86400n;
const sqlG = `SELECT (ts / @w) * @w AS bucket, min(value), max(value), avg(value), count(*), sum(quality<>0), max(ts) FROM tag_data WHERE tag_id = 1 AND ts BETWEEN @from AND @to GROUP BY ts / @w`;
const full = `SELECT min(value), max(value), avg(value), count(*), sum(quality<>0), max(ts) FROM tag_data WHERE tag_id = 1 AND ts BETWEEN @from AND @to`;
const cnt = `SELECT count(*) FROM tag_data WHERE ts BETWEEN @from AND @to`;
const per = db.prepare(`SELECT min(value), max(value), avg(value), count(*), sum(quality<>0), max(ts) FROM tag_data WHERE tag_id = 1 AND ts BETWEEN @a AND @b`);
const g = db.prepare(sqlG), f = db.prepare(full), c = db.prepare(cnt);
for (let k = 0; k < 3; k++) {
  let t = performance.now(); g.all({w, from, to}); const tg = performance.now() - t;
  t = performance.now(); f.get({from, to}); const tf = performance.now() - t;
  t = performance.now(); c.get({from, to}); const tc = performance.now() - t;
  t = performance.now(); const W = 86400; for (let b = from; b <= to; b += W) per.get({a: b, b: b + W - 1}); const tp = performance.now() - t;
  console.log({ groupBy: tg|0, fullAgg: tf|0, countOnly: tc|0, perBucket: tp|0 });
}
