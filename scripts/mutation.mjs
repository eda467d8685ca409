#!/usr/bin/env node
// npm run mutation [-- MODULE...]: Stryker over each named module (default: all), one at a time.
import { spawnSync } from 'node:child_process';
import { MUTATION_MODULES } from './mutation-modules.mjs';

const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(MUTATION_MODULES);
let failed = 0;
for (const name of names) {
  if (!(name in MUTATION_MODULES)) {
    console.error(`unknown module "${name}": one of ${Object.keys(MUTATION_MODULES).join(', ')}`);
    process.exit(2);
  }
  console.log(`== mutation: ${name}`);
  const r = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs'], { stdio: 'inherit', env: { ...process.env, JSSCADA_MUTATION: name } });
  if (r.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
