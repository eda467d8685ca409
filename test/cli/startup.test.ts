import { spawn } from 'node:child_process';
import { closeSync, existsSync, fstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Issue 12, finding 9 (start-up order) and the corrupted-store message: run the built command
 * (`npm run build` first) as an operator would, and look at what it left behind.
 */

const tmp = mkdtempSync(join(tmpdir(), 'jsscada-startup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

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

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function jsscada(args: readonly string[], timeoutMs = 20_000): Promise<Run> {
  const bin = join(process.cwd(), 'bin', 'jsscada.js');
  expect(existsSync(join(process.cwd(), 'dist', 'src', 'cli', 'main.js')), 'run "npm run build" first').toBe(true);
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, JSSCADA_TOKEN: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

function holdPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

describe('start-up order', () => {
  it('with the HTTP port taken, run exits 1 with one line, having imported nothing, printed no token and polled nothing', async () => {
    const data = join(tmp, 'port-taken');
    const file = join(tmp, 'plant.yaml');
    writeFileSync(file, PLANT);
    const held = await holdPort();
    try {
      const run = await jsscada(['run', '--config', file, '--data', data, '--port', String(held.port), '--host', '127.0.0.1', '--log-level', 'warn']);
      expect(run.code, run.stdout + run.stderr).toBe(1);
      // Nothing imported (no store file at all), no token generated or printed.
      const left = existsSync(data) ? readdirSync(data) : [];
      expect(left.filter((f) => f.startsWith('jsscada.db') || f === 'http-token' || f === 'spool')).toEqual([]);
      expect(run.stdout).not.toMatch(/token/i);
      const errorLines = run.stderr.trim().split('\n');
      expect(errorLines, run.stderr).toHaveLength(1);
      expect(errorLines[0]).toMatch(new RegExp(`^jsscada: .*port ${held.port}.*(in use|taken)`));
    } finally {
      held.server.close();
    }
  }, 30_000);

  it('a corrupted store file gets a message naming the file and what to do', async () => {
    const data = join(tmp, 'corrupt');
    mkdirSync(data, { recursive: true });
    const db = join(data, 'jsscada.db');
    writeFileSync(db, Buffer.alloc(8192, 0x5a));
    const run = await jsscada(['run', '--data', data, '--port', '0', '--host', '127.0.0.1', '--log-level', 'warn']);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).not.toContain('[object Object]');
    expect(run.stderr).toContain(db);
    expect(run.stderr).toMatch(/not a (valid|readable) SQLite database/);
    expect(run.stderr).toMatch(/restore .*backup/);
    expect(run.stderr).toMatch(/jsscada import/);

    const exported = await jsscada(['export', '--data', data]);
    expect(exported.code).toBe(1);
    expect(exported.stderr).toContain(db);
    expect(exported.stderr).toMatch(/restore .*backup/);
  }, 30_000);

  it('a store whose header is fine but whose tables are damaged gets the same message', async () => {
    const data = join(tmp, 'damaged');
    const file = join(tmp, 'plant2.yaml');
    writeFileSync(file, PLANT);
    expect((await jsscada(['import', file, '--data', data])).code).toBe(0);
    const db = join(data, 'jsscada.db');
    // Keep page 1 (the header and schema root), overwrite the pages of the tables.
    const fd = openSync(db, 'r+');
    const size = fstatSync(fd).size;
    writeSync(fd, Buffer.alloc(size - 4096, 0xa5), 0, size - 4096, 4096);
    closeSync(fd);
    const exported = await jsscada(['export', '--data', data]);
    expect(exported.code, exported.stderr).toBe(1);
    expect(exported.stderr).not.toContain('[object Object]');
    expect(exported.stderr).toContain(db);
    expect(exported.stderr).toMatch(/restore .*backup/);
  }, 30_000);
});
