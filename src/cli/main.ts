// The cloacina-migrate command line.
import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, relative, sep } from 'node:path';
import { CODEMOD_CATALOG } from '../codemod-catalog.js';
import { MARKER } from '../edits/flags.js';
import { unifiedDiff } from '../diff.js';
import { discover, isInside, type Discovered } from '../files/discover.js';
import { guard } from '../files/guard.js';
import { replaceFile } from '../files/safe-write.js';
import { removeLeftoverTemps } from '../files/temp-files.js';
import type { FileResult } from '../file-result.js';
import { mayNameRuntime } from '../manifest/mentions.js';
import type { ManifestChange, ManifestNote, ManifestPlan } from '../manifest/plan.js';
import { readAhead, runFiles, startWorkers } from '../run-files.js';
import type { TypeError as CheckError, ProjectCheck } from '../typecheck.js';
import type { RemainingUse } from '../analysis/remaining-uses.js';
import { parseArgs, USAGE, type CliArgs } from './args.js';
import { UsageError } from './usage-error.js';
import type { EarlyListing } from './early.js';

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
  files: Array<Pick<FileResult, 'status' | 'flags' | 'applied' | 'error' | 'reason' | 'markers'> & { file: string }>;
  /** Each package.json (or pnpm-workspace.yaml) edited, or with entries left for a hand edit. */
  packages: Array<{ file: string; changes: ManifestChange[]; review: ManifestNote[] }>;
  summary: {
    changed: number;
    unchanged: number;
    skipped: number;
    failed: number;
    /** Files that needed changes but were left as they were (see each file's `reason`). */
    notWritten: number;
    /** Review markers the files hold after the run (would hold, in a dry run). */
    manualReview: number;
    /** package.json files edited (pnpm-workspace.yaml files are counted apart). */
    packagesChanged: number;
    /** pnpm-workspace.yaml files edited (their catalogs); present only when there were any. */
    workspaceFilesChanged?: number;
    /** Package entries left for a hand edit. */
    packageReview: number;
  };
  /** Temp files of an interrupted earlier run, removed. */
  removedTempFiles?: string[];
  /** `check` only: uses of removed Context methods left in the project. */
  remainingUses?: RemainingUse[];
  /** `check` only: type errors the migration is responsible for (see src/typecheck.ts). */
  typeErrors?: CheckError[];
  /** `check` only: each TypeScript project checked, with its error counts as migrated and before. */
  typeCheck?: { projects: Array<Omit<ProjectCheck, 'config'> & { config: string | null }>; configErrors: string[] };
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

