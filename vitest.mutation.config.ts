import { defineConfig } from 'vitest/config';
import { MUTATION_MODULES, mutationModule } from './scripts/mutation-modules.mjs';

/**
 * The tests Stryker runs for one module (npm run mutation -- MODULE): the narrowest files that
 * exercise it, so a run fits the two cores of this machine. Not part of npm test.
 */
const module = MUTATION_MODULES[mutationModule()];

export default defineConfig({
  test: {
    include: module.tests,
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
