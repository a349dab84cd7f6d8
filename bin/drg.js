#!/usr/bin/env node
// The `drg` command. The TypeScript sources are compiled to dist/ by `npm install` / `npm ci` (the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('drg: the compiled code is missing (dist/). Run `npm install` (or `npm run build`) in the repository first.\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
