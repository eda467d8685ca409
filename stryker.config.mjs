// Stryker (mutation testing, issue 13): `npm run mutation -- MODULE` (scripts/mutation.mjs).
import { MUTATION_MODULES, mutationModule } from './scripts/mutation-modules.mjs';

const name = mutationModule();
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: MUTATION_MODULES[name].mutate,
  // This machine has two cores.
  concurrency: 2,
  coverageAnalysis: 'perTest',
  reporters: ['clear-text', 'json', 'progress'],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  tempDirName: `.stryker-tmp-${name}`,
  // TypeScript 7 has no JS API for Stryker's tsconfig rewrite; vitest needs no tsconfig anyway.
  tsconfigFile: 'no-tsconfig-for-stryker.json',
  cleanTempDir: 'always',
  thresholds: { high: 85, low: 70, break: null },
  timeoutMS: 20_000,
};
