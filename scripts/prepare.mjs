// `prepare` runs on every `npm install` / `npm ci` in a checkout. With devDependencies (a
// development checkout) it builds dist/ and ui/dist; in a production install (`npm ci
// --omit=dev` after `npm run build`, or the packed tarball, which is already built) there is
// no TypeScript compiler and nothing to build, so it says so instead of failing on
// `tsc: not found` (issue 14).
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let hasCompiler = true;
try {
  require.resolve('typescript/package.json');
} catch {
  hasCompiler = false;
}
if (hasCompiler) {
  execSync('npm run build', { stdio: 'inherit' });
} else if (existsSync(new URL('../dist/src/cli/main.js', import.meta.url))) {
  console.log('jsscada: production install (no devDependencies): using the built dist/');
} else {
  console.warn('jsscada: dist/ is not built and there is no compiler (devDependencies omitted): run "npm run build" where devDependencies are installed, or install the packed tarball');
}
