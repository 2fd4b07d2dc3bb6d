// Receiver identification: a removed method is touched only on a cloacina Context; anything
// provably else stays byte-identical and unflagged; a receiver that cannot be told apart is
// flagged, in files of the cloacina import graph only.
import { describe, expect, it } from 'vitest';
import { plan, workflow } from './support.js';

const untouched = (files: Record<string, string>, file = 'src/workflow.ts') => {
  const result = plan(files, file);
  expect(result.flags).toEqual([]);
  expect(result.output).toBe(files[file]);
};

describe('receivers that are not Contexts stay as they are', () => {
  it('an instance of the project class, a setter of it, a property of an object literal', () => {
    untouched({
      'src/registry.ts': 'export class Registry {\n  #m = new Map();\n  setDependencyLoader(f: unknown) {}\n  getWithDependencies(k: string) { return k; }\n}\n',
      'src/workflow.ts': workflow(
        "import { Registry } from './registry.js';\nconst settings = { executionScope: 'eu' };\ntask({ id: 'a' }, (ctx) => {\n  const r = new Registry();\n  r.setDependencyLoader(() => 1);\n  ctx.set('x', r.getWithDependencies('db'));\n  ctx.set('s', settings.executionScope);\n});",
      ),
    });
  });

  it('a container from another package, a parameter typed with the project interface', () => {
    untouched({
      'src/workflow.ts': workflow(
        "import { createContainer } from 'awilix';\ninterface Services { getWithDependencies(k: string): unknown; register(k: string): void }\nexport function wire(s: Services) { return s.getWithDependencies('db'); }\nconst container = createContainer();\ntask({ id: 'a' }, (ctx) => { ctx.set('x', String(container.getWithDependencies('db'))); });",
      ),
    });
  });

  it('a parameter typed with a project type a Context does not fit, but given a Context all the same, is flagged', () => {
    // An optional member a Context lacks does not keep it out: the caller passes one.
    const optional = plan({
      'src/workflow.ts': workflow("interface Sized { getWithDependencies(k: string): unknown; size?: number }\nfunction viaSized(r: Sized, k: string) { return r.getWithDependencies(k); }\ntask({ id: 'a' }, (ctx) => { ctx.set('d', viaSized(ctx, 'd') as string); });"),
    });
    // It is a Context there: the call is one to change, and the project's type needs get() first.
    expect(optional.flags).toEqual(['3 receiver-type-without-get']);
    // Cast into a type with a required member a Context lacks: sometimes a Context.
    const cast = plan({
      'src/workflow.ts': workflow("interface Versioned { getWithDependencies(k: string): unknown; version: number }\nfunction via(r: Versioned, k: string) { return r.getWithDependencies(k); }\ntask({ id: 'a' }, (ctx) => { ctx.set('e', via(ctx as unknown as Versioned, 'e') as string); });"),
    });
    expect(cast.flags).toEqual(['3 receiver-unknown']);
    expect(cast.output).toContain('r.getWithDependencies(k)');
  });

  it('a value another package returns', () => {
    untouched({ 'src/workflow.ts': workflow("import { make } from 'lib';\nexport const v = make().getWithDependencies('k');") });
  });

  it('a JavaScript helper whose callers pass object literals', () => {
    untouched(
      {
        'src/lookup.js': "export function lookup(registry) { return registry.getWithDependencies('db'); }\n",
        'src/workflow.ts': workflow("import { lookup } from './lookup.js';\ntask({ id: 'a' }, (ctx) => { ctx.set('x', lookup({ getWithDependencies: (k: string) => k })); });"),
      },
      'src/lookup.js',
    );
  });

  it('JSON data whose properties are only read, and process.env', () => {
    untouched({
      'src/workflow.ts': workflow(
        "const settings = JSON.parse(process.env.S ?? '{}');\ntask({ id: 'a' }, (ctx) => {\n  ctx.set('s', settings.executionScope);\n  ctx.set('e', process.env.executionScope ?? null);\n});",
      ),
    });
  });

  it('a file outside the cloacina import graph with a receiver that cannot be classified', () => {
    untouched({ 'src/other.ts': "export function f(x: any) { return x.getWithDependencies('k'); }\n", 'src/workflow.ts': 'export {};\n' }, 'src/other.ts');
  });
});

