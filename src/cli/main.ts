// The cloacina-migrate command line.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { CODEMODS } from '../../codemods/index.js';
import { MARKER } from '../../codemods/lib/flags.js';
import { writeFileAtomic } from '../atomic-write.js';
import { unifiedDiff } from '../diff.js';
import { discover, UsageError } from '../discover.js';
import { treeState } from '../git.js';
import type { FileResult } from '../migrate-file.js';
import { owningPackage, readManifest, type ManifestPlan, type PackageEdit, type PackageSkip } from '../package-json.js';
import { runFiles, startWorkers } from '../run-files.js';
import type { TypeError as CheckError } from '../typecheck.js';
import { parseArgs, USAGE, type CliArgs } from './args.js';

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  cwd: string;
}

export interface Report {
  tool: 'cloacina-migrate';
  version: string;
  command: 'migrate' | 'check';
  dry: boolean;
  files: Array<Pick<FileResult, 'status' | 'flags' | 'applied' | 'error' | 'markers'> & { file: string }>;
  packages: Array<{ file: string; section?: string; from?: string; authoring?: string; runtime?: string | null; skipped?: string }>;
  summary: { changed: number; unchanged: number; skipped: number; failed: number; manualReview: number; packagesChanged: number };
  /** `check` only: errors of workflow modules type-checked against cloacina-workflow alone. */
  typeErrors?: CheckError[];
}

/** This package's version, read from its package.json wherever this module was built to. */
function ownVersion(): string {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    try {
      const manifest = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version: string };
      if (manifest.name === 'cloacina-migrate') return manifest.version;
    } catch {
      // no package.json here: look further up
    }
    if (dir.pathname === '/') return 'unknown';
  }
}

