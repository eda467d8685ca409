import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
const db = new Database('/tmp/qp.db');
db.exec(readFileSync('config/sqlite/values.sql','utf8'));
const rows = db.prepare('select count(*) n from tag_data').get().n;
if (rows === 0) {
  db.exec(`INSERT INTO collectors (name, instance_id) VALUES ('bench','b'); INSERT INTO tags (collector_id, device, name, created_at, updated_at) VALUES (1,'plc1','fast',0,0),(1,'plc2','slow',0,0);`);
  db.exec(`WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM s WHERE i < 863999) INSERT INTO tag_data SELECT 1, 1700000000000 + i*100, i % 1000, NULL, 0 FROM s`);
  db.exec(`WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM s WHERE i < 777599) INSERT INTO tag_data SELECT 2, 1700000000000 + (i/9)*1000 + (i%9) + 50, i % 100, NULL, 0 FROM s`);
  db.exec('ANALYZE');
}
const from = 1700000000000, to = from + 86400000 - 1, w = 86400n;
const sqlG = `SELECT (ts / @w) * @w AS bucket, min(value), max(value), avg(value), count(*), sum(quality<>0), max(ts) FROM tag_data WHERE tag_id = 1 AND ts BETWEEN @from AND @to GROUP BY ts / @w`;
console.log(db.prepare('EXPLAIN QUERY PLAN ' + sqlG).all({w, from, to}).map(r => r.detail));
let t = performance.now(); db.prepare(sqlG).all({w, from, to}); console.log('group by', performance.now() - t);
const scan = `SELECT count(*), min(value), max(value) FROM tag_data WHERE tag_id = 1 AND ts BETWEEN @from AND @to`;
t = performance.now(); db.prepare(scan).get({from, to}); console.log('plain scan', performance.now() - t);
const per = db.prepare(`SELECT min(value), max(value), avg(value), count(*), sum(quality<>0), max(ts) FROM tag_data WHERE tag_id = 1 AND ts BETWEEN @a AND @b`);
t = performance.now(); const W = 86400; for (let b = from; b <= to; b += W) per.get({a: b, b: b + W - 1}); console.log('per bucket', performance.now() - t);
t = performance.now(); let n=0; for (const r of db.prepare('SELECT ts, value, quality FROM tag_data WHERE tag_id = 1 AND ts BETWEEN @from AND @to').raw().iterate({from,to})) n++; console.log('js iterate', performance.now() - t, n);
