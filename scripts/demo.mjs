#!/usr/bin/env node
// `npm run demo`: migrates a temporary copy of the bundled v1 project (examples/v1-demo)
// with this checkout's cloacina-migrate, shows what changed and what needs review, runs its
// workflows before (cloacina/legacy) and after (cloacina-workflow on cloacina 2) on SQLite,
// and fails unless every task did the same. `--keep` leaves the temporary folder.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAndRun, commitAll, compareRuns, copyProject, DEMO, DEMO_REVIEWED, pointAtLegacy, table } from './lib/demo-project.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'cloacina-migrate.js');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const keep = process.argv.includes('--keep');

// Bold, green and red on a terminal only.
const style = (code, text) => (process.stdout.isTTY ? `\x1b[${code}m${text}\x1b[0m` : text);
const heading = (text) => console.log(`\n${style(1, text)}`);
const indent = (text) => text.trimEnd().replace(/^/gm, '  ');

function fail(message) {
  console.error(`\n${style(31, `demo FAILED: ${message}`)}`);
  process.exitCode = 1;
}

const work = mkdtempSync(join(tmpdir(), 'cloacina-demo-'));
const shop = join(work, 'acme-shop');
const legacy = join(work, 'acme-shop-legacy');
try {
  // Both copies resolve cloacina, cloacina-workflow and typescript from this checkout.
  symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
  copyProject(DEMO, shop);
  copyProject(DEMO, legacy);
  commitAll(shop, 'acme-shop on cloacina v1');

  console.log(`cloacina-migrate demo: ${relative(ROOT, DEMO)} (a v1 project: 3 workflows, helper modules, a unit test, a runner script)`);
  console.log(`working copy: ${shop}`);

  heading('1. Migrate it: cloacina-migrate . (from the project folder)');
  const migrate = spawnSync(process.execPath, [BIN, '.'], { cwd: shop, encoding: 'utf8' });
  console.log(indent(migrate.stdout + migrate.stderr));
  // 1 is the expected answer here: the unit test has a site for manual review.
  if (migrate.status !== 0 && migrate.status !== 1) throw new Error(`cloacina-migrate exited ${migrate.status}`);

  heading('2. The diff, in short (git diff --stat)');
  console.log(indent(spawnSync('git', ['diff', '--stat'], { cwd: shop, encoding: 'utf8' }).stdout));

  heading('3. Run every workflow on SQLite, before (v1 code on cloacina/legacy) and after (migrated)');
  pointAtLegacy(legacy);
  const [before, after] = await Promise.all([
    buildAndRun(legacy, { tsc: TSC, database: join(work, 'before.db') }),
    buildAndRun(shop, { tsc: TSC, database: join(work, 'after.db') }),
  ]);
  const rows = compareRuns(before, after);
  console.log(indent(table(['workflow', 'task', 'before', 'after', ''], rows.map((r) => [r.workflow, r.task, r.before, r.after, r.same ? 'same' : 'DIFFERENT']))));
  const different = rows.filter((r) => !r.same);
  const workflows = new Set(rows.map((r) => r.workflow)).size;
  if (different.length > 0) {
    fail(`${different.length} of ${rows.length} tasks ran differently after the migration (state, attempts, error kind or output context)`);
  } else {
    console.log(`\n  ${style(32, `match: all ${rows.length} tasks of ${workflows} workflows ran the same before and after (state, attempts, error kind, output context)`)}`);
    console.log(`  nightly-orders report after the migration: ${JSON.stringify(after['nightly-orders']?.tasks['publish-report']?.output?.report)}`);
  }

  heading('4. Resolve the review site by hand (examples/v1-demo-reviewed), then the CI guard: cloacina-migrate check .');
  cpSync(DEMO_REVIEWED, shop, { recursive: true });
  const check = spawnSync(process.execPath, [BIN, 'check', '.'], { cwd: shop, encoding: 'utf8' });
  console.log(indent(check.stdout + check.stderr));
  if (check.status !== 0) fail(`cloacina-migrate check exited ${check.status} after the review`);

  if (!process.exitCode) console.log('\nDone. Next: npm test. To migrate your own v1 project: npx cloacina-migrate ./src (see README.md).');
} catch (error) {
  fail(error.message);
} finally {
  if (keep) console.log(`\nkept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
