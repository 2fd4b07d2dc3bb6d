#!/usr/bin/env node
// npm run compat -- [--runs N] [--seed S] [--classes a,b|all] [--every-kind] [--shrink-seconds N]
// Runs the compatibility property; on failure prints the shrunk workflow's source, its
// migrated form and the seed that replays it, and exits 1. --every-kind goes on after a
// failure and reports the first failure of each kind of problem.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { runCompat } from '../dist/src/compat/run-compat.js';
import { parseShapeClasses } from '../dist/src/compat/arbitraries.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const runs = Number(option('--runs', 500));
const seed = Number(option('--seed', Date.now() % 2 ** 31));
const classes = parseShapeClasses(option('--classes', ''));
const everyKind = args.includes('--every-kind');
const shrinkSeconds = Number(option('--shrink-seconds', 180));
const workDir = join(fileURLToPath(new URL('..', import.meta.url)), '.tmp', `compat-${process.pid}`);

console.log(`compat: ${runs} generated workflows, seed ${seed}, shape classes: ${classes.length ? classes.join(', ') : '(plain)'}`);
const summary = await runCompat({
  runs,
  seed,
  classes,
  everyKind,
  shrinkSeconds,
  workDir,
  onBatch: (done, total) => process.stderr.isTTY && process.stderr.write(`\r  ${done}/${total}`),
});
if (process.stderr.isTTY) process.stderr.write('\n');
console.log(`${summary.runs} workflows in ${summary.seconds.toFixed(1)} s (${(summary.runs / summary.seconds).toFixed(1)}/s); ${summary.ranMigrated} migrated and run end to end`);
for (const [reason, count] of Object.entries(summary.flaggedByReason)) console.log(`  flagged for manual review (${reason}): ${count} (${((100 * count) / summary.runs).toFixed(1)}%)`);
for (const f of summary.failures) {
  console.log(`\nFAILED (${f.kind}) at run ${f.run}. Replay with: npm run compat -- --runs ${f.run + 1} --seed ${f.seed} --classes ${classes.join(',') || "''"}\n`);
  console.log(f.problems.join('\n'));
  for (const [file, text] of Object.entries(f.source)) console.log(`\n--- ${file}\n${text}`);
  for (const [file, text] of Object.entries(f.migrated)) if (text !== f.source[file]) console.log(`\n--- ${file} (migrated)\n${text}`);
  console.log(`\nshrunk sample: ${JSON.stringify(f.counterexample)}`);
  process.exitCode = 1;
}
