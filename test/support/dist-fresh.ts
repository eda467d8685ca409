import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Vitest global setup (server project): tests that spawn bin/jsscada.js run dist/, so a stale
 * dist/ would test old code (issue 13). When any file under src/ or config/ is newer than the
 * built entry, dist/ is rebuilt first (tsc, about 30 s); when it is fresh this costs one scan.
 */
const root = join(import.meta.dirname, '..', '..');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

export function distIsStale(): string | null {
  const entry = join(root, 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(entry)) return 'dist/ has not been built';
  const built = statSync(entry).mtimeMs;
  // tsc rewrites every output, so the entry's time is the build's.
  const source = newest(join(root, 'src'));
  return source > built ? `src/ changed after the last build (${new Date(source).toISOString()} > ${new Date(built).toISOString()})` : null;
}

export default function setup(): void {
  const stale = distIsStale();
  if (stale === null) return;
  process.stderr.write(`[tests] ${stale}: building dist/ first (tests run bin/jsscada.js)\n`);
  try {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  } catch (err) {
    throw new Error(`dist/ is stale and building it failed: fix the build (npm run build) before running the tests: ${(err as Error).message}`);
  }
}
