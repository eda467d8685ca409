import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { startCollector, type RunningCollector } from '../../src/app.js';
import { silentLogger } from '../../src/log.js';
import type { ModbusSimulator } from '../../src/io/modbus/simulator/index.js';
import { packageRoot } from '../../src/package-root.js';
import { dropSchema, NO_PG, PG_URL, SKIP_REASON, uniqueSchema, withClient } from '../io/sink/postgres/pg-env.js';
import { modbusPlant, modbusWith, sleep, until, type SimTag } from './support/sim-plants.js';

/**
 * Many collectors, one plant database (issue 11). Finding: two collectors writing to one
 * PostgreSQL stored plant B's values under plant A's tag names (ids were each collector's local
 * SQLite ids), and rows of B on the same (tag_id, ms) as A were dropped without a count.
 */

const dirs: string[] = [];
const sims: ModbusSimulator[] = [];
const children: ChildProcess[] = [];
const schemas: string[] = [];
afterAll(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const s of sims.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  if (PG_URL) for (const s of schemas.splice(0)) await dropSchema(PG_URL, s);
});

interface StopLine {
  polls: { group: string; ok: number; errors: number }[];
  delivery: { rowsWritten: number; rowsInserted: number; spooledRows: number; rejectedRows: number };
  drained: boolean;
  unwritten: number;
}

/** `node bin/jsscada.js run` (never npx: it does not pass SIGTERM on), JSON log lines on stdout. */
function spawnCollector(configFile: string, dataDir: string): { child: ChildProcess; stopped: Promise<{ code: number | null; line: StopLine | null; stderr: string }> } {
  const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'jsscada.js'), 'run', '--config', configFile, '--data', dataDir, '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const stopped = new Promise<{ code: number | null; line: StopLine | null; stderr: string }>((resolve) =>
    child.on('exit', (code) => {
      const line = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg?: string } & StopLine)
        .find((l) => l.msg === 'collector stopped');
      resolve({ code, line: line ?? null, stderr: err });
    }),
  );
  return { child, stopped };
}

describe.skipIf(NO_PG)(`many collectors, one PostgreSQL (${NO_PG ? SKIP_REASON : 'JSSCADA_TEST_PG_URL'})`, () => {
  it('three collector processes with the same device, tag names and local ids, 20 s: every value is its own collector\'s, rows per tag = polls, none lost', async () => {
    const url = PG_URL!;
    const schema = uniqueSchema('multi');
    schemas.push(schema);
    const lines = ['line-1', 'line-2', 'line-3'];
    const plants = await Promise.all(
      lines.map(async (name, i) => {
        const tags: SimTag[] = [
          { name: 't1', hr: 100, value: (i + 1) * 1000 + 100 },
          { name: 't2', hr: 101, value: (i + 1) * 1000 + 101 },
        ];
        const sim = await modbusWith(tags);
        sims.push(sim);
        const dir = mkdtempSync(join(tmpdir(), `jsscada-${name}-`));
        dirs.push(dir);
        const file = join(dir, 'plant.yaml');
        const plant = modbusPlant({ collector: name, port: sim.port, tags, sink: { kind: 'postgres', url, schema, poolSize: 2 } });
        writeFileSync(file, stringify(plant));
        return { name, tags, dir, file };
      }),
    );
    const runs = plants.map((p) => ({ ...p, ...spawnCollector(p.file, join(p.dir, 'data')) }));
    await sleep(20_000);
    for (const r of runs) r.child.kill('SIGTERM');
    const results = await Promise.all(runs.map((r) => r.stopped));

    await withClient(url, async (c) => {
      await c.query(`SET search_path TO "${schema}"`);
      for (const [i, r] of runs.entries()) {
        const { code, line, stderr } = results[i]!;
        expect(code, `${r.name} exit code; stderr: ${stderr}`).toBe(0);
        expect(line, `${r.name} logged its stop`).not.toBeNull();
        const polls = line!.polls.find((g) => g.group === 'fast')!;
        expect(polls.errors).toBe(0);
        expect(polls.ok).toBeGreaterThan(50); // 20 s at 100 ms, less the processes' start
        const stored = (
          await c.query<{ tag: string; device: string; n: number; lo: number; hi: number }>(
            'SELECT tag, device, count(*)::int AS n, min(value) AS lo, max(value) AS hi FROM tag_values WHERE collector = $1 GROUP BY tag, device ORDER BY tag',
            [r.name],
          )
        ).rows;
        // Every stored value is the one this collector's own simulator holds.
        expect(stored, r.name).toEqual(r.tags.map((t) => ({ tag: t.name, device: 'plc', n: polls.ok, lo: t.value, hi: t.value })));
        // Nothing lost, nothing spooled, nothing swallowed as a duplicate.
        expect(line!.delivery).toMatchObject({ rowsWritten: 2 * polls.ok, rowsInserted: 2 * polls.ok, spooledRows: 0, rejectedRows: 0 });
        expect(line).toMatchObject({ drained: true, unwritten: 0 });
      }
      const tags = (await c.query<{ collector: string; n: number }>('SELECT c.name AS collector, count(*)::int AS n FROM tags t JOIN collectors c ON c.id = t.collector_id GROUP BY c.name ORDER BY c.name')).rows;
      expect(tags).toEqual(lines.map((collector) => ({ collector, n: 2 })));
    });
  }, 90_000);

  it('ten collectors starting at the same instant on an empty database: no error, no duplicate tag', async () => {
    const url = PG_URL!;
    const schema = uniqueSchema('ten');
    schemas.push(schema);
    const tags: SimTag[] = Array.from({ length: 20 }, (_, i) => ({ name: `t${i}`, hr: i, value: i }));
    const sim = await modbusWith(tags);
    sims.push(sim);
    const running: RunningCollector[] = await Promise.all(
      Array.from({ length: 10 }, (_, i) => {
        const dir = mkdtempSync(join(tmpdir(), 'jsscada-ten-'));
        dirs.push(dir);
        return startCollector({ plant: modbusPlant({ collector: `c${i}`, port: sim.port, tags, sink: { kind: 'postgres', url, schema, poolSize: 1 } }), dataDir: dir, logger: silentLogger() });
      }),
    );
    try {
      await until(() => running.every((r) => r.delivery.metrics().rowsWritten >= 40), 30_000, 'rows from every collector');
    } finally {
      for (const r of running) await r.stop();
    }
    for (const r of running) expect(r.delivery.metrics()).toMatchObject({ health: 'ok', spooledRows: 0, lastError: null });
    await withClient(url, async (c) => {
      await c.query(`SET search_path TO "${schema}"`);
      expect((await c.query('SELECT count(*)::int AS n FROM collectors')).rows[0]).toEqual({ n: 10 });
      expect((await c.query('SELECT count(*)::int AS n, count(DISTINCT (collector_id, device, name))::int AS k FROM tags')).rows[0]).toEqual({ n: 200, k: 200 });
      expect((await c.query('SELECT version FROM schema_version')).rows).toEqual([{ version: 2 }]);
      // Each collector's rows name its own tags.
      const wrong = await c.query("SELECT count(*)::int AS n FROM tag_values WHERE value <> substring(tag FROM 2)::float8");
      expect(wrong.rows[0]).toEqual({ n: 0 });
    });
  }, 60_000);
});
