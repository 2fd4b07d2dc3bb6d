// The bundled v1 demo project (examples/v1-demo) as `npm run demo` and the release check
// use it: copied into a temporary folder, pointed at cloacina/legacy for the "before" run,
// built with tsc and run with its own runner script; two runs compared task by task.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, promisify } from 'node:util';

const run = promisify(execFile);

export const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
export const DEMO = join(EXAMPLES, 'v1-demo');
/** The demo's manual-review sites as a reviewer resolves them after the migration. */
export const DEMO_REVIEWED = join(EXAMPLES, 'v1-demo-reviewed');

/** Copies a project tree, leaving out what a build or an install made. */
export function copyProject(from, to) {
  cpSync(from, to, { recursive: true, filter: (src) => !/[/\\](node_modules|dist)$/.test(src) && !/\.db(-\w+)?$/.test(src) });
}

/** A git repository with everything committed, as a project should be before migrating. */
export function commitAll(dir, message) {
  const git = (...args) => execFileSync('git', ['-c', 'user.name=demo', '-c', 'user.email=demo@example.com', ...args], { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', message);
}

/**
 * MIGRATION.md's way to run v1 code on the v2 runtime unmigrated: every `from 'cloacina'`
 * becomes `from 'cloacina/legacy'`. Returns the files it changed.
 */
export function pointAtLegacy(dir) {
  const changed = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'dist' && entry.name !== '.git') walk(path);
      } else if (/\.[cm]?tsx?$/.test(entry.name)) {
        const text = readFileSync(path, 'utf8');
        const next = text.replace(/(\bfrom\s*)(['"])cloacina\2/g, '$1$2cloacina/legacy$2');
        if (next !== text) {
          writeFileSync(path, next);
          changed.push(path);
        }
      }
    }
  };
  walk(dir);
  return changed;
}

/**
 * Builds the project with `tsc` (its own tsconfig) and runs its runner script on a fresh
 * SQLite file; resolves to the JSON the script prints (workflow -> status and tasks).
 */
export async function buildAndRun(dir, { tsc, database }) {
  try {
    await run(process.execPath, [tsc, '-p', dir], { cwd: dir });
  } catch (error) {
    throw new Error(`tsc -p ${dir} failed:\n${error.stdout}${error.stderr}`);
  }
  let stdout;
  try {
    ({ stdout } = await run(process.execPath, ['--no-deprecation', join(dir, 'dist', 'run.js')], { cwd: dir, env: { ...process.env, ACME_DB: database } }));
  } catch (error) {
    throw new Error(`node dist/run.js in ${dir} failed:\n${error.stdout}${error.stderr}`);
  }
  return JSON.parse(stdout);
}

const describeTask = (t) => (t === undefined ? 'missing' : `${t.state}, ${t.attempts} attempt${t.attempts === 1 ? '' : 's'}${t.error ? ` (${t.error})` : ''}`);

/** One row per task of either run: what it did before and after, and whether that is equal. */
export function compareRuns(before, after) {
  const rows = [];
  for (const workflow of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const b = before[workflow]?.tasks ?? {};
    const a = after[workflow]?.tasks ?? {};
    for (const task of new Set([...Object.keys(b), ...Object.keys(a)])) {
      rows.push({
        workflow,
        task,
        before: describeTask(b[task]),
        after: describeTask(a[task]),
        same: isDeepStrictEqual(b[task], a[task]) && before[workflow]?.status === after[workflow]?.status,
      });
    }
  }
  return rows;
}

/** A plain text table, columns padded to their widest cell. */
export function table(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => String(r[c]).length)));
  return all.map((r) => r.map((cell, c) => String(cell).padEnd(widths[c])).join('  ').trimEnd()).join('\n');
}
