#!/usr/bin/env node
// git starts listing the given folder before the rest of the tool loads (src/cli/early.ts).
import { listEarly } from '../dist/cli/early.js';

const argv = process.argv.slice(2);
const early = listEarly(argv, process.cwd());
const { main } = await import('../dist/cli/main.js');

main(argv, { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }, early).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`cloacina-migrate: internal error: ${error?.stack ?? error}\n`);
    process.exitCode = 2;
  },
);
