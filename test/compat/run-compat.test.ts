// The harness around the pipeline: batch numbering across a whole run, shrinking included.
import { expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PipelineOptions, Sample, SampleReport } from '../../src/compat/pipeline.js';
import { runCompat } from '../../src/compat/run-compat.js';

const workDir = join(fileURLToPath(new URL('../../', import.meta.url)), '.tmp', `compat-harness-${process.pid}`);

/**
 * A stand-in for the pipeline with the one property of the real one that matters here: a
 * package name (batch and index) registered twice with different content fails to register,
 * as the runtime's registry refuses it. Two kinds of problem, decided by the workflow alone.
 */
function fakePipeline(batches: number[]) {
  const registered = new Map<string, string>();
  return async (samples: readonly Sample[], options: PipelineOptions): Promise<SampleReport[]> => {
    batches.push(options.batch);
    return samples.map((sample, index) => {
      const problems: string[] = [];
      const name = `compat-${options.batch}-${index}`;
      const content = JSON.stringify(sample);
      if ((registered.get(name) ?? content) !== content) problems.push(`migrated workflow failed to pack or run: package ${name}@1.0.0 is already registered with a different bundle`);
      registered.set(name, content);
      if (sample.workflow.tasks.length >= 3) problems.push('migrated run differs from the model: too many tasks');
      if (sample.workflow.tasks.some((t) => t.program.length >= 2)) problems.push('missing flag at workflow.ts:1 (two statements)');
      return { index, problems, flags: [], ranMigrated: problems.length === 0, source: {}, migrated: {} };
    });
  };
}

it('gives every pipeline call of an every-kind run its own batch, so shrinking one failure never meets another', async () => {
  const batches: number[] = [];
  const summary = await runCompat({ runs: 60, seed: 20261202, everyKind: true, batchSize: 20, shrinkSeconds: 20, workDir, pipeline: fakePipeline(batches) });
  expect(summary.failures.map((f) => f.kind).sort()).toEqual(['migrated run', 'missing flag']);
  expect(new Set(batches).size).toBe(batches.length);
  for (const failure of summary.failures) {
    // Shrunk to the smallest workflow with its own problem and no other.
    expect(failure.problems).toHaveLength(1);
    if (failure.kind === 'migrated run') expect(failure.counterexample.workflow.tasks).toHaveLength(3);
    else expect(failure.counterexample.workflow.tasks.map((t) => t.program.length)).toEqual([2]);
  }
});
