// Runs the compatibility property over generated workflows: fast batches first; when a
// sample fails, it is shrunk one sample at a time and the smallest failing workflow is
// reported with its source, its migrated form, and the seed and run that replay it.
import fc from 'fast-check';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Runner } from 'cloacina';
import { classesOf, projectShapeArb, withoutFlaggedConstructs, workflowArb, type ShapeClass } from './arbitraries.js';
import { codemodFrom } from './codemod-from.js';
import { cleanWorkDir, runPipeline, type PipelineOptions, type Sample, type SampleReport } from './pipeline.js';
import { problemKind, shrinkSample } from './shrink.js';

/**
 * Samples drawing the given shape classes (none: the plain shapes). Three in ten are risky:
 * they keep what must or may be flagged (loaders a removal may precede, executionScope()
 * reads in half of them, barrels of the runtime or of the legacy API). The rest hold only
 * what a sound migration can prove, so they must migrate unflagged and run the same.
 */
export function sampleArb(classes: readonly ShapeClass[] = []): fc.Arbitrary<Sample> {
  const enabled = new Set(classes);
  return fc
    .tuple(workflowArb(enabled), fc.integer({ min: 0, max: 9 }), fc.boolean(), projectShapeArb(enabled))
    .map(([workflow, risk, scope, shape]) => {
      if (risk < 3) return { ...shape, workflow: withoutFlaggedConstructs(workflow, { scope, loaderAfterRemove: true }) };
      const { barrel: _flagged, ...provable } = shape;
      return { ...provable, workflow: withoutFlaggedConstructs(workflow, { scope: false, loaderAfterRemove: false }) };
    });
}

export interface CompatOptions {
  runs: number;
  seed: number;
  /** A folder inside the repository for the generated projects. */
  workDir: string;
  batchSize?: number;
  /** Go on after a failure and report the first failure of each kind of problem. */
  everyKind?: boolean;
  /** How long shrinking a failure may take (default 180 s). */
  shrinkSeconds?: number;
  /** Shape classes the generator draws (default: none beyond the plain shapes). */
  classes?: readonly ShapeClass[];
  /** After each batch: how far the run is, and its counts so far. */
  onBatch?: (done: number, total: number, sofar: Pick<CompatSummary, 'ranMigrated' | 'unflagged' | 'byClass' | 'flaggedByReason'> & { kinds: string[] }) => void;
  /** Migrate with the CLI of another checkout (its built dist/), not this one's. */
  codemodFrom?: string;
  /** Shrinking keeps only candidates this accepts (e.g. those that still draw a class). */
  shrinkWithin?: (sample: Sample) => boolean;
  /** The pipeline to judge batches with (tests replace it; default: the real one). */
  pipeline?: (samples: readonly Sample[], options: PipelineOptions) => Promise<SampleReport[]>;
}

export interface CompatFailure {
  seed: number;
  /** Which generated sample (0-based) failed first. */
  run: number;
  kind: string;
  problems: string[];
  source: Record<string, string>;
  migrated: Record<string, string>;
  counterexample: Sample;
}

/** What became of the samples that drew one shape class. */
export interface ClassCounts {
  drawn: number;
  /** No flag: migrated, packed and run end to end. */
  rewritten: number;
  /** At least one flag for manual review. */
  flagged: number;
  /** Any problem at all (a needless or missing flag, a type error, a different run...). */
  failed: number;
  /** Unflagged and the migrated run differs from the model: a silent change of behaviour. */
  diverged: number;
}

export interface CompatSummary {
  /** Samples judged (fewer than asked for when the run stopped at its first failure). */
  runs: number;
  seconds: number;
  flaggedByReason: Record<string, number>;
  ranMigrated: number;
  /** Samples without any flag. */
  unflagged: number;
  /** Per shape class (`plain`: samples that draw none). */
  byClass: Record<string, ClassCounts>;
  failure?: CompatFailure;
  /** With `everyKind`: the first failure of each kind of problem, each shrunk. */
  failures: CompatFailure[];
}

