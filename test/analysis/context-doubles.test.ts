// Test doubles of a Context: an object literal or a class that defines a removed method and is
// handed to code that receives a real Context (the code the migration rewrites to get()).
// They are flagged where they are defined; same-named methods of objects that never reach a
// Context stay byte-identical and unflagged.
import { describe, expect, it } from 'vitest';
import { plan } from './support.js';

const steps = {
  'src/steps.ts':
    "import { task, type Context } from 'cloacina';\nexport async function enrich(ctx: Context) {\n  const rows = (await ctx.getWithDependencies('customers')) as number[];\n  ctx.set('n', rows.length);\n}\nexport const enrichTask = task({ id: 'enrich', dependencies: ['load'] }, enrich);\nexport const inline = task({ id: 'inline', dependencies: ['load'] }, async (ctx) => {\n  ctx.set('n', ((await ctx.getWithDependencies('customers')) as number[]).length);\n});\n",
};
const test = (lines: string) => `import { enrich, enrichTask, inline } from './steps.js';\n${lines}\n`;
const planned = (lines: string) => {
  const files = { ...steps, 'src/steps.test.ts': test(lines) };
  return { ...plan(files, 'src/steps.test.ts'), input: files['src/steps.test.ts'] };
};

describe('flagged: a double reaches code that receives a Context', () => {
  it.each([
    ['an object literal passed to the task body', "const fake = { getWithDependencies: async (k: string) => [1, 2], set: () => undefined };\nawait enrich(fake as never);"],
    ['an object literal declared as a Context', "import type { Context } from 'cloacina';\nconst fake = { getWithDependencies: async () => [1] } as unknown as Context;\nexport { fake };"],
    ['a class whose instance is passed to the body', "class FakeContext {\n  async getWithDependencies(k: string) { return [1]; }\n  set() {}\n}\nawait enrich(new FakeContext() as never);"],
    ['through a helper of the test', "const run = (c: unknown) => enrich(c as never);\nawait run({ loadFromDependenciesAndCache: async () => [1], getWithDependencies: async () => [1], set() {} });"],
    ['handed to the run() of a v1 task', "const fake = { getWithDependencies: async () => [1], set() {} };\nawait inline.run(fake as never, { attempt: 1 } as never);\nvoid enrichTask;"],
  ])('%s', (_name, lines) => {
    const result = planned(lines);
    expect(result.flags.map((f) => f.split(' ')[1])).toEqual(['context-double']);
    expect(result.output).toBe(result.input);
  });
});

describe('left alone: objects that never reach a Context', () => {
  it.each([
    ['a container of the project used on its own', "class Container {\n  getWithDependencies(k: string) { return k; }\n}\nexport const db = new Container().getWithDependencies('db');\nvoid enrich;"],
    ['an object literal handed to a function whose callers pass only such objects', "function lookup(r: { getWithDependencies(k: string): unknown }) { return r.getWithDependencies('db'); }\nexport const v = lookup({ getWithDependencies: (k: string) => k });\nvoid enrich;"],
  ])('%s', (_name, lines) => {
    const result = planned(lines);
    expect(result.flags).toEqual([]);
    expect(result.output).toBe(result.input);
  });
});
