import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../../src/package-root.js';

export const UI_DIR = join(packageRoot(), 'ui');
export const PANEL_DIST = join(UI_DIR, 'dist');

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * The e2e tests drive the built panel. `npm run build` builds it; when ui/dist is missing or older
 * than the sources (a developer running the e2e project alone), build it here with Vite's API.
 */
export async function ensurePanelBuilt(): Promise<string> {
  const index = join(PANEL_DIST, 'index.html');
  const sources = Math.max(newest(join(UI_DIR, 'src')), statSync(join(UI_DIR, 'index.html')).mtimeMs, statSync(join(UI_DIR, 'vite.config.ts')).mtimeMs);
  if (!existsSync(index) || statSync(index).mtimeMs < sources) {
    const { build } = await import('vite');
    await build({ configFile: join(UI_DIR, 'vite.config.ts'), logLevel: 'warn' });
  }
  return PANEL_DIST;
}
