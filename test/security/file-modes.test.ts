import { spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import Database from 'better-sqlite3';
import { appendRejects } from '../../src/io/sink/spool/rejects-file.js';
import { Spool } from '../../src/io/sink/spool/spool.js';
import type { RowBatch } from '../../src/io/sink/rows.js';
import { silentLogger } from '../../src/log.js';

/**
 * Issue 12, finding 1 (files): jsscada.db, its WAL, the logs and the spool were created 0644 in
 * a 0755 data dir while the store holds secrets. Everything under the data dir must be for its
 * owner only (dirs 0700, files 0600) whatever the umask: tested with umask 022.
 */

const tmp = mkdtempSync(join(tmpdir(), 'jsscada-modes-'));
let umask: number;
beforeAll(() => void (umask = process.umask(0o022)));
afterAll(() => {
  process.umask(umask);
  rmSync(tmp, { recursive: true, force: true });
});

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);

/** Every entry under `dir` whose mode lets anyone but the owner in: "path mode". */
function openToOthers(dir: string): string[] {
  const out: string[] = [];
  const visit = (path: string): void => {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return;
    const want = st.isDirectory() ? 0o700 : 0o600;
    if ((st.mode & 0o777) !== want) out.push(`${path} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dir);
  return out;
}

const PLANT = `
devices:
  - { name: plc1, protocol: sim, port: 5001 }
groups:
  - name: fast
    device: plc1
    intervalMs: 100
    tags:
      - { name: temp1, address: D100 }
`;

function batch(n: number): RowBatch {
  return { length: n, tagIds: Int32Array.from({ length: n }, (_, i) => i + 1), ts: Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i), values: new Float64Array(n), quality: new Uint8Array(n), texts: null };
}

describe('file modes under umask 022', () => {
  it('the umask of this test lets group and others read new files (so the checks below can fail)', () => {
    const probe = join(tmp, 'probe');
    writeFileSync(probe, 'x');
    expect(mode(probe)).toBe('644');
  });

  it('run: the data dir is 0700 and the store, its WAL and shared memory, the token and the logs are 0600', async () => {
    const data = join(tmp, 'data');
    // An operator made the dir (0755) and an older version left a world-readable log.
    mkdirSync(join(data, 'logs'), { recursive: true, mode: 0o755 });
    chmodSync(data, 0o755);
    writeFileSync(join(data, 'logs', 'jsscada.old.log'), '', { mode: 0o644 });
    const file = join(tmp, 'plant.yaml');
    writeFileSync(file, PLANT);
    const bin = join(process.cwd(), 'bin', 'jsscada.js');
    expect(existsSync(join(process.cwd(), 'dist', 'src', 'cli', 'main.js')), 'run "npm run build" first').toBe(true);
    const child = spawn('/bin/sh', ['-c', `umask 022 && exec "${process.execPath}" "${bin}" run --config "${file}" --data "${data}" --port 0 --host 127.0.0.1`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, JSSCADA_TOKEN: '' },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const db = join(data, 'jsscada.db');
    const rows = (): number => {
      if (!existsSync(db)) return 0;
      const conn = new Database(db, { readonly: true, fileMustExist: true });
      try {
        return (conn.prepare('SELECT COUNT(*) AS n FROM tag_data').get() as { n: number }).n;
      } catch {
        return 0;
      } finally {
        conn.close();
      }
    };
    const deadline = Date.now() + 20_000;
    while ((rows() < 5 || !existsSync(`${db}-wal`)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    try {
      expect(rows(), output).toBeGreaterThanOrEqual(5);
      expect(readdirSync(data).sort(), output).toEqual(expect.arrayContaining(['http-token', 'jsscada.db', 'jsscada.db-shm', 'jsscada.db-wal', 'logs']));
      expect(readdirSync(join(data, 'logs')).length).toBeGreaterThan(1);
      expect(openToOthers(data)).toEqual([]);
    } finally {
      child.kill('SIGTERM');
      expect(await exited, output).toBe(0);
    }
    expect(openToOthers(data)).toEqual([]);
  }, 40_000);

  it('the spool directory and its files are for the owner only', async () => {
    const dir = join(tmp, 'spool-data', 'spool');
    const clock = new SimulatedClock();
    clock.set(Date.UTC(2024, 4, 1, 13));
    const spool = new Spool(dir, { clock, logger: silentLogger() });
    await spool.append(batch(3));
    await spool.close();
    expect(openToOthers(join(tmp, 'spool-data'))).toEqual([]);
  });

  it('the rejects file and its directory are for the owner only', () => {
    const base = join(tmp, 'rejects-data');
    appendRejects(join(base, 'rejects', 'postgres.jsonl'), [{ at: 'now', sink: 'postgres', code: '22003', message: 'out of range', row: { tagId: 1, ts: 1, value: 1, text: null, quality: 0 } }]);
    expect(openToOthers(base)).toEqual([]);
  });
});
