#!/usr/bin/env node
// npm run compat -- [--runs N] [--seed S]
// Runs the compatibility property; on failure prints the shrunk workflow's source and the
// seed that replays it, and exits 1.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { runCompat } from '../dist/src/compat/run-compat.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
};
const runs = option('--runs', 500);
const seed = option('--seed', Date.now() % 2 ** 31);
const workDir = join(fileURLToPath(new URL('..', import.meta.url)), '.tmp', `compat-${process.pid}`);

console.log(`compat: ${runs} generated workflows, seed ${seed}`);
const summary = await runCompat({
  runs,
  seed,
  workDir,
  onBatch: (done, total) => process.stderr.isTTY && process.stderr.write(`\r  ${done}/${total}`),
});
if (process.stderr.isTTY) process.stderr.write('\n');
console.log(`${summary.runs} workflows in ${summary.seconds.toFixed(1)} s (${(summary.runs / summary.seconds).toFixed(1)}/s); ${summary.ranMigrated} migrated and run end to end`);
for (const [reason, count] of Object.entries(summary.flaggedByReason)) console.log(`  flagged for manual review (${reason}): ${count} (${((100 * count) / summary.runs).toFixed(1)}%)`);
if (summary.failure) {
  console.log(`\nFAILED. Replay with: npm run compat -- --runs ${runs} --seed ${summary.failure.seed}\n`);
  console.log(summary.failure.problems.join('\n'));
  for (const [file, text] of Object.entries(summary.failure.source)) console.log(`\n--- ${file}\n${text}`);
  console.log(`\nshrunk sample: ${JSON.stringify(summary.failure.counterexample)}`);
  process.exitCode = 1;
}
