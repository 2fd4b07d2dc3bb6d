// A test's mock of 'cloacina' follows the code under test to cloacina-workflow only when that
// code no longer takes names from 'cloacina'. A module the migration leaves on 'cloacina' (an
// `export *` barrel, a namespace used as a value) keeps the mock where it is, and the mock is
// flagged: the test may count calls on a mock the code under test does not call.
import { describe, expect, it } from 'vitest';
import { parseFile } from '../../src/analysis/parse.js';
import { ProjectIndex } from '../../src/analysis/project.js';
import { applySplices } from '../../src/edits/splice.js';
import { planImports } from '../../src/imports/plan-imports.js';

const ROOT = '/project';

function planTest(files: Record<string, string>, file = 'src/workflow.test.ts') {
  const absolute = Object.fromEntries(Object.entries(files).map(([path, text]) => [`${ROOT}/${path}`, text]));
  const project = new ProjectIndex({ files: Object.keys(absolute), read: (path) => absolute[path] });
  const text = absolute[`${ROOT}/${file}`]!;
  const plan = planImports(parseFile(`${ROOT}/${file}`, text), project);
  return { output: applySplices(text, plan.edits), flags: plan.flags.map((f) => `${f.reason} ${f.detail ?? ''}`.trim()) };
}

const workflowThrough = (module: string) => `import { packagedWorkflow, task } from '${module}';
export const t0 = task({ id: 't0' }, async () => {});
export default packagedWorkflow({ name: 'w', package: 'p', version: '1.0.0', tasks: [t0] });
`;

const spreadMockTest = `import { expect, it, vi } from 'vitest';
import { task } from 'cloacina';
import workflow from './workflow.js';
vi.mock('cloacina', async (importOriginal) => {
  const original = await importOriginal<Record<string, unknown>>();
  return { ...original, task: vi.fn(original.task as (...args: unknown[]) => unknown) };
});
it('defines every task through task()', () => {
  expect(workflow.tasks).toHaveLength(1);
  expect(task).toHaveBeenCalledTimes(1);
});
`;

const authoringOnlyMockTest = `import { vi } from 'vitest';
import workflow from './workflow.js';
vi.mock('cloacina', () => ({ task: vi.fn(), packagedWorkflow: vi.fn() }));
`;

describe('a mock of cloacina in a test whose code under test keeps names on cloacina', () => {
  it('is flagged, naming the module, when the workflow takes task() through an export * barrel', () => {
    const { flags } = planTest({
      'src/barrel.ts': `export * from 'cloacina';\n`,
      'src/workflow.ts': workflowThrough('./barrel.js'),
      'src/workflow.test.ts': spreadMockTest,
    });
    expect(flags).toEqual(['mock-split barrel.ts still takes names from cloacina']);
  });

  it('is flagged through a barrel two imports away, and through a namespace used as a value', () => {
    expect(
      planTest({
        'src/lib/barrel.ts': `export * from 'cloacina';\n`,
        'src/lib/index.ts': `export { task, packagedWorkflow } from './barrel.js';\n`,
        'src/workflow.ts': workflowThrough('./lib/index.js'),
        'src/workflow.test.ts': spreadMockTest,
      }).flags,
    ).toEqual(['mock-split lib/barrel.ts still takes names from cloacina']);
    expect(
      planTest({
        'src/registry.ts': `import * as cl from 'cloacina';\nexport const api = register(cl);\n`,
        'src/workflow.ts': `import { api } from './registry.js';\nexport default api;\n`,
        'src/workflow.test.ts': authoringOnlyMockTest,
      }).flags,
    ).toEqual(['mock-split registry.ts still takes names from cloacina']);
  });

  it('is not moved to cloacina-workflow when it mocks authoring names only', () => {
    const { output } = planTest({
      'src/barrel.ts': `export * from 'cloacina';\n`,
      'src/workflow.ts': workflowThrough('./barrel.js'),
      'src/workflow.test.ts': authoringOnlyMockTest,
    });
    expect(output).toContain(`vi.mock('cloacina', () => ({ task: vi.fn(), packagedWorkflow: vi.fn() }));`);
    // A copy for cloacina-workflow beside it, for the code that moved.
    expect(output).toContain(`vi.mock('cloacina-workflow', () => ({ task: vi.fn(), packagedWorkflow: vi.fn() }));`);
  });
});

describe('a mock of cloacina in a test whose code under test moved entirely', () => {
  it('moves with it and is not flagged', () => {
    const { output, flags } = planTest({
      'src/workflow.ts': workflowThrough('cloacina'),
      'src/workflow.test.ts': authoringOnlyMockTest,
    });
    expect(flags).toEqual([]);
    expect(output).toContain(`vi.mock('cloacina-workflow', () => ({ task: vi.fn(), packagedWorkflow: vi.fn() }));`);
    expect(output).not.toContain(`vi.mock('cloacina',`);
  });

  it('is copied (both kinds of names) and not flagged, also through a barrel of named re-exports', () => {
    const { output, flags } = planTest({
      'src/barrel.ts': `export { task, packagedWorkflow } from 'cloacina';\n`,
      'src/workflow.ts': workflowThrough('./barrel.js'),
      'src/workflow.test.ts': spreadMockTest,
    });
    expect(flags).toEqual([]);
    expect(output).toContain(`vi.mock('cloacina-workflow', async (importOriginal)`);
  });
});
