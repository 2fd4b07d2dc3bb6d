// The differential pipeline of DESIGN section 8, for a batch of generated v1 workflows:
// migrate with the real CLI code path, check each flag is justified, type-check the
// migrated source against cloacina-workflow alone, pack, register and run it on the SQLite
// runtime, run the original under cloacina/legacy, and require model == legacy run ==
// migrated run, and that migrating again changes nothing.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pack, Runner, type PackagedWorkflow } from 'cloacina';
import { CODEMODS } from '../../codemods/index.js';
import type { FlagReason } from '../edits/flags.js';
import { runFiles } from '../run-files.js';
import { transformSource } from '../transform-source.js';
import type { ImportStyle } from './arbitraries.js';
import { importTree, LEGACY_URL } from './bundle-import.js';
import { modelRun } from './model.js';
import { differences, outcomeOf } from './outcome.js';
import type { GenWorkflow, Op, RunOutcome } from './program.js';
import { renderWorkflow, type SourceTree } from './render.js';
import { typecheckAgainstAuthoringApi } from '../typecheck.js';

export interface Sample {
  workflow: GenWorkflow;
  style: ImportStyle;
  split: boolean;
}

export interface SampleReport {
  index: number;
  /** Why the sample fails the property; empty when it holds. */
  problems: string[];
  flags: FlagReason[];
  /** The migrated workflow was packed, run and compared (no flag stopped it). */
  ranMigrated: boolean;
  source: SourceTree;
}


function flatten(ops: Op[]): Op[] {
  return ops.flatMap((o) => (o.op === 'ifHas' || o.op === 'ifEquals' ? [o, ...flatten(o.then), ...flatten(o.else)] : [o]));
}

/** A remove of a key followed (in program text) by a loader of the same key. */
function hasLoaderAfterRemove(ops: Op[]): boolean {
  const removed = new Set<string>();
  for (const op of flatten(ops)) {
    if (op.op === 'remove') removed.add(op.key);
    if ((op.op === 'loadFromDependenciesAndCache' || op.op === 'getWithDependencies') && removed.has(op.key)) return true;
  }
  return false;
}

/** Why each flag is justified: the construct is really there (and has no safe rewrite). */
function unjustifiedFlags(workflow: GenWorkflow, flags: readonly FlagReason[]): string[] {
  const programs = workflow.tasks.map((t) => t.program);
  const problems: string[] = [];
  for (const reason of new Set(flags)) {
    if (reason === 'execution-scope-read' && programs.some((p) => flatten(p).some((o) => o.op === 'executionScope'))) continue;
    if (reason === 'loader-after-remove' && programs.some(hasLoaderAfterRemove)) continue;
    problems.push(`flag ${reason} raised on a workflow that has no such construct`);
  }
  if (!flags.includes('loader-after-remove') && programs.some(hasLoaderAfterRemove)) problems.push('a loader after a remove of its key was not flagged');
  if (!flags.includes('execution-scope-read') && programs.some((p) => flatten(p).some((o) => o.op === 'executionScope'))) {
    problems.push('executionScope() was not flagged');
  }
  return problems;
}

function writeTree(dir: string, tree: SourceTree): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(tree).map(([name, text]) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  });
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
}

export async function runPipeline(samples: readonly Sample[], options: PipelineOptions): Promise<SampleReport[]> {
  const reports: SampleReport[] = [];
  const migrated: Array<{ report: SampleReport; dir: string; files: string[] }> = [];
  const previousNoDeprecation = process.noDeprecation;
  process.noDeprecation = true; // every legacy workflow would print its deprecation warning
  try {
    for (const [index, sample] of samples.entries()) {
      const packageName = `compat-${options.batch}-${index}`;
      const source = renderWorkflow(sample.workflow, { style: sample.style, split: sample.split, packageName });
      const report: SampleReport = { index, problems: [], flags: [], ranMigrated: false, source };
      reports.push(report);
      const base = join(options.workDir, `b${options.batch}-s${index}`);
      writeTree(join(base, 'v1'), source);
      const v2Files = writeTree(join(base, 'v2'), source);

      // 1. The real CLI code path, writing the migrated tree.
      const results = await runFiles(v2Files, { dry: false });
      for (const r of results) {
        if (r.status === 'failed') report.problems.push(`migration failed: ${r.error}`);
        report.flags.push(...r.flags.map((f) => f.reason));
      }
      report.problems.push(...unjustifiedFlags(sample.workflow, report.flags));
      // 5. Migrating again changes nothing.
      for (const file of v2Files) {
        const text = readFileSync(file, 'utf8');
        if (transformSource(file, text, CODEMODS).output !== text) report.problems.push(`migrating ${file} again changed it`);
      }

      // 4a. Model and legacy run.
      const expected = modelRun(sample.workflow);
      const legacyExports = await importTree(join(base, 'v1', 'workflow.ts'), { cloacina: LEGACY_URL });
      const legacy = outcomeOf(await (await options.runner.execute(workflowOf(legacyExports), legacyExports.initialContext as never)).result());
      report.problems.push(...differences(expected, legacy).map((d) => `legacy run differs from the model: ${d}`));
      if (report.flags.length === 0) migrated.push({ report, dir: join(base, 'v2'), files: v2Files });
    }

    // 2. One type-check for every unflagged migrated tree.
    const errors = typecheckAgainstAuthoringApi(migrated.flatMap((m) => m.files));
    for (const error of errors) {
      const owner = migrated.find((m) => m.files.includes(error.file));
      (owner?.report.problems ?? reports[0]!.problems).push(`type error ${error.file}:${error.line}: ${error.message}`);
    }

    // 3 and 4b. Pack, register, run the migrated workflow.
    for (const { report, dir } of migrated) {
      if (report.problems.length > 0) continue;
      const { archive, manifest } = await pack(join(dir, 'workflow.ts'));
      await options.runner.registry.register(archive);
      const sample = samples[report.index]!;
      const result = await (await options.runner.executePackage(manifest.package.name, manifest.package.version, sample.workflow.initial)).result();
      report.ranMigrated = true;
      const expected: RunOutcome = modelRun(sample.workflow);
      report.problems.push(...differences(expected, outcomeOf(result)).map((d) => `migrated run differs from the model: ${d}`));
    }
  } finally {
    process.noDeprecation = previousNoDeprecation;
  }
  return reports;
}

export function cleanWorkDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
