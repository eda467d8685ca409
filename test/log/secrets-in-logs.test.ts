import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';

/**
 * Issue 13: nothing checked that passwords never reach the log output. A collector whose sink
 * cannot connect logs connection errors, retries and spool warnings for a while; none of its log
 * lines (file and stdout) may contain the password, from the URL or from the password field.
 */

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('passwords never reach the logs', () => {
  it('postgres url password and field password: absent from the log file and stdout, debug level included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsscada-logsecret-'));
    dirs.push(dir);
    const port = await closedPort();
    const URL_SECRET = 'Url-Secret-4711';
    const FIELD_SECRET = 'Field-Secret-0815';
    const plant = {
      collector: { name: 'line-log' },
      devices: [{ name: 'plc', protocol: 'sim', port: 1 }],
      groups: [{ name: 'g', device: 'plc', intervalMs: 100, tags: [{ name: 't', address: 'D1' }] }],
      sink: { kind: 'postgres', url: `postgres://scada:${URL_SECRET}@127.0.0.1:${port}/plant`, password: FIELD_SECRET, connectTimeoutMs: 500 },
      server: { token: 'a-token-that-is-long-enough-1234' },
    };
    const file = join(dir, 'plant.yaml');
    writeFileSync(file, stringify(plant));
    const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'jsscada.js'), 'run', '--config', file, '--data', join(dir, 'data'), '--port', '0', '--host', '127.0.0.1', '--log-level', 'debug'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    // Long enough for the failed connects, the retries and the spool to be logged.
    await new Promise((r) => setTimeout(r, 4000));
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
    const logs = join(dir, 'data', 'logs');
    const fileText = readdirSync(logs).map((f) => readFileSync(join(logs, f), 'utf8')).join('');
    // The run did log the outage (so the check below looked at real error lines).
    expect(fileText).toMatch(/spool|ECONNREFUSED|not reachable/);
    for (const text of [fileText, out]) {
      expect(text).not.toContain(URL_SECRET);
      expect(text).not.toContain(FIELD_SECRET);
    }
  }, 30_000);
});
