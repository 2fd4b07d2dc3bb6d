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

// Seed 20261201, 5,000 runs: a task that uses the application's own Registry puts its
// `const registry = new Registry()` line below the class, but the judge looked for the
// foreign lines in the order they were rendered (task body first), so every class line
// counted as changed although the migration left the file's foreign code as it was.
it('foreign code is judged in the order it stands in the file', async () => {
  const workflow: GenWorkflow = {
    name: 'compat',
    initial: {},
    tasks: [{ id: 'reg', deps: [], program: [{ op: 'foreign', call: 'scope', key: 'list', into: 'x' }], retry: once }],
  };
  const sample: Sample = { workflow, style: 'named', split: false };
  const [report] = await runPipeline([sample], { workDir, runner, batch: 2 });
  expect(report!.source['workflow.ts']).toContain('class Registry');
  expect(report!.problems).toEqual([]);
  expect(report!.ranMigrated).toBe(true);
});

// Seed 20261201, 5,000 runs: task files importing through an `export * from
// 'cloacina/legacy'` barrel, with a test that mocks the API. The generated test mocked
// 'cloacina', which the workflow never loads (the v1 project itself was wrong); and once
// it mocked 'cloacina/legacy', the migration's flag on the mock, whose line counts in the
// file as written (below the marker), was not seen as marking it.
it('a test mocks the legacy module its legacy barrel re-exports, and the flag on it counts', async () => {
  const workflow: GenWorkflow = {
    name: 'compat',
    initial: {},
    tasks: [{ id: 'legacy', deps: [], program: [{ op: 'loadFromDependenciesAndCache', key: 'b', into: 'list' }], retry: once }],
  };
  for (const mock of ['imported', 'hoisted'] as const) {
    const sample: Sample = { workflow, style: 'barrel', split: true, barrel: 'legacyStar', mock };
    const [report] = await runPipeline([sample], { workDir, runner, batch: mock === 'imported' ? 3 : 4 });
    expect(report!.source['workflow.test.ts']).toContain(`vi.mock("cloacina/legacy"`);
    expect(report!.problems).toEqual([]);
  }
});
