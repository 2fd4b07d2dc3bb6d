// The generator itself: every shape class renders v1 code that type-checks against the v1
// API and runs under cloacina/legacy exactly as the model says, so a difference after
// migration can only be the migration's. And the flag reference (loader-needs) on the
// shapes it has to judge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Runner, type PackagedWorkflow } from 'cloacina';
import { SHAPE_CLASSES } from '../../src/compat/arbitraries.js';
import { importTree, LEGACY_URL } from '../../src/compat/bundle-import.js';
import { loaderNeeds } from '../../src/compat/loader-needs.js';
import { modelRun } from '../../src/compat/model.js';
import { differences, outcomeOf } from '../../src/compat/outcome.js';
import { flatten, type Op } from '../../src/compat/program.js';
import { renderProject } from '../../src/compat/render.js';
import { sampleArb } from '../../src/compat/run-compat.js';
import { typecheckV1 } from '../../src/compat/typecheck-migrated.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const workDir = join(ROOT, '.tmp', `compat-generator-${process.pid}`);
const SEED = Number(process.env.FC_SEED ?? 20261124);
let runner: Runner;

beforeAll(async () => {
  runner = await Runner.open({ database: ':memory:' });
  process.noDeprecation = true;
});
afterAll(async () => {
  await runner.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe('the generator with every shape class', () => {
  const samples = fc.sample(sampleArb([...SHAPE_CLASSES]), { numRuns: 24, seed: SEED });

  it('draws every class', () => {
    const ops = samples.flatMap((s) => s.workflow.tasks.flatMap((t) => flatten(t.program)));
    const vias = new Set(ops.flatMap((o) => (o.op === 'via' ? [o.via] : [])));
    const accesses = new Set(ops.flatMap((o) => ('access' in o && o.access ? [o.access] : [])));
    expect(vias.size).toBeGreaterThanOrEqual(8);
    expect(accesses.size).toBeGreaterThanOrEqual(6);
    expect(ops.some((o) => o.op === 'foreign')).toBe(true);
    expect(ops.some((o) => o.op === 'repeat')).toBe(true);
    expect(samples.some((s) => s.style === 'barrel')).toBe(true);
    expect(samples.some((s) => s.mock)).toBe(true);
    expect(samples.some((s) => s.operator)).toBe(true);
  });

  it('renders v1 projects that type-check against the v1 API and run under cloacina/legacy as the model says', async () => {
    const files: string[] = [];
    const problems: string[] = [];
    for (const [i, sample] of samples.entries()) {
      const { files: tree } = renderProject(sample.workflow, { ...sample, packageName: `generator-${i}` });
      const dir = join(workDir, `s${i}`);
      for (const [name, text] of Object.entries(tree)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), text);
        if (!name.endsWith('.test.ts')) files.push(join(dir, name));
      }
      const exports = await importTree(join(dir, 'workflow.ts'), { cloacina: LEGACY_URL, 'cloacina/legacy': LEGACY_URL });
      const run = outcomeOf(await (await runner.execute(exports.default as PackagedWorkflow, exports.initialContext as never)).result());
      problems.push(...differences(modelRun(sample.workflow), run).map((d) => `sample ${i}: ${d}`));
    }
    expect(problems).toEqual([]);
    expect(typecheckV1(files).map((e) => `${e.file.slice(workDir.length)}:${e.line}: ${e.message}`)).toEqual([]);
  }, 300_000);
});

