import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * Issue 12, finding 2: a full disk under the log file killed the collector
 * ("Error: ENOSPC ... Emitted 'error' event on ThreadStream", exit 1). The log file here is
 * /dev/full (every write fails with ENOSPC), so no mount is needed. The logger runs in a child
 * process: an unheard 'error' kills the process it happens in.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const SCRIPT = `
import { createLogger, logStats } from ${JSON.stringify(join(process.cwd(), 'src', 'log.ts'))};
const logger = createLogger({ dir: process.argv[2], level: 'info' });
let i = 0;
const timer = setInterval(() => {
  logger.info({ i: i++ }, 'still collecting');
  if (i === 60) {
    clearInterval(timer);
    setTimeout(() => process.stdout.write('STATS ' + JSON.stringify(logStats()) + '\\n'), 300);
  }
}, 10);
`;

function run(dir: string, script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, dir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, JSSCADA_LOG_LEVEL: 'info' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('a failing log destination (issue 12, finding 2)', () => {
  it('never stops the process: lines fall back to stderr and are counted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsscada-logfull-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'logs'));
    // pino-roll's first file; /dev/full answers every write with ENOSPC.
    symlinkSync('/dev/full', join(dir, 'logs', 'jsscada.1.log'));
    const script = join(dir, 'logger.mts');
    writeFileSync(script, SCRIPT);
    const { code, stdout, stderr } = await run(dir, script);
    expect(stderr).not.toContain("Emitted 'error' event");
    expect(code).toBe(0);
    const stats = JSON.parse(/^STATS (.*)$/m.exec(stdout)?.[1] ?? 'null') as { droppedLines: number; failure: string | null } | null;
    expect(stats?.failure).toMatch(/ENOSPC/);
    expect(stats?.droppedLines).toBeGreaterThan(0);
    // Every counted line is on stderr, after the one line that says why.
    const fallback = stderr.split('\n').filter((l) => l.includes('"still collecting"'));
    expect(fallback).toHaveLength(stats!.droppedLines);
    expect(stderr).toMatch(/log destination failed.*ENOSPC/);
  }, 30_000);
});
