// Runs the compatibility property over generated workflows: fast batches first; when a
// sample fails, fast-check shrinks it one sample at a time and the smallest failing
// workflow is reported with its source and the seed that replays it.
import fc from 'fast-check';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Runner } from 'cloacina';
import { importStyleArb, withoutFlaggedConstructs, workflowArb } from './arbitraries.js';
import { cleanWorkDir, runPipeline, type Sample, type SampleReport } from './pipeline.js';

/** About a third of samples keep constructs that must be flagged; the rest must migrate and run. */
export const sampleArb: fc.Arbitrary<Sample> = fc.record({
  workflow: fc
    .tuple(workflowArb, fc.boolean(), fc.boolean(), fc.nat(2))
    .map(([workflow, scope, loaders, keepAll]) => (keepAll === 0 ? workflow : withoutFlaggedConstructs(workflow, { scope: scope && keepAll === 1, loaderAfterRemove: loaders && keepAll === 1 }))),
  style: importStyleArb,
  split: fc.boolean(),
});

export interface CompatOptions {
  runs: number;
  seed: number;
  /** A folder inside the repository for the generated projects. */
  workDir: string;
  batchSize?: number;
  onBatch?: (done: number, total: number) => void;
}

export interface CompatSummary {
  runs: number;
  seconds: number;
  flaggedByReason: Record<string, number>;
  ranMigrated: number;
  failure?: { seed: number; problems: string[]; source: Record<string, string>; counterexample: Sample };
}

export async function runCompat(options: CompatOptions): Promise<CompatSummary> {
  const started = performance.now();
  const samples = fc.sample(sampleArb, { numRuns: options.runs, seed: options.seed });
  const batchSize = options.batchSize ?? 50;
  mkdirSync(options.workDir, { recursive: true });
  const runner = await Runner.open({ database: join(options.workDir, 'compat.db'), concurrency: 16 });
  const flaggedByReason: Record<string, number> = {};
  let ranMigrated = 0;
  let failing: { sample: Sample; report: SampleReport } | undefined;
  try {
    for (let start = 0, batch = 0; start < samples.length && !failing; start += batchSize, batch++) {
      const chunk = samples.slice(start, start + batchSize);
      const reports = await runPipeline(chunk, { workDir: options.workDir, runner, batch });
      for (const report of reports) {
        for (const reason of new Set(report.flags)) flaggedByReason[reason] = (flaggedByReason[reason] ?? 0) + 1;
        if (report.ranMigrated) ranMigrated++;
        if (report.problems.length > 0 && !failing) failing = { sample: chunk[report.index]!, report };
      }
      options.onBatch?.(Math.min(start + batchSize, samples.length), samples.length);
    }
    const summary: CompatSummary = { runs: samples.length, seconds: (performance.now() - started) / 1000, flaggedByReason, ranMigrated };
    if (failing) summary.failure = await shrink(failing.sample, options, runner);
    return summary;
  } finally {
    await runner.close();
    cleanWorkDir(options.workDir);
  }
}

/**
 * Shrinks a failure: fast-check replays the same seed one sample at a time (examples given
 * by hand cannot be shrunk through mapped arbitraries), finds the failing sample and shrinks it.
 */
async function shrink(sample: Sample, options: CompatOptions, runner: Runner): Promise<NonNullable<CompatSummary['failure']>> {
  let batch = 10_000;
  const check = async (candidate: Sample) => (await runPipeline([candidate], { workDir: options.workDir, runner, batch: batch++ }))[0]!;
  const result = await fc.check(
    fc.asyncProperty(sampleArb, async (candidate) => (await check(candidate)).problems.length === 0),
    { numRuns: options.runs, seed: options.seed },
  );
  const smallest = result.counterexample?.[0] ?? sample;
  const report = await check(smallest);
  return { seed: options.seed, problems: report.problems, source: report.source, counterexample: smallest };
}
