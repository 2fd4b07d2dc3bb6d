#!/usr/bin/env node
// A long compatibility run over every shape class with a random seed: prints runs/s and
// flagged samples by reason.
//   node scripts/compat-soak.mjs [--runs 5000] [--seed S] [--classes all]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
if (!args.includes('--runs')) args.push('--runs', '5000');
if (!args.includes('--classes')) args.push('--classes', 'all');
const result = spawnSync(process.execPath, [fileURLToPath(new URL('./compat.mjs', import.meta.url)), ...args], { stdio: 'inherit' });
process.exitCode = result.status ?? 1;