describe('Contexts are recognised', () => {
  const rewritten = (files: Record<string, string>, file = 'src/workflow.ts') => {
    const result = plan(files, file);
    expect(result.flags).toEqual([]);
    expect(result.output).not.toMatch(/getWithDependencies|loadFromDependenciesAndCache/);
  };

  it('through a barrel, a namespace import, require, and the legacy surface', () => {
    rewritten({ 'src/kit.ts': "export { task } from 'cloacina';\n", 'src/workflow.ts': "import { task } from './kit.js';\ntask({ id: 'a' }, (ctx) => ctx.getWithDependencies('k'));\n" });
    rewritten({ 'src/workflow.ts': "import * as cl from 'cloacina';\ncl.task({ id: 'a' }, (ctx) => cl.task && ctx.getWithDependencies('k'));\n" });
    rewritten({ 'src/workflow.js': "const { task } = require('cloacina');\ntask({ id: 'a' }, (ctx) => ctx.getWithDependencies('k'));\n" }, 'src/workflow.js');
    rewritten({ 'src/workflow.ts': "import { task } from 'cloacina/legacy';\ntask({ id: 'a' }, async function (ctx) { return ctx.loadFromDependenciesAndCache('k'); });\n" });
  });

  it('a task body defined apart, typed with TaskFn, or given to task() by a wrapper', () => {
    rewritten({ 'src/workflow.ts': "import { task } from 'cloacina';\nconst body = (ctx) => ctx.getWithDependencies('k');\ntask({ id: 'a' }, body);\n" });
    rewritten({ 'src/workflow.ts': "import type { LegacyTaskFn } from 'cloacina/legacy';\nexport const body: LegacyTaskFn = (ctx) => { ctx.getWithDependencies('k'); };\n" });
    rewritten({ 'src/workflow.ts': "import { task } from 'cloacina';\nconst make = (id: string, fn: any) => task({ id }, fn);\nmake('a', (ctx: any) => ctx.getWithDependencies('k'));\n" });
  });

  it('Context.fromJSON, clone(), and a subclass of Context', () => {
    rewritten({ 'src/workflow.ts': "import { Context } from 'cloacina';\nexport const a = Context.fromJSON({}).getWithDependencies('k');\nexport const b = new Context({}).clone().getWithDependencies('k');\n" });
    rewritten({ 'src/workflow.ts': "import { Context } from 'cloacina';\nclass Mine extends Context {}\nexport const c = new Mine({}).getWithDependencies('k');\n" });
    // Static members and classes between that add nothing either leave a plain Context.
    rewritten({
      'src/base.ts': "import { Context } from 'cloacina';\nexport class Base extends Context {\n  static label = 'base';\n  static make() { return 1; }\n}\n",
      'src/workflow.ts': "import { Base } from './base.js';\nclass Mine extends Base { declare readonly tag: string; }\nexport const c = new Mine({}).getWithDependencies('k');\n",
    });
  });

  it('flags a loader call on an instance of a subclass of Context that adds a constructor or members', () => {
    const shapes = [
      // Seeds a loader in its constructor (a testing helper): the call reads from it.
      'constructor(outputs: any) { super(); this.setDependencyLoader(outputs); }',
      'getWithDependencies(key: string) { return `seeded:${key}`; }',
      'seeded = this.setDependencyLoader(null as never);',
      'helper() { this.remove(\'k\'); }',
      'get size() { return 0; }',
    ];
    for (const member of shapes) {
      const files = {
        'src/testing.ts': `import { Context } from 'cloacina';\nexport class Seeded extends Context {\n  ${member}\n}\n`,
        'src/workflow.ts': "import { Seeded } from './testing.js';\nexport const c = new Seeded({}).getWithDependencies('k');\n",
      };
      const result = plan(files);
      expect(result.flags, member).toEqual(['2 receiver-unknown']);
      expect(result.details[0], member).toMatch(/your class Seeded, which extends Context with a constructor or members of its own/);
      expect(result.output, member).toBe(files['src/workflow.ts']);
    }
    // Through a class between that adds a constructor.
    const between = plan({
      'src/workflow.ts': "import { Context } from 'cloacina';\nclass Base extends Context { constructor() { super(); } }\nclass Mine extends Base {}\nexport const c = new Mine().getWithDependencies('k');\n",
    });
    expect(between.flags).toEqual(['4 receiver-unknown']);
  });

  it('setters and executionScope on a Context are removed or flagged', () => {
    const result = plan({ 'src/workflow.ts': workflow("task({ id: 'a' }, (ctx) => {\n  ctx.setExecutionScope({} as never);\n  ctx.set('s', String(ctx.executionScope()));\n  const read = ctx.getWithDependencies;\n});") });
    expect(result.flags).toEqual(['3 execution-scope-set-removed', '4 execution-scope-read', '5 loader-not-called']);
    expect(result.output).not.toContain('setExecutionScope');
  });

  it('flags a setter that is only part of its statement, and leaves the statement as it is', () => {
    for (const statement of ["note('fx1') && ctx.setExecutionScope(s);", "(ctx.set('fx2', 'set'), ctx.setExecutionScope(s));", 'ok ? ctx.setExecutionScope(s) : note(ctx);', 'void ctx.setExecutionScope(s);']) {
      const source = workflow(`declare const s: never, ok: boolean;\ndeclare function note(x: unknown): boolean;\ntask({ id: 'a' }, (ctx) => {\n  ${statement}\n});`);
      const result = plan({ 'src/workflow.ts': source });
      expect(result.flags, statement).toEqual(['5 removed-method-in-expression']);
      expect(result.output, statement).toBe(source);
    }
    // Wrappers that leave the call what it is: the statement is the setter, and goes.
    const wrapped = plan({ 'src/workflow.ts': workflow("task({ id: 'a' }, (ctx) => {\n  (ctx.setExecutionScope({} as never) as unknown);\n  ctx.set('x', 1);\n});") });
    expect(wrapped.flags).toEqual(['3 execution-scope-set-removed']);
    expect(wrapped.output).not.toContain('setExecutionScope');
  });

  it('leaves a semicolon where deleting a setter would join the code around it', () => {
    // Without semicolons: the setter's statement holds the `;` that starts the next line.
    const asi = workflow("task({ id: 'a' }, (ctx) => {\n  const n = ctx.get('n')\n  ctx.setExecutionScope({} as never)\n  ;[n].forEach((v) => ctx.set('v', v))\n})");
    expect(plan({ 'src/workflow.ts': asi }).output).toBe(asi.replace("  ctx.setExecutionScope({} as never)\n  ;[n]", '  ;[n]'));
    // With its own semicolon, after a statement that has none, before one that starts with `(`.
    const own = workflow("task({ id: 'a' }, (ctx) => {\n  let n = ctx.get('n')\n  ctx.setExecutionScope({} as never);\n  (n as number[]).forEach((v) => ctx.set('v', v))\n  ctx.setExecutionScope({} as never);\n  `${n}`.trim()\n})");
    expect(plan({ 'src/workflow.ts': own }).output).toBe(own.replaceAll('ctx.setExecutionScope({} as never);', ';'));
    // Anything else starts a statement of its own: the setter's lines go.
    const plain = workflow("task({ id: 'a' }, (ctx) => {\n  const n = ctx.get('n')\n  ctx.setExecutionScope({} as never)\n  ctx.set('v', n)\n})");
    expect(plan({ 'src/workflow.ts': plain }).output).toBe(plain.replace('  ctx.setExecutionScope({} as never)\n', ''));
  });
});

