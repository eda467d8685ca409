/**
 * `kill -HUP` (what `systemctl reload jsscada` sends) to a running `jsscada run --config FILE`:
 * the process keeps running and the edited file is live. Runs dist/ (`npm run build` first).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const tmp = mkdtempSync(join(tmpdir(), 'jsscada-hup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const plant = (groups: string[]): string =>
  ['devices: [{ name: plc, protocol: sim, port: 1 }]', 'groups:', ...groups.map((g, i) => `  - { name: ${g}, device: plc, intervalMs: 200, tags: [{ name: ${g}-t, address: D${i + 1} }] }`), ''].join('\n');

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('jsscada run and SIGHUP', () => {
  it('re-reads the plant file on SIGHUP: a new group polls, the process keeps running, SIGTERM still exits 0', async () => {
    expect(existsSync(join(process.cwd(), 'dist', 'src', 'cli', 'main.js')), 'run "npm run build" first (npm test does)').toBe(true);
    const file = join(tmp, 'plant.yaml');
    writeFileSync(file, plant(['g1']));
    const child = spawn(process.execPath, [join(process.cwd(), 'bin', 'jsscada.js'), 'run', '--config', file, '--data', join(tmp, 'data'), '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const port = await until('the HTTP port', () => /HTTP API on http:\/\/[^:/]+:(\d+)\//.exec(output)?.[1]);
      const groups = async (): Promise<string[]> => ((await (await fetch(`http://127.0.0.1:${port}/api/polling/status`)).json()) as { groups: { name: string }[] }).groups.map((g) => g.name);
      expect(await groups()).toEqual(['g1']);
      writeFileSync(file, plant(['g1', 'g2']));
      child.kill('SIGHUP');
      await until('g2 after the reload', async () => ((await groups()).includes('g2') ? true : undefined));
      expect(output).toContain('plant file applied: devices +0 ~0 -0 =1, groups +1 ~0 -0 =1, tags +1 ~0 -0 =1');
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, output).toBe(0);
  }, 60_000);
});
