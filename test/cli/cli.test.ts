import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { main, type CliIo } from '../../src/cli/main.js';
import { demoConfigFile } from '../../src/cli/demo.js';

const tmp = mkdtempSync(join(tmpdir(), 'jsscada-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

describe('jsscada CLI', () => {
  it('prints help for every command', async () => {
    for (const cmd of ['run', 'demo', 'import', 'export', 'check']) {
      const io = capture();
      expect(await main([cmd, '--help'], io)).toBe(0);
      expect(io.stdout.join('\n')).toContain(`jsscada ${cmd}`);
    }
    const io = capture();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.stdout[0]).toContain('Commands:');
  });

  it('check: exits 2 and names file, line and field of a bad config', async () => {
    const file = join(tmp, 'bad.yaml');
    writeFileSync(file, 'devices:\n  - { name: p, protocol: sim, port: 1 }\ngroups:\n  - { name: g, device: nope, tags: [{ name: t, address: D1 }] }\n');
    const io = capture();
    expect(await main(['check', file], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(`${file}:4:`);
    expect(io.stderr.join('\n')).toContain('groups[0].device: unknown device "nope"');
  });

  it('import then export gives the same plant back; a bad import leaves the store untouched', async () => {
    const data = join(tmp, 'store');
    const io = capture();
    expect(await main(['import', demoConfigFile(), '--data', data], io)).toBe(0);
    const out = join(tmp, 'export.yaml');
    expect(await main(['export', out, '--data', data], io)).toBe(0);
    expect(await main(['check', out], io)).toBe(0);
    const bad = join(tmp, 'bad2.yaml');
    writeFileSync(bad, 'groups: [');
    expect(await main(['import', bad, '--data', data], capture())).toBe(2);
    const again = capture();
    expect(await main(['export', '--data', data], again)).toBe(0);
    expect(again.stdout.join('\n')).toContain('press-fast');
  });

  it('rejects unknown commands and bad options with exit code 2', async () => {
    expect(await main(['frobnicate'], capture())).toBe(2);
    expect(await main(['run', '--port', 'x'], capture())).toBe(2);
    expect(await main(['run', '--bogus'], capture())).toBe(2);
  });

  it('demo: polls into SQLite within seconds and stops cleanly on SIGTERM', async () => {
    const bin = join(process.cwd(), 'bin', 'jsscada.js');
    expect(existsSync(join(process.cwd(), 'dist', 'src', 'cli', 'main.js')), 'run "npm run build" first (npm test does)').toBe(true);
    const data = join(tmp, 'demo');
    const child = spawn(process.execPath, [bin, 'demo', '--data', data, '--port', '0', '--plc-ports', 'auto'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const db = join(data, 'jsscada.db');
    const count = (): number => {
      if (!existsSync(db)) return 0;
      const conn = new Database(db, { readonly: true });
      try {
        return (conn.prepare('SELECT COUNT(*) AS n FROM tag_values').get() as { n: number }).n;
      } catch {
        return 0;
      } finally {
        conn.close();
      }
    };
    const deadline = Date.now() + 20_000;
    while (count() < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(count(), output).toBeGreaterThanOrEqual(5);
    const stopAt = Date.now();
    child.kill('SIGTERM');
    expect(await exited, output).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(10_000);
    expect(output).toContain('collector stopped');
    expect(output).toMatch(/"unwritten":0/);
  }, 40_000);
});