describe('receivers that cannot be classified are flagged, saying why', () => {
  it.each([
    ['an exported function nobody calls', "export function pick(s: any) { return s.getWithDependencies('k'); }", /no call of pick\(\) was found/],
    ['a function passed to code that is not followed', "const reader = (s: any) => s.getWithDependencies('k');\nregister(reader);", /cannot be followed/],
    ['JSON data something is put into', "const bag = JSON.parse('{}');\ntask({ id: 'a' }, (ctx) => { bag.held = ctx; });\nexport const s = bag.held.getWithDependencies('k');", /cannot be followed/],
    ['JSON data revived by a function', "const bag = JSON.parse('{}', (k, v) => v);\nexport const s = bag.getWithDependencies('k');", /reviver/],
    ['a parameter that is sometimes a Context', "const read = (s: any) => s.getWithDependencies('k');\nread({});\ntask({ id: 'a' }, (ctx) => { read(ctx); });", /sometimes a Context/],
  ])('%s', (_name, body, why) => {
    const result = plan({ 'src/workflow.ts': workflow(body) });
    expect(result.flags.map((f) => f.split(' ')[1])).toEqual(['receiver-unknown']);
    expect(result.details[0]).toMatch(why);
  });
});

describe('remainingRemovedMethodUses (for check)', () => {
  it('reports uses on Contexts and unclassifiable receivers, not on the project objects', async () => {
    const { remainingRemovedMethodUses } = await import('../../src/analysis/remaining-uses.js');
    const { mkdtempSync, writeFileSync, mkdirSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'remaining-uses-'));
    try {
      mkdirSync(join(dir, 'src'));
      const files = {
        'src/kit.ts': "export { task } from 'cloacina-workflow';\n",
        'src/flow.ts': "import { task } from './kit.js';\nconst registry = { getWithDependencies: (k: string) => k };\nregistry.getWithDependencies('x');\ntask({ id: 'a' }, (ctx) => {\n  ctx.remove('k');\n  return ctx.getWithDependencies('k');\n});\n",
        'src/clean.ts': "import { task } from './kit.js';\ntask({ id: 'b' }, (ctx) => ctx.get('k'));\n",
      };
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      const uses = remainingRemovedMethodUses(Object.keys(files).map((f) => join(dir, f)));
      expect(uses.map((u) => `${u.file.slice(dir.length + 1)}:${u.line} ${u.action}`)).toEqual(['src/flow.ts:6 loader-after-remove']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

it('flags a removed method destructured from a task body parameter', () => {
  const result = plan({ 'src/workflow.ts': workflow("task({ id: 'a' }, ({ getWithDependencies }: any) => getWithDependencies('k'));") });
  expect(result.flags).toEqual(['2 loader-not-called']);
});

it('plans a file the index parsed before (as a caller of a helper) on that same parse', async () => {
  const { ProjectIndex } = await import('../../src/analysis/project.js');
  const { parseFile } = await import('../../src/analysis/parse.js');
  const { planRemovedMethods } = await import('../../src/analysis/removed-methods.js');
  const files: Record<string, string> = {
    '/p/helper.ts': "export function read(c: any) { return c.getWithDependencies('k'); }\n",
    '/p/flow.ts': "import { task } from 'cloacina';\nimport { read } from './helper.js';\ntask({ id: 'a' }, (ctx) => { ctx.remove('k'); read(ctx); return ctx.getWithDependencies('k'); });\n",
  };
  const project = new ProjectIndex({ files: Object.keys(files), read: (f) => files[f] });
  // The helper's plan parses flow.ts to find its callers; flow.ts is planned next.
  expect(planRemovedMethods(parseFile('/p/helper.ts', files['/p/helper.ts']!), project).flags.map((f) => f.reason)).toEqual(['loader-after-remove']);
  expect(planRemovedMethods(parseFile('/p/flow.ts', files['/p/flow.ts']!), project).flags.map((f) => f.reason)).toEqual(['loader-after-remove']);
});
