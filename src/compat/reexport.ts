// The second property: a workflow authored against `cloacina` (the runtime's re-exports)
// and the same workflow authored against `cloacina-workflow` describe the same manifest
// and run the same.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWorkflow, type PackagedWorkflow, type Runner } from 'cloacina';
import { importTree } from './bundle-import.js';
import { modelRun } from './model.js';
import { canonical, differences, outcomeOf } from './outcome.js';
import { mapPrograms, type GenWorkflow } from './program.js';
import type { Sample } from './pipeline.js';
import { renderWorkflow } from './render.js';

const URLS = {
  cloacina: import.meta.resolve('cloacina'),
  'cloacina-workflow': import.meta.resolve('cloacina-workflow'),
};

/** v2 has no loaders or execution scope for tasks: those reads become plain reads. */
export function asV2Program(workflow: GenWorkflow): GenWorkflow {
  return mapPrograms(workflow, () => (op) => {
    switch (op.op) {
      case 'loadFromDependenciesAndCache':
      case 'getWithDependencies':
        return { op: 'copy', key: op.key, into: op.into };
      case 'loadAll':
        return { ...op, read: 'get' };
      case 'executionScope':
        return { op: 'copy', key: op.into, into: op.into };
      default:
        return op;
    }
  });
}

export async function compareReexports(sample: Sample, workDir: string, runner: Runner, id: string): Promise<string[]> {
  const workflow = asV2Program(sample.workflow);
  const loaded: PackagedWorkflow[] = [];
  for (const from of ['cloacina', 'cloacina-workflow'] as const) {
    const dir = join(workDir, `${id}-${from}`);
    mkdirSync(dir, { recursive: true });
    // The same layout, without what only a v1 project has (a legacy barrel, a mock, an operator script).
    const tree = renderWorkflow(workflow, { style: sample.style, split: sample.split, ...(sample.helperTyping ? { helperTyping: sample.helperTyping } : {}), from, packageName: `reexport-${id}` });
    for (const [name, text] of Object.entries(tree)) writeFileSync(join(dir, name), text);
    loaded.push((await importTree(join(dir, 'workflow.ts'), URLS)).default as PackagedWorkflow);
  }
  const [viaRuntime, viaAuthoring] = loaded as [PackagedWorkflow, PackagedWorkflow];
  const problems: string[] = [];
  if (canonical(describeWorkflow(viaRuntime)) !== canonical(describeWorkflow(viaAuthoring))) {
    problems.push(`manifests differ: ${canonical(describeWorkflow(viaRuntime))} vs ${canonical(describeWorkflow(viaAuthoring))}`);
  }
  const expected = modelRun(workflow);
  const runs = [];
  for (const wf of loaded) runs.push(outcomeOf(await (await runner.execute(wf, workflow.initial)).result()));
  problems.push(...differences(expected, runs[0]!).map((d) => `authored against cloacina: ${d}`));
  problems.push(...differences(expected, runs[1]!).map((d) => `authored against cloacina-workflow: ${d}`));
  return problems;
}
