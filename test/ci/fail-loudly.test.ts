import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';

/**
 * Issue 13: `.ci/run` ran `eval "$(bash scripts/ci-postgres.sh)"`; when the script failed the eval
 * still returned 0, the 7 PostgreSQL tests skipped, and CI stayed green.
 */

function importPgEnv(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', '-e', "await import('./test/io/sink/postgres/pg-env.ts')"], { cwd: packageRoot(), env, timeout: 30_000 }, (err, _out, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr });
    });
    child.stdin?.end();
  });
}

describe('CI fails loudly when PostgreSQL is missing', () => {
  it('with CI=true and no JSSCADA_TEST_PG_URL the PostgreSQL suites fail instead of skipping', async () => {
    const { JSSCADA_TEST_PG_URL: _, ...rest } = process.env;
    const r = await importPgEnv({ ...rest, CI: 'true' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('PostgreSQL did not come up');
  });

  it('outside CI the same suites skip (a developer without PostgreSQL can still run the rest)', async () => {
    const { JSSCADA_TEST_PG_URL: _, CI: __, ...rest } = process.env;
    expect((await importPgEnv(rest)).code).toBe(0);
  });

  it('.ci/run stops when the PostgreSQL script fails (no eval of its output)', () => {
    const script = readFileSync(join(packageRoot(), '.ci', 'run'), 'utf8');
    expect(script).toMatch(/^set -euo pipefail$/m);
    expect(script).not.toMatch(/eval\s+"\$\(bash scripts\/ci-postgres\.sh/);
    expect(script).toMatch(/^bash scripts\/ci-postgres\.sh "\$PG_ENV"/m);
    expect(script).toMatch(/^export CI=true$/m);
  });
});