export async function runCompat(options: CompatOptions): Promise<CompatSummary> {
  const started = performance.now();
  const arb = sampleArb(options.classes);
  const samples = fc.sample(arb, { numRuns: options.runs, seed: options.seed });
  const batchSize = options.batchSize ?? 50;
  mkdirSync(options.workDir, { recursive: true });
  const runner = await Runner.open({ database: join(options.workDir, 'compat.db'), concurrency: 16 });
  const migrate = options.codemodFrom === undefined ? undefined : await codemodFrom(options.codemodFrom);
  // Every pipeline call of the run, shrinking included, gets a batch number of its own: its
  // folder and its package names must not meet an earlier batch's in the one database.
  let batches = 0;
  const pipeline = options.pipeline ?? runPipeline;
  const judge = (chunk: readonly Sample[]) => pipeline(chunk, { workDir: options.workDir, runner, batch: batches++, ...(migrate ? { migrate } : {}) });
  const flaggedByReason: Record<string, number> = {};
  const byClass: Record<string, ClassCounts> = {};
  let ranMigrated = 0;
  let unflagged = 0;
  let judged = 0;
  // The first failing sample of each kind of problem (only the first one unless everyKind).
  const failing = new Map<string, { sample: Sample; report: SampleReport; run: number; kind: string }>();
  try {
    for (let start = 0; start < samples.length && (options.everyKind || failing.size === 0); start += batchSize) {
      const chunk = samples.slice(start, start + batchSize);
      const reports = await judge(chunk);
      for (const report of reports) {
        for (const reason of new Set(report.flags.map((f) => f.reason))) flaggedByReason[reason] = (flaggedByReason[reason] ?? 0) + 1;
        judged++;
        if (report.ranMigrated) ranMigrated++;
        if (report.flags.length === 0) unflagged++;
        const sample = chunk[report.index]!;
        const diverged = report.flags.length === 0 && report.problems.some((p) => p.startsWith('migrated run differs'));
        const drawn = classesOf(sample);
        for (const c of drawn) count(byClass, c, report, diverged);
        if (drawn.length === 0) count(byClass, 'plain', report, diverged);
        for (const kind of new Set(report.problems.map(problemKind))) {
          if (!failing.has(kind) && (options.everyKind || failing.size === 0)) failing.set(kind, { sample, report, run: start + report.index, kind });
        }
      }
      options.onBatch?.(Math.min(start + batchSize, samples.length), samples.length, { ranMigrated, unflagged, byClass, flaggedByReason, kinds: [...failing.keys()] });
    }
    const summary: CompatSummary = { runs: judged, seconds: (performance.now() - started) / 1000, flaggedByReason, ranMigrated, unflagged, byClass, failures: [] };
    for (const { sample, report, run, kind } of failing.values()) summary.failures.push(await shrink(sample, run, kind, report.problems, options, judge));
    if (summary.failures.length > 0) summary.failure = summary.failures[0];
    return summary;
  } finally {
    await runner.close();
    cleanWorkDir(options.workDir);
  }
}

function count(byClass: Record<string, ClassCounts>, name: string, report: SampleReport, diverged: boolean): void {
  const c = (byClass[name] ??= { drawn: 0, rewritten: 0, flagged: 0, failed: 0, diverged: 0 });
  c.drawn++;
  if (report.ranMigrated) c.rewritten++;
  if (report.flags.length > 0) c.flagged++;
  if (report.problems.length > 0) c.failed++;
  if (diverged) c.diverged++;
}

/**
 * Shrinks a failure to a small sample that fails the same way (see shrink.ts): a smaller
 * candidate counts when it has a problem of the given kind and no kind of
 * problem the original did not have (so it never shrinks into an invalid workflow).
 */
async function shrink(
  sample: Sample,
  run: number,
  kind: string,
  problems: readonly string[],
  options: CompatOptions,
  judge: (chunk: readonly Sample[]) => Promise<SampleReport[]>,
): Promise<CompatFailure> {
  const check = async (candidate: Sample) => (await judge([candidate]))[0]!;
  const kinds = new Set(problems.map(problemKind));
  const { sample: smallest } = await shrinkSample(
    sample,
    async (candidate) => {
      if (options.shrinkWithin && !options.shrinkWithin(candidate)) return false;
      const found = (await check(candidate)).problems.map(problemKind);
      return found.includes(kind) && found.every((k) => kinds.has(k));
    },
    (options.shrinkSeconds ?? 180) * 1000,
  );
  const report = await check(smallest);
  return { seed: options.seed, run, kind, problems: report.problems, source: report.source, migrated: report.migrated, counterexample: smallest };
}
