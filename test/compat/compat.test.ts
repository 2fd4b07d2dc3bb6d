// The compatibility property of DESIGN section 8 over generated v1 workflows, and the
// second property (authoring against cloacina or cloacina-workflow is the same).
// COMPAT_RUNS, FC_SEED and COMPAT_CLASSES (shape classes, comma-separated, or `all`)
// change the budget, the seed and the shapes drawn; failures print all three.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rmSync } from 'node:fs';
import { Runner } from 'cloacina';
import { runCompat, sampleArb } from '../../src/compat/run-compat.js';
import { parseShapeClasses, shapesOf, SHAPE_CLASSES } from '../../src/compat/arbitraries.js';
import { compareReexports } from '../../src/compat/reexport.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// About a minute on the CI machine; `npm run compat:soak` runs thousands over every class.
const RUNS = Number(process.env.COMPAT_RUNS ?? 150);
const SEED = Number(process.env.FC_SEED ?? 20261124);
// Every class. A test that mocks cloacina beside an `export * from 'cloacina'` barrel (class
// legacyBarrel) is flagged mock-split since the mock follows the modules left on cloacina.
const CI_CLASSES = SHAPE_CLASSES;
const CLASSES = parseShapeClasses(process.env.COMPAT_CLASSES ?? CI_CLASSES.join(','));

/** Every way of writing code the generator knows; the CI budget must draw each one. */
const SHAPES = [
  ...['closure', 'forEach', 'map', 'then', 'helper', 'helperFile', 'method', 'methodFile', 'call', 'apply', 'reflect', 'alias'].map((v) => `via:${v}`),
  ...['helperDefault', 'helperOptional', 'helperDestructured', 'helperSpread', 'getter', 'fieldArrow'].map((v) => `via:${v}`),
  ...['optionalReceiver', 'optionalCall', 'computed', 'template', 'call', 'apply', 'reflect', 'destructured', 'asCast', 'satisfies'].map((a) => `access:${a}`),
  ...['for', 'forOf', 'while', 'forEach', 'labelled', 'forAwait'].map((l) => `loop:${l}`),
  ...['arrow', 'asyncArrow', 'function', 'asyncFunction'].map((f) => `task:${f}`),
  'closure:function',
  'closure:asyncArrow',
  'op:loadAll',
  'op:returnIf',
  'op:tryFinally',
  'ifEquals:switch',
  ...['get', 'load', 'setLoader', 'scope'].map((c) => `foreign:${c}`),
  ...['named', 'aliased', 'namespace', 'typeOnly', 'barrel'].map((s) => `style:${s}`),
  ...(CLASSES.includes('legacyBarrel') ? ['barrel:star', 'barrel:legacyStar'] : []),
  'mock:imported',
  'mock:hoisted',
  ...['defaultNamed', 'importEquals', 'requireTemplate'].map((o) => `operator:${o}`),
];

describe('compatibility property', () => {
  it.runIf(CLASSES.length >= CI_CLASSES.length)(`draws every shape in ${RUNS} workflows (seed ${SEED})`, () => {
    const drawn = new Set(fc.sample(sampleArb(CLASSES), { numRuns: RUNS, seed: SEED }).flatMap((s) => [...shapesOf(s)]));
    expect(SHAPES.filter((s) => !drawn.has(s))).toEqual([]);
  });

  it(`holds for ${RUNS} generated workflows (seed ${SEED})`, async () => {
    const summary = await runCompat({ runs: RUNS, seed: SEED, classes: CLASSES, workDir: join(ROOT, '.tmp', `compat-test-${process.pid}`) });
    if (summary.failure) {
      const source = Object.entries(summary.failure.source).map(([f, s]) => `--- ${f}\n${s}`).join('\n');
      const migrated = Object.entries(summary.failure.migrated).map(([f, s]) => `--- ${f} (migrated)\n${s}`).join('\n');
      throw new Error(
        `compatibility failed (replay: FC_SEED=${summary.failure.seed} COMPAT_RUNS=${RUNS} COMPAT_CLASSES=${CLASSES.join(',')}; run ${summary.failure.run})\n` +
          `${summary.failure.problems.join('\n')}\n${source}\n${migrated}\n${JSON.stringify(summary.failure.counterexample)}`,
      );
    }
    expect(summary.runs).toBe(RUNS);
    // Most samples must go all the way through (migrated, packed, run), not stop at a flag.
    expect(summary.ranMigrated).toBeGreaterThan(RUNS / 2);
    // And so must some of every class drawn.
    // (legacyBarrel's barrels are flagged by design: they stay on cloacina/legacy.)
    for (const c of CLASSES.filter((k) => k !== 'legacyBarrel')) expect(summary.byClass[c]?.rewritten ?? 0, c).toBeGreaterThan(0);
  }, 600_000);
});

describe('authoring against cloacina or cloacina-workflow', () => {
  const workDir = join(ROOT, '.tmp', `reexport-test-${process.pid}`);
  let runner: Runner;
  beforeAll(async () => {
    runner = await Runner.open({ database: ':memory:' });
  });
  afterAll(async () => {
    await runner.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('gives identical manifests and identical runs', async () => {
    let id = 0;
    await fc.assert(
      fc.asyncProperty(sampleArb(CLASSES), async (sample) => {
        expect(await compareReexports(sample, workDir, runner, String(id++))).toEqual([]);
      }),
      { numRuns: Math.max(20, Math.round(RUNS / 10)), seed: SEED },
    );
  }, 300_000);
});
