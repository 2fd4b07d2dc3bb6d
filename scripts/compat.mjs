#!/usr/bin/env node
// npm run compat -- [--runs N] [--seed S] [--classes a,b|all] [--every-kind] [--shrink-seconds N]
//                   [--codemod-from DIR] [--batch-size N]
// Runs the compatibility property; on failure prints the shrunk workflow's source, its
// migrated form and the seed that replays it, and exits 1. --every-kind goes on after a
// failure and reports the first failure of each kind of problem. --codemod-from (or
// COMPAT_CODEMOD_FROM) migrates with the built CLI of another checkout, e.g. an older commit.
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
const codemodFrom = option('--codemod-from', process.env.COMPAT_CODEMOD_FROM);
// Projects migrated, type-checked and run together (larger batches spread the fixed costs).
const batchSize = Number(option('--batch-size', 50));
const workDir = join(fileURLToPath(new URL('..', import.meta.url)), '.tmp', `compat-${process.pid}`);

console.log(`compat: ${runs} generated workflows, seed ${seed}, shape classes: ${classes.length ? classes.join(', ') : '(plain)'}${codemodFrom ? `, codemod from ${codemodFrom}` : ''}`);
const pct = (n, of) => `${((100 * n) / Math.max(1, of)).toFixed(1)}%`;
function printTable(byClass) {
  console.log('\nper shape class (a sample counts under every class it draws; plain: none):');
  console.log(`  ${'class'.padEnd(14)}${['drawn', 'rewritten', 'flagged', 'failed', 'diverged'].map((h) => h.padStart(10)).join('')}`);
  for (const [name, c] of Object.entries(byClass).sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`  ${name.padEnd(14)}${[c.drawn, c.rewritten, c.flagged, c.failed, c.diverged].map((n) => String(n).padStart(10)).join('')}`);
  }
  console.log('  (rewritten: no flag, migrated and run; failed: any problem; diverged: unflagged and the migrated run differs)');
}
// Stopped early (Ctrl-C, a time limit): the counts so far are still worth having.
const started = performance.now();
let latest;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (latest) {
      const { done, sofar } = latest;
      console.log(`\nstopped after ${done} workflows in ${((performance.now() - started) / 1000).toFixed(1)} s; ${sofar.ranMigrated} migrated and run end to end; ${sofar.unflagged} unflagged (${pct(sofar.unflagged, done)}); kinds of failure: ${sofar.kinds.join(', ') || 'none'}`);
      printTable(sofar.byClass);
    }
    process.exit(130);
  });
}
const summary = await runCompat({
  runs,
  seed,
  classes,
  everyKind,
  shrinkSeconds,
  workDir,
  codemodFrom,
  batchSize,
  onBatch: (done, total, sofar) => {
    latest = { done, sofar };
    if (process.stderr.isTTY) process.stderr.write(`\r  ${done}/${total}`);
    else console.log(`  ${done}/${total} in ${((performance.now() - started) / 1000).toFixed(0)} s: ${pct(sofar.unflagged, done)} unflagged, ${Object.values(sofar.byClass).reduce((n, c) => Math.max(n, c.diverged), 0) > 0 ? 'DIVERGED' : 'no divergence'}, kinds of failure: ${sofar.kinds.join(', ') || 'none'}`);
  },
});
if (process.stderr.isTTY) process.stderr.write('\n');
console.log(`${summary.runs} workflows in ${summary.seconds.toFixed(1)} s (${(summary.runs / summary.seconds).toFixed(1)}/s); ${summary.ranMigrated} migrated and run end to end; ${summary.unflagged} unflagged (${pct(summary.unflagged, summary.runs)})`);
for (const [reason, count] of Object.entries(summary.flaggedByReason)) console.log(`  flagged for manual review (${reason}): ${count} (${pct(count, summary.runs)})`);
printTable(summary.byClass);
for (const f of summary.failures) {
  console.log(`\nFAILED (${f.kind}) at run ${f.run}. Replay with: npm run compat -- --runs ${f.run + 1} --seed ${f.seed} --classes ${classes.join(',') || "''"}${codemodFrom ? ` --codemod-from ${codemodFrom}` : ''}\n`);
  console.log(f.problems.join('\n'));
  for (const [file, text] of Object.entries(f.source)) console.log(`\n--- ${file}\n${text}`);
  for (const [file, text] of Object.entries(f.migrated)) if (text !== f.source[file]) console.log(`\n--- ${file} (migrated)\n${text}`);
  console.log(`\nshrunk sample: ${JSON.stringify(f.counterexample)}`);
  process.exitCode = 1;
}
