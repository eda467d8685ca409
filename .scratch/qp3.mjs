import Database from 'better-sqlite3';
const db = new Database('/tmp/qp2.db');
let t = performance.now();
db.exec('CREATE INDEX IF NOT EXISTS tag_data_cover ON tag_data (tag_id, ts, value, quality)');
console.log('index', performance.now() - t);
const from = 1700000000000, to = from + 86400000 - 1;
const per = db.prepare(`SELECT min(value), max(value), avg(value), count(*), sum(quality<>0), max(ts) FROM tag_data INDEXED BY tag_data_cover WHERE tag_id = 1 AND ts BETWEEN @a AND @b`);
console.log(db.prepare('EXPLAIN QUERY PLAN SELECT min(value), max(value), avg(value), count(*), sum(quality<>0), max(ts) FROM tag_data WHERE tag_id = 1 AND ts BETWEEN @a AND @b').all({a:from,b:to}).map(r=>r.detail));
for (let k = 0; k < 3; k++) {
  t = performance.now(); const W = 86400; for (let b = from; b <= to; b += W) per.get({a: b, b: b + W - 1}); console.log('perBucket covering', (performance.now() - t)|0);
}
