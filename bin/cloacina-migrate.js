#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`cloacina-migrate: internal error: ${error?.stack ?? error}\n`);
    process.exitCode = 2;
  },
);