const VERSION = ownVersion();

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    io.stderr.write(`cloacina-migrate: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.command === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.command === 'version') {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (args.command === 'list') {
    for (const c of CODEMODS) io.stdout.write(`${c.name}  (cloacina ${c.appliesTo})  ${c.description}\n`);
    return 0;
  }
  const human = args.json ? io.stderr : io.stdout;
  const paths = args.paths.map((p) => resolve(io.cwd, p));

  if (!args.dry) {
    const state = treeState(io.cwd);
    if (state.kind === 'dirty' && !args.force) {
      io.stderr.write(
        `cloacina-migrate: the git tree has uncommitted changes (${state.files.slice(0, 5).join(', ')}${state.files.length > 5 ? ', ...' : ''}).\n` +
          'Commit or stash them so the migration can be reviewed as one diff, or pass --force.\n',
      );
      return 2;
    }
    if (state.kind === 'not-a-repo' || state.kind === 'no-git') {
      io.stderr.write(`cloacina-migrate: ${state.kind === 'no-git' ? 'git is not installed' : 'not inside a git repository'}; files are changed in place with no safety net.\n`);
    }
  }

  const pool = startWorkers(args.workers);
  let found;
  try {
    found = discover(args.paths, io.cwd);
  } catch (error) {
    pool?.close();
    if (error instanceof UsageError) {
      io.stderr.write(`cloacina-migrate: ${error.message}\n`);
      return 2;
    }
    throw error;
  }

  const showProgress = io.stderr.isTTY === true && !args.json;
  const started = Date.now();
  // The manifests are read and checked while workers migrate the last files.
  let manifests: Array<ManifestPlan | PackageSkip | undefined> | undefined;
  const readManifests = () => (manifests ??= found.manifests.map((m) => readManifest(m, readFileSync(m, 'utf8'))));
  const results = await runFiles(found.sources, {
    dry: args.dry,
    roots: paths,
    keepText: args.diff,
    ...(args.transforms ? { transforms: args.transforms } : {}),
    pool,
    whileWaiting: readManifests,
    onProgress: showProgress
      ? (done, total) => {
          if (Date.now() - started > 500 && (done % 25 === 0 || done === total)) io.stderr.write(`\r  migrating ${done}/${total} files`);
          if (done === total && Date.now() - started > 500) io.stderr.write('\n');
        }
      : undefined,
  });

  const packages = planPackages(found.manifests, readManifests(), results, paths);
  if (!args.dry) for (const edit of packages) if ('output' in edit) writeFileAtomic(edit.file, edit.output);

  const report = buildReport(args, results, packages, io.cwd);
  if (args.command === 'check') {
    // Loaded only here: the TypeScript compiler alone takes longer to load than a migration.
    const { typecheckAgainstAuthoringApi } = await import('../typecheck.js');
    report.typeErrors = typecheckAgainstAuthoringApi(workflowModules(results), { strict: false }).map((e) => ({ ...e, file: relative(io.cwd, e.file) }));
  }
  if (args.diff) {
    for (const r of results) if (r.before !== undefined) human.write(unifiedDiff(relative(io.cwd, r.file), r.before, r.after!));
    for (const p of packages) if ('output' in p) human.write(unifiedDiff(relative(io.cwd, p.file), readFileSync(p.file, 'utf8'), p.output));
  }
  printHuman(human, report, args);
  if (args.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);

  const { summary } = report;
  const pending = args.command === 'check' && (summary.changed > 0 || summary.packagesChanged > 0);
  const leftovers = report.files.some((f) => f.markers > 0);
  const typeErrors = (report.typeErrors?.length ?? 0) > 0;
  return summary.failed > 0 || summary.manualReview > 0 || pending || leftovers || typeErrors ? 1 : 0;
}

const AUTHORING_IMPORT = /(['"])cloacina-workflow(\/testing)?\1/;
const RUNTIME_IMPORT = /(['"])cloacina(\/[\w/-]+)?\1/;

/** Modules that import cloacina-workflow and not the runtime: they must build without cloacina. */
function workflowModules(results: readonly FileResult[]): string[] {
  return results
    .filter((r) => r.status !== 'skipped' && r.status !== 'failed' && /\.(ts|tsx|mts|cts)$/.test(r.file))
    .filter((r) => {
      const text = readFileSync(r.file, 'utf8');
      return AUTHORING_IMPORT.test(text) && !RUNTIME_IMPORT.test(text);
    })
    .map((r) => r.file);
}

function planPackages(
  files: readonly string[],
  manifests: ReadonlyArray<ManifestPlan | PackageSkip | undefined>,
  results: readonly FileResult[],
  paths: readonly string[],
): Array<PackageEdit | PackageSkip> {
  // Every package.json, not only those to edit: a source belongs to its innermost package.
  const dirs = new Set(files.map((m) => dirname(m)));
  // Packages whose sources still need the runtime (a file that failed might, too).
  const usesRuntime = new Set<string>();
  for (const r of results) {
    if (!r.usesRuntime && r.status !== 'failed') continue;
    const owner = owningPackage(r.file, dirs);
    if (owner !== undefined) usesRuntime.add(owner);
  }
  const plans: Array<PackageEdit | PackageSkip> = [];
  for (const manifest of manifests) {
    if (manifest === undefined) continue;
    if (!('edit' in manifest)) {
      plans.push(manifest);
      continue;
    }
    const dir = dirname(manifest.file);
    // Sources outside the given paths were not looked at: they may still need the runtime.
    const fullyScanned = paths.some((p) => !relative(p, dir).startsWith('..'));
    plans.push(manifest.edit(!fullyScanned || usesRuntime.has(dir)));
  }
  return plans;
}

function buildReport(args: CliArgs, results: readonly FileResult[], packages: ReadonlyArray<PackageEdit | PackageSkip>, cwd: string): Report {
  const count = (status: FileResult['status']) => results.filter((r) => r.status === status).length;
  return {
    tool: 'cloacina-migrate',
    version: VERSION,
    command: args.command === 'check' ? 'check' : 'migrate',
    dry: args.dry,
    files: results
      .filter((r) => r.status !== 'skipped')
      .map((r) => ({
        file: relative(cwd, r.file),
        status: r.status,
        applied: r.applied,
        flags: r.flags,
        markers: r.markers,
        ...(r.error ? { error: r.error } : {}),
      })),
    packages: packages.map((p) =>
      'output' in p
        ? { file: relative(cwd, p.file), section: p.section, from: p.from, authoring: p.authoring, runtime: p.runtime }
        : { file: relative(cwd, p.file), skipped: p.reason },
    ),
    summary: {
      changed: count('changed'),
      unchanged: count('unchanged'),
      skipped: count('skipped'),
      failed: count('failed'),
      manualReview: results.reduce((n, r) => n + r.flags.length, 0),
      packagesChanged: packages.filter((p) => 'output' in p).length,
    },
  };
}

function printHuman(out: NodeJS.WritableStream, report: Report, args: CliArgs): void {
  const verb = args.dry ? 'would change' : 'changed';
  // With --json the details are in the report; stderr gets failures and the summary only.
  for (const f of args.json ? report.files.filter((file) => file.status === 'failed') : report.files) {
    if (f.status === 'changed') out.write(`${verb}: ${f.file} (${f.applied.join(', ')})\n`);
    if (f.status === 'failed') out.write(`failed: ${f.error}\n`);
    for (const flag of f.flags) out.write(`review: ${f.file}:${flag.line}  ${flag.message}\n`);
    if (f.flags.length === 0 && f.markers > 0) out.write(`review: ${f.file} still holds ${f.markers} ${MARKER} marker(s)\n`);
  }
  for (const p of args.json ? [] : report.packages) {
    if (p.skipped) out.write(`package.json: ${p.file}: ${p.skipped}\n`);
    else out.write(`package.json ${verb}: ${p.file}: ${p.section}: cloacina ${p.from} -> cloacina-workflow ${p.authoring}${p.runtime ? `, cloacina ${p.runtime}` : ' (cloacina removed)'}\n`);
  }
  for (const e of report.typeErrors ?? []) out.write(`type error: ${e.file}:${e.line}  ${e.message.split('\n')[0]}\n`);
  const s = report.summary;
  out.write(
    `\n${s.changed} ${verb}, ${s.unchanged} unchanged, ${s.skipped} skipped (no cloacina), ${s.failed} failed, ` +
      `${s.manualReview} site(s) for manual review, ${s.packagesChanged} package.json ${verb}` +
      (report.typeErrors ? `, ${report.typeErrors.length} type error(s) against cloacina-workflow alone` : '') +
      '\n',
  );
}