/** `early`: git's listing of the one folder given, asked before this module loaded (see early.ts). */
export async function main(argv: readonly string[], io: Io, early?: EarlyListing): Promise<number> {
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
    for (const c of CODEMOD_CATALOG) io.stdout.write(`${c.name}  (cloacina ${c.appliesTo})  ${c.description}\n`);
    return 0;
  }
  const human = args.json ? io.stderr : io.stdout;
  const paths = new PathNames(io.cwd);

  const pool = startWorkers(args.workers);
  // Tracked files are read while git still walks the tree for untracked ones.
  const ahead = readAhead();
  let found: Discovered;
  try {
    found = await discover(args.paths, io.cwd, { changes: !args.dry, whileListing: (files, listing) => ahead.readWhile(files, listing), early });
  } catch (error) {
    pool?.close();
    if (error instanceof UsageError) {
      io.stderr.write(`cloacina-migrate: ${error.message}\n`);
      return 2;
    }
    throw error;
  }

  if (!args.dry) {
    const state = await guard(found);
    const refusals: string[] = [];
    if (state.uncommitted.length > 0) {
      const shown = state.uncommitted.slice(0, 5).map((f) => paths.rel(f));
      refusals.push(
        `the git tree has uncommitted changes (${shown.join(', ')}${state.uncommitted.length > 5 ? ', ...' : ''}).\n` +
          'Commit or stash them (untracked files in the given paths too) so the migration can be reviewed as one diff, or pass --force.',
      );
    }
    for (const { path, message } of state.unknown) refusals.push(`git cannot tell whether ${paths.rel(path) || '.'} has uncommitted changes (${message}); pass --force to run anyway.`);
    if (refusals.length > 0 && !args.force) {
      pool?.close();
      for (const refusal of refusals) io.stderr.write(`cloacina-migrate: ${refusal}\n`);
      return 2;
    }
    // Once per path, however often (or in however many spellings) it was given.
    const warnings = new Set(state.unguarded.map(({ path, why }) => (why === 'no-git' ? 'git is not installed' : `${paths.rel(path) || '.'} is not inside a git repository`)));
    for (const warning of warnings) io.stderr.write(`cloacina-migrate: ${warning}; files are changed in place with no safety net.\n`);
  }

  const showProgress = io.stderr.isTTY === true && !args.json;
  const started = Date.now();
  const results = await runFiles(found.sources, {
    dry: args.dry,
    keepText: args.diff,
    roots: found.roots,
    readAhead: ahead,
    ...(args.transforms ? { transforms: args.transforms } : {}),
    pool,
    onProgress: showProgress
      ? (done, total) => {
          if (Date.now() - started > 500 && (done % 25 === 0 || done === total)) io.stderr.write(`\r  migrating ${done}/${total} files`);
          if (done === total && Date.now() - started > 500) io.stderr.write('\n');
        }
      : undefined,
  });

  // The planner (semver and all) is loaded only when a package.json names cloacina: it leaves
  // every other one alone.
  let plans: ManifestPlan[] = [];
  if (found.manifests.some(namesRuntime)) {
    const { planManifests } = await import('../manifest/plan.js');
    plans = await planManifests({
      manifests: found.manifests,
      results,
      roots: found.roots,
      filesUnder: async (dir) => (await discover([dir], dir)).sources,
    });
  }
  for (const plan of plans) writePlan(plan, args.dry);
  // Leftovers of a killed run sit beside the files it was writing.
  const removedTemps = args.dry
    ? []
    : removeLeftoverTemps(new Set([...found.temps, ...results.filter((r) => r.status !== 'skipped').map((r) => r.file), ...found.manifests].map((f) => dirname(f))));

  const report = buildReport(args, results, plans, paths);
  if (removedTemps.length > 0) report.removedTempFiles = removedTemps.map((f) => paths.rel(f));
  if (args.command === 'check') {
    // Every use of a removed Context method still there, whether or not a marker sits on it.
    const [{ ProjectIndex }, { remainingRemovedMethodUses }] = await Promise.all([import('../analysis/project.js'), import('../analysis/remaining-uses.js')]);
    const uses = remainingRemovedMethodUses(found.sources, ProjectIndex.shared(found.roots, found.sources));
    // Loaded only here: the TypeScript compiler alone takes longer to load than a migration.
    const { checkTypes } = await import('../typecheck.js');
    const candidates = new Set(results.filter((r) => r.status !== 'skipped' && r.status !== 'failed').map((r) => r.file));
    for (const use of uses) candidates.add(use.file);
    // The checker then drops uses on the project's own objects (a Container with a getWithDependencies).
    const checked = checkTypes([...candidates], uses);
    report.remainingUses = checked.uses.map((u) => ({ ...u, file: paths.rel(u.file) }));
    report.typeErrors = checked.errors.map((e) => ({ ...e, file: paths.rel(e.file) }));
    report.typeCheck = {
      projects: checked.projects.map((p) => ({ ...p, config: p.config === undefined ? null : paths.rel(p.config) })),
      configErrors: checked.configErrors,
    };
  }
  if (args.diff) {
    for (const r of results) if (r.before !== undefined) human.write(unifiedDiff(paths.rel(r.file), r.before, r.after!));
    for (const p of plans) if (p.changes.length > 0) human.write(unifiedDiff(paths.rel(p.file), p.before, p.after));
  }
  printHuman(human, report, args, results, paths);
  if (args.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);

  const { summary } = report;
  const pending = args.command === 'check' && (summary.changed > 0 || summary.packagesChanged > 0 || (summary.workspaceFilesChanged ?? 0) > 0);
  const typeErrors = (report.typeErrors?.length ?? 0) > 0;
  const attention = summary.failed + summary.notWritten + summary.manualReview + summary.packageReview;
  const remaining = (report.remainingUses?.length ?? 0) > 0;
  return attention > 0 || pending || typeErrors || remaining ? 1 : 0;
}

