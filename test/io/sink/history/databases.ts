import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { packageRoot } from '../../../../src/package-root.js';
import { withClient } from '../postgres/pg-env.js';
import { FIXTURE_TAGS, fixtureRows } from './fixture.js';

const ddl = (...parts: string[]) => readFileSync(join(packageRoot(), 'config', ...parts), 'utf8');

/** A SQLite value file from the shipped DDL and plain SQL (no sink code): returns the tag ids. */
export function createSqliteFixture(file: string): number[] {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.exec(ddl('sqlite', 'values.sql'));
    const collectorId = new Map<string, number>();
    for (const name of ['line-a', 'line-b']) {
      collectorId.set(name, Number(db.prepare('INSERT INTO collectors (name, instance_id) VALUES (?, ?)').run(name, `${name}-instance`).lastInsertRowid));
    }
    const ids = FIXTURE_TAGS.map((t) =>
      Number(db.prepare('INSERT INTO tags (collector_id, device, name, created_at, updated_at) VALUES (?, ?, ?, 0, 0)').run(collectorId.get(t.collector), t.device, t.name).lastInsertRowid),
    );
    const insert = db.prepare('INSERT INTO tag_data (tag_id, ts, value, text_value, quality) VALUES (?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (const r of fixtureRows()) insert.run(ids[r.tag], r.ts, r.value, r.text, r.quality);
    })();
    return ids;
  } finally {
    db.close();
  }
}

/** The same in a fresh PostgreSQL schema (database-assigned ids): returns the tag ids. */
export async function createPgFixture(url: string, schema: string): Promise<number[]> {
  return withClient(url, async (c) => {
    await c.query(`CREATE SCHEMA "${schema}"`);
    await c.query(`SET search_path TO "${schema}"`);
    await c.query(ddl('postgres', 'schema.sql'));
    const collectors = new Map<string, number>();
    for (const name of ['line-a', 'line-b']) {
      const r = await c.query<{ id: number }>('INSERT INTO collectors (name, instance_id) VALUES ($1, $2) RETURNING id', [name, `${name}-instance`]);
      collectors.set(name, r.rows[0]!.id);
    }
    const ids: number[] = [];
    for (const t of FIXTURE_TAGS) {
      const r = await c.query<{ id: number }>('INSERT INTO tags (collector_id, device, name) VALUES ($1, $2, $3) RETURNING id', [collectors.get(t.collector), t.device, t.name]);
      ids.push(r.rows[0]!.id);
    }
    const rows = fixtureRows();
    await c.query(
      `INSERT INTO tag_data (tag_id, ts, value, text_value, quality)
       SELECT t, TIMESTAMPTZ 'epoch' + ms * INTERVAL '1 millisecond', v, x, q
       FROM unnest($1::int[], $2::bigint[], $3::float8[], $4::text[], $5::smallint[]) AS r(t, ms, v, x, q)`,
      [rows.map((r) => ids[r.tag]), rows.map((r) => r.ts), rows.map((r) => r.value), rows.map((r) => r.text), rows.map((r) => r.quality)],
    );
    return ids;
  });
}
