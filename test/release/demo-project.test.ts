// The pieces of `npm run demo` that decide whether the migrated demo "runs the same".
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import semver from 'semver';
import { compareRuns, DEMO, DEMO_REVIEWED, pointAtLegacy, type Runs } from '../../scripts/lib/demo-project.mjs';

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'cloacina-demo-test-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const runs = (): Runs => ({
  orders: {
    status: 'Completed',
    tasks: {
      extract: { state: 'Completed', attempts: 2, error: null, output: { orders: [1, 2] } },
      report: { state: 'Completed', attempts: 1, error: null, output: { total: 3 } },
    },
  },
});

describe('compareRuns', () => {
  it('finds two equal runs the same, task by task', () => {
    expect(compareRuns(runs(), runs()).map((r) => [r.task, r.before, r.same])).toEqual([
      ['extract', 'Completed, 2 attempts', true],
      ['report', 'Completed, 1 attempt', true],
    ]);
  });

  it('tells a different output context, attempt count, missing task or workflow status apart', () => {
    const output = runs();
    output.orders!.tasks.report!.output = { total: 4 };
    expect(compareRuns(runs(), output).map((r) => r.same)).toEqual([true, false]);

    const attempts = runs();
    attempts.orders!.tasks.extract!.attempts = 1;
    expect(compareRuns(runs(), attempts).map((r) => r.same)).toEqual([false, true]);

    const missing = runs();
    delete missing.orders!.tasks.report;
    expect(compareRuns(runs(), missing)[1]).toMatchObject({ after: 'missing', same: false });

    const status = runs();
    status.orders!.status = 'Failed';
    expect(compareRuns(runs(), status).every((r) => !r.same)).toBe(true);
  });
});

describe('pointAtLegacy', () => {
  it('points only the cloacina specifier at cloacina/legacy', () => {
    mkdirSync(join(work, 'src'));
    const file = join(work, 'src', 'flow.ts');
    writeFileSync(
      file,
      "import { task } from 'cloacina';\nimport type { Context } from \"cloacina\";\nimport { runTask } from 'cloacina-workflow/testing';\nimport { Runner } from 'cloacina/legacy';\n",
    );
    expect(pointAtLegacy(work)).toEqual([file]);
    expect(readFileSync(file, 'utf8')).toBe(
      "import { task } from 'cloacina/legacy';\nimport type { Context } from \"cloacina/legacy\";\nimport { runTask } from 'cloacina-workflow/testing';\nimport { Runner } from 'cloacina/legacy';\n",
    );
  });
});

describe('the bundled demo project', () => {
  it('is a v1 project, and its reviewed files replace files it has', () => {
    const manifest = JSON.parse(readFileSync(join(DEMO, 'package.json'), 'utf8'));
    expect(semver.lt(semver.minVersion(manifest.dependencies.cloacina)!, '2.0.0')).toBe(true);
    const reviewed = (readdirSync(DEMO_REVIEWED, { recursive: true }) as string[]).filter((f) => f.includes('.'));
    expect(reviewed.length).toBeGreaterThan(0);
    for (const file of reviewed) expect(existsSync(join(DEMO, file)), relative(DEMO_REVIEWED, join(DEMO_REVIEWED, file))).toBe(true);
  });
});