/** Whether a package.json names cloacina at all (unreadable: let the planner say why). */
function namesRuntime(manifest: string): boolean {
  try {
    return mayNameRuntime(readFileSync(manifest, 'latin1'));
  } catch {
    return true;
  }
}

/** Paths and messages relative to the working folder, as the report shows them. */
class PathNames {
  readonly #cwd: string;
  constructor(cwd: string) {
    this.#cwd = realpathSync(cwd);
  }

  rel(path: string): string {
    return relative(this.#cwd, path);
  }

  /** Every absolute path under the working folder in `text`, made relative. */
  text(text: string): string {
    return text.split(this.#cwd + sep).join('').replace(new RegExp(`${this.#cwd.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![^\\s,;)])`, 'g'), '.');
  }
}

/** Writes one manifest plan (checks only, in a dry run); a refusal moves its changes to review. */
function writePlan(plan: ManifestPlan, dry: boolean): void {
  if (plan.after === plan.before) return;
  const target = manifestTarget(plan.file);
  const refused = target === undefined ? `a symbolic link to ${realpathSync(plan.file)}, outside its folder; edit that file by hand` : replaceFile(target, plan.before, plan.after, dry);
  if (refused === undefined) return;
  plan.review.push({ message: `not written: ${refused}` });
  plan.changes = [];
  plan.after = plan.before;
}

/**
 * The file to write for a manifest: a symbolic link is written through to its target when
 * that lies in the link's own folder tree (the package's file, kept elsewhere in it);
 * undefined for a link elsewhere (a file other packages may share), which is reported.
 */
function manifestTarget(file: string): string | undefined {
  if (!lstatSync(file).isSymbolicLink()) return file;
  const target = realpathSync(file);
  return isInside(target, realpathSync(dirname(file))) ? target : undefined;
}

/** A file's error with its path relative and one position (parsers repeat theirs at the end). */
function errorText(r: FileResult, paths: PathNames): string | undefined {
  if (r.error === undefined) return undefined;
  const text = paths.text(r.error);
  return /^[^:]*:\d+:\d+: /.test(text) ? text.replace(/ \(\d+:\d+\)$/, '') : text;
}

function buildReport(args: CliArgs, results: readonly FileResult[], plans: readonly ManifestPlan[], paths: PathNames): Report {
  const count = (status: FileResult['status']) => results.filter((r) => r.status === status).length;
  const packages = plans
    .filter((p) => p.changes.length > 0 || p.review.length > 0)
    .map((p) => ({ file: paths.rel(p.file), changes: p.changes, review: p.review.map((n) => ({ ...n, message: paths.text(n.message) })) }));
  const edited = plans.filter((p) => p.changes.length > 0);
  const workspaceFilesChanged = edited.filter((p) => basename(p.file) !== 'package.json').length;
  return {
    tool: 'cloacina-migrate',
    version: VERSION,
    command: args.command === 'check' ? 'check' : 'migrate',
    dry: args.dry,
    files: results
      .filter((r) => r.status !== 'skipped')
      .map((r) => ({
        file: paths.rel(r.file),
        status: r.status,
        applied: r.applied,
        flags: r.flags,
        markers: r.markers,
        ...(r.error ? { error: errorText(r, paths)! } : {}),
        ...(r.reason ? { reason: paths.text(r.reason) } : {}),
      })),
    packages,
    summary: {
      changed: count('changed'),
      unchanged: count('unchanged'),
      skipped: count('skipped'),
      failed: count('failed'),
      notWritten: count('not-written'),
      manualReview: results.reduce((n, r) => n + r.markers, 0),
      packagesChanged: edited.length - workspaceFilesChanged,
      ...(workspaceFilesChanged > 0 ? { workspaceFilesChanged } : {}),
      packageReview: packages.reduce((n, p) => n + p.review.length, 0),
    },
  };
}

/** The lines of the markers in `file` as it is on disk. */
function markerLines(file: string): number[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const lines: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.includes(MARKER)) lines.push(i + 1);
  });
  return lines;
}