describe('loaderNeeds', () => {
  const loader = (key: string): Op => ({ op: 'getWithDependencies', key, into: 'out' });
  const needOf = (program: Op[], at: Op) => loaderNeeds(program).get(at);

  it('needs a flag when the key was removed before, through a closure or helper too', () => {
    const read = loader('a');
    expect(needOf([{ op: 'remove', key: 'a' }, read], read)).toEqual({ must: true, may: true });
    expect(needOf([{ op: 'via', via: 'helperFile', body: [{ op: 'remove', key: 'a' }] }, { op: 'via', via: 'closure', body: [read] }], read)).toEqual({ must: true, may: true });
  });

  it('allows no flag for a removal after the call, of another key, or set again', () => {
    const read = loader('a');
    expect(needOf([read, { op: 'via', via: 'closure', body: [{ op: 'remove', key: 'a' }] }], read)).toEqual({ must: false, may: false });
    expect(needOf([{ op: 'remove', key: 'b' }, read], read)).toEqual({ must: false, may: false });
    expect(needOf([{ op: 'remove', key: 'a' }, { op: 'set', key: 'a', value: 1 }, read], read)).toEqual({ must: false, may: true });
  });

  it('counts a removal later in a loop only when the loop runs again', () => {
    const read = loader('a');
    const body = [read, { op: 'remove', key: 'a' } as Op];
    expect(needOf([{ op: 'repeat', times: 2, loop: 'forEach', body }], read)).toEqual({ must: true, may: true });
    expect(needOf([{ op: 'repeat', times: 1, loop: 'for', body }], read)).toEqual({ must: false, may: true });
    // Seed 20261202: a .forEach callback over a one-element array is a loop to a proof.
    expect(needOf([{ op: 'via', via: 'forEach', body }], read)).toEqual({ must: false, may: true });
  });

  it('judges a loader over several keys by each key, and by any removal (its key is a variable)', () => {
    const all: Op = { op: 'loadAll', keys: ['a', 'b'], into: ['x', 'y'] };
    expect(needOf([{ op: 'remove', key: 'b' }, all], all)).toEqual({ must: true, may: true });
    expect(needOf([{ op: 'remove', key: 'list' }, all], all)).toEqual({ must: false, may: true });
    expect(needOf([all, { op: 'remove', key: 'a' }], all)).toEqual({ must: false, may: false });
  });

  it('lets a proof refuse loaders after the context went where it may not follow, or in a later callback', () => {
    const after = loader('a');
    const inside = loader('b');
    expect(needOf([{ op: 'via', via: 'getter', body: [] }, after], after)).toEqual({ must: false, may: true });
    expect(needOf([{ op: 'via', via: 'helper', body: [] }, after], after)).toEqual({ must: false, may: false });
    expect(needOf([{ op: 'via', via: 'fieldArrow', body: [inside] }], inside)).toEqual({ must: false, may: true });
    const deferred = loader('a');
    expect(needOf([{ op: 'via', via: 'then', body: [deferred] }, { op: 'via', via: 'helperSpread', body: [] }], deferred)).toEqual({ must: false, may: true });
    expect(needOf([{ op: 'via', via: 'then', body: [deferred] }, { op: 'set', key: 'a', value: 1 }], deferred)).toEqual({ must: false, may: false });
  });

  it('lets a proof refuse methods taken as values, and removals it cannot see the key of', () => {
    const read: Op = { op: 'getWithDependencies', key: 'a', into: 'out', access: 'destructured' };
    expect(needOf([read], read)).toEqual({ must: false, may: true });
    const plain = loader('a');
    expect(needOf([{ op: 'remove', key: 'b', access: 'reflect' }, plain], plain)).toEqual({ must: false, may: true });
  });
});

describe('lineMap', () => {
  it('maps a written line to its original, a marker to the statement below it', async () => {
    const { lineMap } = await import('../../src/compat/line-map.js');
    const before = "import { task } from 'cloacina';\nconst a = 1;\nctx.getWithDependencies('k');\n";
    const after = "import { Runner } from 'cloacina';\nimport { task } from 'cloacina-workflow';\nconst a = 1;\n// TODO(cloacina-migrate): reason\nctx.getWithDependencies('k');\n";
    const map = lineMap(before, after);
    expect(map.get(3)).toBe(2);
    expect(map.get(4)).toBe(3);
    expect(map.get(5)).toBe(3);
  });
});
