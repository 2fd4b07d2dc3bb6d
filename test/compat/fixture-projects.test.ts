// Each project in compat-fixtures/ through the pipeline: the CLI's migration must produce
// expected/ exactly, the migrated workflow must type-check against cloacina-workflow alone,
// and its run under cloacina/legacy and after migration must both equal expected-run.json.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Runner } from 'cloacina';
import { listTree, runProject } from '../../src/compat/fixture-projects.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(ROOT, 'compat-fixtures');
const work = join(ROOT, '.tmp', `compat-fixtures-${process.pid}`);
let runner: Runner;

beforeAll(async () => {
  runner = await Runner.open({ database: ':memory:' });
  process.noDeprecation = true;
});
afterAll(async () => {
  await runner.close();
  rmSync(work, { recursive: true, force: true });
});

const projects = readdirSync(FIXTURES);

describe.each(projects)('compat-fixtures/%s', (name) => {
  it('migrates to expected/, type-checks, and runs the same before and after', async () => {
    const run = await runProject(join(FIXTURES, name), join(work, name), runner);
    expect(run.migrated).toEqual(listTree(join(FIXTURES, name, 'expected')));
    expect(run.typeErrors).toEqual([]);
    const expected = JSON.parse(readFileSync(join(FIXTURES, name, 'expected-run.json'), 'utf8'));
    expect(run.legacy).toEqual(expected);
    expect(run.migratedRun).toEqual(expected);
  }, 60_000);
});

it('covers at least three projects', () => {
  expect(projects.length).toBeGreaterThanOrEqual(3);
});