function describeChange(c: ManifestChange): string {
  if (c.from === undefined) return `${c.key} added: ${c.to}`;
  if (c.to === undefined) return `${c.key} removed (was ${c.from})`;
  return `${c.key}: ${c.from} -> ${c.to}`;
}

function printHuman(out: NodeJS.WritableStream, report: Report, args: CliArgs, results: readonly FileResult[], paths: PathNames): void {
  const verb = args.dry ? 'would change' : 'changed';
  // Looked up for the files the report lists only: skipped ones, most of a large tree, are not.
  const byFile = new Map(results.filter((r) => r.status !== 'skipped').map((r) => [paths.rel(r.file), r]));
  // With --json the details are in the report; stderr gets what needs attention and the summary only.
  for (const f of args.json ? report.files.filter((file) => file.status === 'failed' || file.status === 'not-written') : report.files) {
    if (f.status === 'changed') out.write(`${verb}: ${f.file} (${f.applied.join(', ')})\n`);
    if (f.status === 'failed') out.write(`failed: ${f.error}\n`);
    if (f.status === 'not-written') out.write(`${args.dry ? 'would not write' : 'not written'}: ${f.file}: ${f.reason}\n`);
    for (const flag of f.flags) out.write(`review: ${f.file}:${flag.line}  ${flag.message}\n`);
    const unexplained = f.markers - f.flags.length;
    if (unexplained <= 0) continue;
    // Markers left by an earlier run: their lines, read from the file when it holds the final text.
    const onDisk = !(args.dry && f.status === 'changed');
    const flagged = new Set(f.flags.map((flag) => flag.line));
    const lines = onDisk ? markerLines(byFile.get(f.file)!.file).filter((line) => !flagged.has(line)) : [];
    if (lines.length > 0) for (const line of lines) out.write(`review: ${f.file}:${line}  ${MARKER} marker left for review\n`);
    else out.write(`review: ${f.file} holds ${unexplained} more ${MARKER} marker(s)\n`);
  }
  for (const p of args.json ? [] : report.packages) {
    if (p.changes.length > 0) out.write(`${verb}: ${p.file}: ${p.changes.map(describeChange).join('; ')}\n`);
    for (const note of p.review) out.write(`review: ${p.file}: ${note.message}\n`);
  }
  if (report.removedTempFiles) out.write(`removed ${report.removedTempFiles.length} temp file(s) left by an interrupted run: ${report.removedTempFiles.join(', ')}\n`);
  for (const use of report.remainingUses ?? []) out.write(`removed method: ${use.file}:${use.line}  ${use.message}\n`);
  for (const problem of report.typeCheck?.configErrors ?? []) out.write(`tsconfig: ${problem}\n`);
  for (const e of report.typeErrors ?? []) out.write(`type error: ${e.file}:${e.line}  ${e.message.split('\n')[0]}\n`);
  const s = report.summary;
  out.write(
    `\n${s.changed} ${verb}, ${s.unchanged} unchanged, ${s.skipped} skipped (no cloacina), ${s.failed} failed, ` +
      (s.notWritten > 0 ? `${s.notWritten} not written, ` : '') +
      `${s.manualReview} site(s) for manual review, ${s.packagesChanged} package.json ${verb}` +
      (s.workspaceFilesChanged ? `, ${s.workspaceFilesChanged} pnpm-workspace.yaml ${verb}` : '') +
      (s.packageReview > 0 ? `, ${s.packageReview} package entr${s.packageReview === 1 ? 'y' : 'ies'} to edit by hand` : '') +
      (report.remainingUses ? `, ${report.remainingUses.length} use(s) of removed context methods` : '') +
      (report.typeErrors ? `, ${report.typeErrors.length} type error(s) from the migration` : '') +
      '\n',
  );
}
