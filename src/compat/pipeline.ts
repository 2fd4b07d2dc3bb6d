// The differential pipeline of DESIGN section 8, for a batch of generated v1 projects:
// migrate them with the real CLI (one run over the batch, as a user runs it over a
// repository), judge every flag against the sites that may or must be flagged, check that
// foreign code is byte-identical, type-check the migrated workflow modules against
// cloacina-workflow alone, pack, register and run them on the SQLite runtime, run the
// originals under cloacina/legacy, and require model == legacy run == migrated run, and
// that migrating again changes nothing.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pack, Runner, type PackagedWorkflow } from 'cloacina';
import { main, type Io } from '../cli/main.js';
import type { ProjectShape } from './arbitraries.js';
import { importTree, LEGACY_URL } from './bundle-import.js';
import { lineMap } from './line-map.js';
import { modelRun } from './model.js';
import { differences, outcomeOf } from './outcome.js';
import type { GenWorkflow, RunOutcome } from './program.js';
import { renderProject, type Site, type SourceTree } from './render.js';
import { typecheckMigrated } from './typecheck-migrated.js';

export interface Sample extends ProjectShape {
  workflow: GenWorkflow;
}

export interface SampleFlag {
  file: string;
  line: number;
  reason: string;
}

export interface SampleReport {
  index: number;
  /** Why the sample fails the property; empty when it holds. */
  problems: string[];
  flags: SampleFlag[];
  /** The migrated workflow was packed, run and compared (no flag stopped it). */
  ranMigrated: boolean;
  source: SourceTree;
  /** The migrated tree (files the CLI changed or left). */
  migrated: SourceTree;
}

interface CliReport {
  files: Array<{ file: string; status: string; error?: string; flags: Array<{ reason: string; line: number }> }>;
}

