#!/usr/bin/env node
// Entry point of the `jsscada` command. The TypeScript sources are built into dist/ by
// `npm install` in a development checkout (prepare), `npm start` (prestart) and `npm pack`
// (prepack: the tarball ships dist/ built, so a production install needs no compiler).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('jsscada: not built yet: run "npm run build" in the package folder\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
