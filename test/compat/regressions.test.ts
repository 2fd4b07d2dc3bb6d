// Divergences the compatibility property found, fixed at their root, kept as fixed cases.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Runner } from 'cloacina';
import { modelRun } from '../../src/compat/model.js';
import { runPipeline, type Sample } from '../../src/compat/pipeline.js';
import type { GenWorkflow } from '../../src/compat/program.js';

const workDir = join(fileURLToPath(new URL('../../', import.meta.url)), '.tmp', `compat-regressions-${process.pid}`);
let runner: Runner;
beforeAll(async () => {
  runner = await Runner.open({ database: ':memory:' });
});
afterAll(async () => {
  await runner.close();
  rmSync(workDir, { recursive: true, force: true });
});

const once = { maxAttempts: 1, condition: 'never' } as const;

// Seed 20261124, 500 runs: the model read a local null as "absent" in getWithDependencies
// and fell through to the dependency's value; v1 returns the local null.
const localNullWorkflow: GenWorkflow = {
  name: 'compat',
  initial: {},
  tasks: [
    { id: 'up', deps: [], program: [{ op: 'set', key: 'k', value: 0 }], retry: once },
    {
      id: 'down',
      deps: ['up'],
      program: [
        { op: 'set', key: 'k', value: null },
        { op: 'getWithDependencies', key: 'k', into: 'seen' },
      ],
      retry: once,
    },
  ],
};

it('getWithDependencies returns a local null, not the dependency value', async () => {
  expect(modelRun(localNullWorkflow).down!.output).toEqual({ k: null, seen: null });
  const sample: Sample = { workflow: localNullWorkflow, style: 'named', split: false };
  const [report] = await runPipeline([sample], { workDir, runner, batch: 1 });
  expect(report!.problems).toEqual([]);
  expect(report!.ranMigrated).toBe(true);
});