function writeTree(dir: string, tree: SourceTree): void {
  for (const [name, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

function readTree(dir: string, names: readonly string[]): SourceTree {
  return Object.fromEntries(names.map((n) => [n, readFileSync(join(dir, n), 'utf8')]));
}

/** The cloacina-migrate CLI's entry point (this checkout's, or another's: see codemod-from.ts). */
export type MigrateCli = (argv: readonly string[], io: Io) => Promise<number>;

/** Runs the cloacina-migrate CLI in this process; returns its JSON report. */
async function cli(migrate: MigrateCli, args: string[], cwd: string): Promise<CliReport> {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) => ({ write: (chunk: string | Uint8Array) => (append(String(chunk)), true) }) as unknown as NodeJS.WritableStream;
  const code = await migrate([...args, '--json', '--workers', '1'], { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), cwd });
  if (code !== 0 && code !== 1) throw new Error(`cloacina-migrate ${args.join(' ')} exited ${code}: ${err}`);
  return JSON.parse(out) as CliReport;
}

/**
 * Flags a sample's sites call for: each flag on a site that allows one, each required one
 * present. A flag's line may count in the original file or in the file as written.
 */
function judgeFlags(sites: readonly Site[], flags: readonly SampleFlag[], source: SourceTree, migrated: SourceTree): string[] {
  const problems: string[] = [];
  const lineOf = (file: string, line: number) => source[file]?.split('\n')[line - 1]?.trim() ?? '?';
  const maps = new Map<string, Map<number, number>>();
  const candidates = (f: SampleFlag) => {
    if (!maps.has(f.file)) maps.set(f.file, lineMap(source[f.file] ?? '', migrated[f.file] ?? ''));
    const written = maps.get(f.file)!.get(f.line);
    return written === undefined ? [f.line] : [f.line, written];
  };
  const marks = (s: Site, f: SampleFlag) => s.file === f.file && candidates(f).some((line) => s.lines.includes(line));
  for (const f of flags) {
    if (sites.some((s) => s.may && marks(s, f))) continue;
    problems.push(`needless flag ${f.reason} at ${f.file}:${f.line}: ${lineOf(f.file, f.line)}`);
  }
  for (const s of sites) {
    if (!s.must || flags.some((f) => marks(s, f))) continue;
    problems.push(`missing flag at ${s.file}:${s.lines.join('/')} (${s.what}): ${lineOf(s.file, s.lines[0]!)}`);
  }
  return problems;
}

/** Foreign lines must survive unchanged and in order. */
function judgeForeign(sites: readonly Site[], source: SourceTree, migrated: SourceTree): string[] {
  const problems: string[] = [];
  for (const file of new Set(sites.filter((s) => s.kind === 'foreign').map((s) => s.file))) {
    const after = (migrated[file] ?? '').split('\n');
    const before = source[file]!.split('\n');
    let at = 0;
    // In file order: a task body's foreign line is rendered before the class it uses, which stands above it.
    const inOrder = sites.filter((s) => s.kind === 'foreign' && s.file === file).sort((a, b) => a.lines[0]! - b.lines[0]!);
    for (const site of inOrder) {
      const text = before[site.lines[0]! - 1]!;
      const found = after.indexOf(text, at);
      if (found < 0) {
        problems.push(`foreign code changed in ${file}:${site.lines[0]}: ${text.trim()}`);
        continue;
      }
      at = found + 1;
    }
  }
  return problems;
}

const SPECIFIER = /\bfrom\s+(['"])([^'"]+)\1/;

/** The module a task module's `task` comes from, through the local barrel if it uses one. */
function taskSource(tree: SourceTree, taskFile: string): string | undefined {
  const line = tree[taskFile]?.split('\n').find((l) => /^import\b/.test(l) && /\b(task|defineTask)\b|\* as cl\b/.test(l) && !/^import type/.test(l));
  const spec = line && SPECIFIER.exec(line)?.[2];
  if (spec !== './barrel.js') return spec;
  return tree['barrel.ts']?.split('\n').map((l) => SPECIFIER.exec(l)?.[2]).find((s) => s !== undefined);
}

/** A vitest mock must still mock the module the workflow's task() comes from. */
function judgeMock(sample: Sample, sites: readonly Site[], flags: readonly SampleFlag[], source: SourceTree, migrated: SourceTree): string[] {
  if (!sample.mock) return [];
  const site = sites.find((s) => s.kind === 'mock')!;
  // A flag's line may count in the file as written (a marker above the mock moves it down).
  const written = lineMap(source[site.file] ?? '', migrated[site.file] ?? '');
  if (flags.some((f) => f.file === site.file && [f.line, written.get(f.line)].some((line) => line !== undefined && site.lines.includes(line)))) return [];
  const taskFile = sample.split ? 'tasks.ts' : 'workflow.ts';
  const problems: string[] = [];
  for (const [when, tree] of [['before', source], ['after', migrated]] as const) {
    const test = tree['workflow.test.ts'] ?? '';
    const mocked = [...test.matchAll(/vi\.mock\((['"])([^'"]+)\1/g)].map((m) => m[2]!);
    const imported = /import \{ task \} from (['"])([^'"]+)\1/.exec(test)?.[2];
    const used = taskSource(tree, taskFile);
    // The mock must reach the module the workflow takes task() from, and a test that counts
    // calls on an imported task() must import it from that very module.
    if (used === undefined || !mocked.includes(used) || (sample.mock === 'imported' && imported !== used)) {
      problems.push(`${when} migration the test mocks ${mocked.join(', ')} and imports task from ${imported}, but the workflow's task() comes from ${used}`);
    }
  }
  return problems;
}

/** A barrel of cloacina/legacy keeps its consumers on the legacy API. */
function judgeLegacyBarrel(sample: Sample, migrated: SourceTree): string[] {
  if (sample.barrel !== 'legacyStar' || migrated['barrel.ts'] === undefined) return [];
  return migrated['barrel.ts'].includes("'cloacina/legacy'") || migrated['barrel.ts'].includes('"cloacina/legacy"')
    ? []
    : [`a barrel of cloacina/legacy was moved off the legacy API: ${migrated['barrel.ts'].trim()}`];
}

function workflowOf(exports: Record<string, unknown>): PackagedWorkflow {
  return exports.default as PackagedWorkflow;
}

export interface PipelineOptions {
  /** A folder inside the repository (packing resolves cloacina-workflow from it). */
  workDir: string;
  runner: Runner;
  /** Unique per batch, so package names never collide in one database. */
  batch: number;
  /** The CLI that migrates (default: this checkout's). */
  migrate?: MigrateCli;
}

const isWorkflowModule = (file: string) => /\.ts$/.test(file) && !/^main\./.test(file) && !file.endsWith('.test.ts');
const isOperatorScript = (file: string) => /^main\.c?ts$/.test(file);

export async function runPipeline(samples: readonly Sample[], options: PipelineOptions): Promise<SampleReport[]> {
  const base = join(options.workDir, `b${options.batch}`);
  const v2Root = join(base, 'v2');
  const rendered = samples.map((sample, index) =>
    renderProject(sample.workflow, { ...sample, packageName: `compat-${options.batch}-${index}` }),
  );
  rendered.forEach((r, i) => {
    writeTree(join(base, 'v1', `s${i}`), r.files);
    writeTree(join(v2Root, `s${i}`), r.files);
  });
  // The project's manifest: migrated too, so the batch looks like a v1 repository.
  writeFileSync(join(v2Root, 'package.json'), `${JSON.stringify({ name: `compat-batch-${options.batch}`, private: true, type: 'module', dependencies: { cloacina: '^1.4.0' } }, null, 2)}\n`);

  const reports: SampleReport[] = rendered.map((r, index) => ({ index, problems: [], flags: [], ranMigrated: false, source: r.files, migrated: {} }));
  const sampleOf = (file: string) => {
    const match = /^s(\d+)\/(.*)$/.exec(file.split('\\').join('/'));
    return match ? { report: reports[Number(match[1])]!, file: match[2]! } : undefined;
  };

  // 1. The CLI over the whole batch, as over a repository.
  const migrate = options.migrate ?? main;
  const first = await cli(migrate, ['--force', v2Root], v2Root);
  for (const f of first.files) {
    const owner = sampleOf(f.file);
    if (!owner) continue;
    if (f.status === 'failed') owner.report.problems.push(`migration failed: ${f.error}`);
    owner.report.flags.push(...f.flags.map((flag) => ({ file: owner.file, line: flag.line, reason: flag.reason })));
  }
  // 5. Migrating again changes nothing.
  const again = await cli(migrate, ['--dry', v2Root], v2Root);
  for (const f of again.files) {
    const owner = sampleOf(f.file);
    if (owner && f.status === 'changed') owner.report.problems.push(`migrating again changes ${owner.file}`);
  }

  const previousNoDeprecation = process.noDeprecation;
  process.noDeprecation = true; // every legacy workflow would print its deprecation warning
  const toCheck: Array<{ report: SampleReport; authoringOnly: string[]; withRuntime: string[] }> = [];
  try {
    for (const report of reports) {
      const sample = samples[report.index]!;
      const { sites } = rendered[report.index]!;
      const dir = join(v2Root, `s${report.index}`);
      report.migrated = readTree(dir, Object.keys(report.source));
      report.problems.push(
        ...judgeFlags(sites, report.flags, report.source, report.migrated),
        ...judgeForeign(sites, report.source, report.migrated),
        ...judgeMock(sample, sites, report.flags, report.source, report.migrated),
        ...judgeLegacyBarrel(sample, report.migrated),
      );

      // 4a. Model and legacy run.
      const expected = modelRun(sample.workflow);
      try {
        const legacyExports = await importTree(join(base, 'v1', `s${report.index}`, 'workflow.ts'), { cloacina: LEGACY_URL, 'cloacina/legacy': LEGACY_URL });
        const legacy = outcomeOf(await (await options.runner.execute(workflowOf(legacyExports), legacyExports.initialContext as never)).result());
        report.problems.push(...differences(expected, legacy).map((d) => `legacy run differs from the model: ${d}`));
      } catch (error) {
        report.problems.push(`legacy run failed: ${(error as Error).message}`);
      }

      const files = Object.keys(report.source);
      const flaggedFiles = new Set(report.flags.map((f) => f.file));
      toCheck.push({
        report,
        authoringOnly: report.flags.length === 0 ? files.filter(isWorkflowModule).map((f) => join(dir, f)) : [],
        withRuntime: files.filter((f) => isOperatorScript(f) && !flaggedFiles.has(f)).map((f) => join(dir, f)),
      });
    }

    // 2. One type-check for the batch: workflow modules against cloacina-workflow alone,
    // operator scripts against the v2 runtime.
    const errors = typecheckMigrated(
      toCheck.flatMap((c) => c.authoringOnly),
      toCheck.flatMap((c) => c.withRuntime),
    );
    for (const error of errors) {
      const owner = sampleOf(relative(v2Root, error.file));
      (owner?.report.problems ?? reports[0]!.problems).push(`type error ${owner?.file ?? error.file}:${error.line}: ${error.message}`);
    }

    // 3 and 4b. Pack, register, run the migrated workflow: every one that nothing flagged
    // and that type-checks (a missing flag shows here too, when the run takes its path).
    for (const report of reports) {
      if (report.flags.length > 0 || report.problems.some((p) => /^(type error|migration failed|legacy run failed)/.test(p))) continue;
      const sample = samples[report.index]!;
      try {
        const { archive, manifest } = await pack(join(v2Root, `s${report.index}`, 'workflow.ts'));
        await options.runner.registry.register(archive);
        const result = await (await options.runner.executePackage(manifest.package.name, manifest.package.version, sample.workflow.initial)).result();
        report.ranMigrated = true;
        const expected: RunOutcome = modelRun(sample.workflow);
        report.problems.push(...differences(expected, outcomeOf(result)).map((d) => `migrated run differs from the model: ${d}`));
      } catch (error) {
        report.problems.push(`migrated workflow failed to pack or run: ${(error as Error).message}`);
      }
    }
  } finally {
    process.noDeprecation = previousNoDeprecation;
  }
  return reports;
}

export function cleanWorkDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
