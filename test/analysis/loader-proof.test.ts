// The loader proof, case by case: a loader call becomes get() exactly when no removal of its
// key (nor a hand-over to code that is not followed, nor a dependency loader set by hand) can
// run before it on the same Context; every case names the rule it holds to.
import { describe, expect, it } from 'vitest';
import { plan, workflow } from './support.js';

/** Plans a task file; returns its flags (`line reason`) and how many loader calls became get(). */
function check(body: string, extra: Record<string, string> = {}) {
  const result = plan({ 'src/workflow.ts': workflow(body), ...extra });
  return { flags: result.flags, rewritten: (result.output.match(/\.get\(/g) ?? []).length - (body.match(/\.get\(/g) ?? []).length, details: result.details };
}

describe('straight-line code in the task body', () => {
  it('rewrites when the key is removed only after the call', () => {
    expect(check(`task({ id: 'a' }, (ctx) => {\n  const v = ctx.loadFromDependenciesAndCache('k');\n  ctx.remove('k');\n  ctx.set('v', v);\n});`)).toMatchObject({ flags: [], rewritten: 1 });
  });

  it('flags a removal before the call, in a branch too', () => {
    expect(check(`task({ id: 'a' }, (ctx, info) => {\n  if (info.attempt > 1) ctx.remove('k');\n  ctx.set('v', ctx.getWithDependencies('k'));\n});`).flags).toEqual(['4 loader-after-remove']);
  });

  it('rewrites when another key is removed, and flags when the removed key cannot be read', () => {
    expect(check(`task({ id: 'a' }, (ctx) => {\n  ctx.remove('other');\n  ctx.set('v', ctx.getWithDependencies('k'));\n});`)).toMatchObject({ flags: [], rewritten: 1 });
    expect(check(`task({ id: 'a' }, (ctx) => {\n  for (const key of ctx.keys()) ctx.remove(key);\n  ctx.set('v', ctx.getWithDependencies('k'));\n});`).flags).toEqual(['4 loader-after-remove']);
  });

  it('reads constant keys', () => {
    const body = (read: string) => `const KEY = 'rows';\ntask({ id: 'a' }, (ctx) => {\n  ctx.remove(KEY);\n  ctx.set('v', ctx.getWithDependencies('${read}'));\n});`;
    expect(check(body('rows')).flags).toEqual(['5 loader-after-remove']);
    expect(check(body('cols'))).toMatchObject({ flags: [], rewritten: 1 });
  });

  it('flags a loader whose key cannot be read when anything is removed before it', () => {
    expect(check(`task({ id: 'a' }, (ctx) => {\n  ctx.remove('x');\n  const name = String(ctx.get('which'));\n  ctx.set('v', ctx.getWithDependencies(name));\n});`).flags).toEqual(['5 loader-after-remove']);
  });

  it('flags a removal in a loop around the call, even when written after it', () => {
    expect(check(`task({ id: 'a' }, (ctx) => {\n  for (let i = 0; i < 2; i++) {\n    ctx.set('v' + i, ctx.getWithDependencies('k'));\n    ctx.remove('k');\n  }\n});`).flags).toEqual(['4 loader-after-remove']);
  });

  it('flags a removal evaluated inside the call itself', () => {
    expect(check(`task({ id: 'a' }, (ctx) => {\n  ctx.set('v', ctx.getWithDependencies(ctx.remove('k') ? 'k' : 'k'));\n});`).flags).toEqual(['3 loader-after-remove']);
  });
});

describe('removals written in other forms', () => {
  const before = (removal: string) => check(`task({ id: 'a' }, (ctx) => {\n  ${removal};\n  ctx.set('v', ctx.getWithDependencies('k'));\n});`).flags;

  it.each([
    ["ctx['remove']('k')"],
    ['ctx[`remove`](`k`)'],
    ["ctx?.remove('k')"],
    ["ctx.remove?.('k')"],
    ["ctx.remove.call(ctx, 'k')"],
    ["ctx.remove.apply(ctx, ['k'])"],
    ["Reflect.apply(ctx.remove, ctx, ['k'])"],
    ["Context.prototype.remove.call(ctx, 'k')"],
    ["const { remove } = ctx; remove.call(ctx, 'k')"],
    ["const m = 'remove'; ctx[m]('k')"],
    ["const drop = ctx.remove.bind(ctx); drop('k')"],
    ["const alias = ctx; alias.remove('k')"],
    ["const alias = ctx as Context; (alias!).remove('k')"],
    // valueOf() returns the context itself.
    ["const self = ctx.valueOf(); self.remove('k')"],
    ["ctx.valueOf().remove('k')"],
    ["Object.prototype.valueOf.call(ctx).remove('k')"],
    ["Reflect.apply(ctx.valueOf, ctx, []).remove('k')"],
    ["const m = ctx.size ? 'valueOf' : 'toJSON'; ctx[m]().remove('k')"],
  ])('%s', (removal) => {
    expect(before(removal)).toEqual(['4 loader-after-remove']);
  });
});

describe('closures and callbacks', () => {
  it('flags a loader in a callback after a removal in the task body', () => {
    expect(check(`task({ id: 'a' }, (ctx) => {\n  ctx.remove('k');\n  ctx.set('v', [1].map(() => ctx.getWithDependencies('k')));\n});`).flags).toEqual(['4 loader-after-remove']);
  });

  it('rewrites a loader in a synchronous array callback when the removal comes after', () => {
    expect(check(`task({ id: 'a' }, (ctx) => {\n  ctx.set('v', [1].map(() => ctx.getWithDependencies('k')));\n  ctx.remove('k');\n});`)).toMatchObject({ flags: [], rewritten: 1 });
  });

  it('flags a loader in a callback handed to other code when the key is removed anywhere', () => {
    expect(check(`task({ id: 'a' }, async (ctx) => {\n  const p = Promise.resolve().then(() => ctx.getWithDependencies('k'));\n  ctx.remove('k');\n  ctx.set('v', await p);\n});`).flags).toEqual(['3 loader-after-remove']);
  });

  it('follows a closure to where it is called', () => {
    const body = (order: string) => `task({ id: 'a' }, (ctx) => {\n  const drop = () => ctx.remove('k');\n  ${order}\n});`;
    expect(check(body("drop();\n  ctx.set('v', ctx.getWithDependencies('k'));")).flags).toEqual(['5 loader-after-remove']);
    expect(check(body("ctx.set('v', ctx.getWithDependencies('k'));\n  drop();"))).toMatchObject({ flags: [], rewritten: 1 });
  });

  it('follows a hoisted function declaration called before the loader', () => {
    expect(check(`task({ id: 'a' }, (ctx) => {\n  drop();\n  ctx.set('v', ctx.getWithDependencies('k'));\n  function drop() { ctx.remove('k'); }\n});`).flags).toEqual(['4 loader-after-remove']);
  });

  it('ignores a closure that is never run, and counts one that is handed over', () => {
    expect(check(`task({ id: 'a' }, (ctx) => {\n  const unused = () => ctx.remove('k');\n  ctx.set('v', ctx.getWithDependencies('k'));\n});`)).toMatchObject({ flags: [], rewritten: 1 });
    expect(check(`task({ id: 'a' }, (ctx) => {\n  setTimeout(() => ctx.remove('k'));\n  ctx.set('v', ctx.getWithDependencies('k'));\n});`).flags).toEqual(['4 loader-after-remove']);
  });

  it('flags a loader in a closure a helper returns when the key is removed before the closure may run', () => {
    // The closure leaves the helper: it runs whenever the caller calls it, after the removal too.
    const shapes = [
      "export function lazy(c: any, key: string) { return () => c.getWithDependencies(key) ?? 'none'; }",
      "export function lazy(c: any, key: string) { return { get value() { return c.getWithDependencies(key); } }; }",
      "export function lazy(c: any, key: string) { return { read() { return c.getWithDependencies(key); } }; }",
      "export function lazy(c: any, key: string) { const o = {}; Object.defineProperty(o, 'value', { get: () => c.getWithDependencies(key) }); return o; }",
    ];
    for (const helper of shapes) {
      const body = `import { lazy } from './lazy.js';\ntask({ id: 'a' }, (ctx) => {\n  const view = lazy(ctx, 'k');\n  ctx.remove('k');\n  ctx.set('v', String(view));\n});`;
      expect(plan({ 'src/workflow.ts': workflow(body), 'src/lazy.ts': helper }, 'src/lazy.ts').flags, helper).toEqual(['1 loader-after-remove']);
      // Removed before the helper is even called: flagged as before; never removed: rewritten.
      const never = `import { lazy } from './lazy.js';\ntask({ id: 'a' }, (ctx) => {\n  ctx.set('v', String(lazy(ctx, 'k')));\n});`;
      expect(plan({ 'src/workflow.ts': workflow(never), 'src/lazy.ts': helper }, 'src/lazy.ts').flags, helper).toEqual([]);
    }
    const same = `task({ id: 'a' }, (ctx) => {\n  const cfg = lazy(ctx, 'k');\n  ctx.remove('k');\n  ctx.set('v', cfg());\n});\nfunction lazy(c: any, key: string) {\n  return () => c.getWithDependencies(key) ?? 'none';\n}`;
    expect(check(same).flags).toEqual(['8 loader-after-remove']);
  });

  it('flags a loader in a closure called twice with a removal between', () => {
    expect(check(`task({ id: 'a' }, (ctx) => {\n  const read = () => ctx.getWithDependencies('k');\n  ctx.set('a', read());\n  ctx.remove('k');\n  ctx.set('b', read());\n});`).flags).toEqual(['3 loader-after-remove']);
  });
});

describe('code that does not run in the order it is written', () => {
  const task = (body: string, asyncBody = false) => `task({ id: 'a' }, ${asyncBody ? 'async ' : ''}(ctx) => {\n${body}\n});`;

  it('flags loaders and removals in class fields and static blocks (they run when the class or an instance is made)', () => {
    for (const body of [
      "  class Snap { v = ctx.getWithDependencies('k') ?? 'none'; }\n  ctx.remove('k');\n  ctx.set('v', new Snap().v);",
      "  class Snap { #v = ctx.getWithDependencies('k'); get v() { return this.#v; } }\n  ctx.remove('k');\n  ctx.set('v', new Snap().v);",
      "  class S { static { S.reset(); } static v = ctx.getWithDependencies('k'); static reset() { ctx.remove('k'); } }\n  ctx.set('v', S.v);",
      "  class S { static cleared = ctx.remove('k'); }\n  ctx.set('v', ctx.getWithDependencies('k'));\n  ctx.set('c', S.cleared);",
    ]) {
      expect(check(task(body)).flags, body).toHaveLength(1);
      expect(check(task(body)).rewritten, body).toBe(0);
    }
  });

  it('flags a loader in a destructuring default when the value destructured may remove the key', () => {
    const take = "  const take = (c: any, k: string) => { const v = c.get(k); c.remove(k); return v; };\n";
    for (const line of [
      "  const { v = ctx.getWithDependencies('k') ?? 'none' } = { x: ctx.remove('k') };",
      "  const [first, second = ctx.getWithDependencies('k')] = [take(ctx, 'k')];",
      "  let v; ({ v = ctx.getWithDependencies('k') } = { x: take(ctx, 'k') });",
      "  for (const { v = ctx.getWithDependencies('k') } of [take(ctx, 'k')]) ctx.set('v', v);",
    ]) {
      const result = check(task(`${take}${line}`));
      expect(result.flags, line).toHaveLength(1);
      expect(result.flags[0], line).toMatch(/loader-after-remove$/);
    }
    // A parameter's pattern: its own default (the value destructured) runs first.
    expect(check(task("  const options = (c: any, { limit = c.getWithDependencies('k') } = c.remove('k')) => limit;\n  ctx.set('v', options(ctx));")).flags).toEqual(['3 loader-after-remove']);
    // The value destructured comes first and removes nothing: rewritten.
    expect(check(task("  const { v = ctx.getWithDependencies('k') } = { x: 1 };\n  ctx.remove('k');\n  ctx.set('v', v);"))).toMatchObject({ flags: [], rewritten: 1 });
  });

  it('flags a loader in a switch default when a case test may remove the key first', () => {
    const body = (cases: string) => `  let v;\n  switch (ctx.get('n')) {\n${cases}\n  }\n  ctx.set('v', v);`;
    expect(check(task(body("    default: v = ctx.getWithDependencies('k'); break;\n    case (ctx.remove('k'), 2): v = 'two';"))).flags).toEqual(['5 loader-after-remove']);
    expect(check(task(body("    case 1: v = 'one';\n    default: v = ctx.getWithDependencies('k');\n    case (ctx.remove('k'), 2): v = 'two';"))).flags).toEqual(['6 loader-after-remove']);
    // No default: a case body runs only after the tests written before it.
    expect(check(task(body("    case 1: v = ctx.getWithDependencies('k'); break;\n    case (ctx.remove('k'), 2): v = 'two';")))).toMatchObject({ flags: [], rewritten: 1 });
  });

  it('flags a loader in a closure that runs itself again after it removed the key', () => {
    for (const body of [
      "  const step = (n: number) => { ctx.set('v' + n, ctx.getWithDependencies('k')); ctx.remove('k'); if (n > 0) step(n - 1); };\n  step(1);",
      "  const walk = function visit(n: number) { ctx.set('v' + n, ctx.getWithDependencies('k')); ctx.remove('k'); if (n > 0) visit(n - 1); };\n  walk(1);",
      "  function even(n: number): boolean { ctx.set('e' + n, ctx.getWithDependencies('k')); return n === 0 || odd(n - 1); }\n  function odd(n: number): boolean { ctx.remove('k'); return n !== 0 && even(n - 1); }\n  even(2);",
    ]) {
      expect(check(task(body)).flags, body).toHaveLength(1);
      expect(check(task(body)).rewritten, body).toBe(0);
    }
    // Called once, by a name given to it: rewritten.
    expect(check(task("  const once = function named() { return ctx.getWithDependencies('k'); };\n  ctx.set('v', once());\n  ctx.remove('k');"))).toMatchObject({ flags: [], rewritten: 1 });
  });

  it('flags a loader in an async reader awaited by a wrapper that its caller does not await', () => {
    const fns = "  async function read(c: any) { await null; return c.getWithDependencies('k'); }\n  async function load(c: any) { return await read(c); }\n";
    expect(check(task(`${fns}  const p = load(ctx);\n  ctx.remove('k');\n  ctx.set('v', await p);`, true)).flags).toEqual(['3 loader-after-remove']);
    expect(check(task(`${fns}  await Promise.all([load(ctx), ctx.remove('k')]);`, true)).flags).toEqual(['3 loader-after-remove']);
    // Awaited all the way up, before the removal: rewritten.
    expect(check(task(`${fns}  ctx.set('v', await load(ctx));\n  ctx.remove('k');`, true))).toMatchObject({ flags: [], rewritten: 1 });
  });
});

describe('the same context reached another way', () => {
  const loaderAfter = (before: string, asyncBody = false) =>
    check(`task({ id: 'a' }, ${asyncBody ? 'async ' : ''}(ctx) => {\n  ${before}\n  ctx.set('v', ctx.getWithDependencies('k'));\n});`);

  it('follows the context through await', () => {
    expect(loaderAfter("const c = await ctx;\n  c.remove('k');", true).flags).toEqual(['5 loader-after-remove']);
    expect(loaderAfter("(await ctx).remove('k');", true).flags).toEqual(['4 loader-after-remove']);
  });

  it('flags a call of a method a Context does not have (the project added it)', () => {
    const result = loaderAfter("(ctx as any).take('k');");
    expect(result.flags).toEqual(['4 loader-context-escapes']);
    expect(result.details[0]).toContain('take(), which a Context does not have');
  });

  it('flags every loader call once the project changes Context.prototype, in any file of its graph', () => {
    for (const change of [
      "Context.prototype.take = function (this: any, k: string) { this.remove(k); };",
      "const get = Context.prototype.get;\nContext.prototype.get = function (this: any, k: string) { (globalThis as any).last = this; return get.call(this, k); };",
      "Object.assign(Context.prototype, { discard(this: any, k: string) { this.remove(k); } });",
      "Object.defineProperty(Context.prototype, 'reset', { value() {} });",
      "export function extend(c: Context) { (Object.getPrototypeOf(c) as any).purge = function (this: any, k: string) { this.remove(k); }; }",
      "export function extend(c: Context) { Object.assign(Object.getPrototypeOf(c), { purge(this: any, k: string) { this.remove(k); } }); }",
      "import { Context as C } from 'cloacina';\nC.prototype.take = function (this: any, k: string) { this.remove(k); };",
    ]) {
      const files = { 'src/ext.ts': `import { Context } from 'cloacina';\n${change}\n` };
      const result = check(`import './ext.js';\ntask({ id: 'a' }, (ctx) => {\n  ctx.set('v', ctx.getWithDependencies('k'));\n});`, files);
      expect(result.flags, change).toEqual(['4 loader-context-escapes']);
      expect(result.details[0], change).toMatch(/in ext\.ts: a Context method of the project's may remove keys/);
    }
    // Borrowing a method of the prototype changes nothing.
    const borrowed = { 'src/ext.ts': "import { Context } from 'cloacina';\nexport const read = (c: Context, k: string) => Context.prototype.get.call(c, k);\n" };
    expect(check(`import './ext.js';\ntask({ id: 'a' }, (ctx) => {\n  ctx.set('v', ctx.getWithDependencies('k'));\n});`, borrowed)).toMatchObject({ flags: [], rewritten: 1 });
  });

  it('flags the context passed as this to a method of the project', () => {
    const mixin = "const mixin = { dropKey(this: any, key: string) { this.remove(key); }, get(this: any, key: string) { this.remove(key); } };\n  ";
    for (const pass of ["mixin.dropKey.call(ctx, 'k');", "mixin.dropKey.apply(ctx, ['k']);", "Reflect.apply(mixin.dropKey, ctx, ['k']);", "mixin.get.call(ctx, 'k');"]) {
      expect(loaderAfter(`${mixin}${pass}`).flags, pass).toEqual(['5 loader-context-escapes']);
    }
    // Context's own methods, through the context, its class or Object's prototype: followed as before.
    expect(loaderAfter("Context.prototype.get.call(ctx, 'k');\n  Object.prototype.hasOwnProperty.call(ctx, 'k');")).toMatchObject({ flags: [], rewritten: 1 });
  });

  it('trusts harmless calls only when they are the globals (or node:assert)', () => {
    expect(loaderAfter("const make = () => (c: any, k: string) => c.remove(k);\n  const assert = make();\n  assert(ctx, 'k');").flags).toEqual(['6 loader-context-escapes']);
    expect(loaderAfter("const console = { log: (c: any) => c.remove('k') };\n  console.log(ctx);").flags).toEqual(['5 loader-after-remove']);
    expect(loaderAfter("console.log(ctx);\n  String(ctx);\n  JSON.stringify(ctx);")).toMatchObject({ flags: [], rewritten: 1 });
    expect(check(`import assert from 'node:assert';\ntask({ id: 'a' }, (ctx) => {\n  assert(ctx);\n  ctx.set('v', ctx.getWithDependencies('k'));\n});`)).toMatchObject({ flags: [], rewritten: 1 });
    // A replacer is handed the context as `this` of its first call.
    expect(loaderAfter("JSON.stringify(ctx, function (this: any, k: string, v: unknown) { if (k === '') this[''].remove('k'); return v; });").flags).toEqual(['4 loader-context-escapes']);
  });

  it('flags instanceof against a class of the project (its Symbol.hasInstance is handed the context)', () => {
    const stale = "class Stale { static [Symbol.hasInstance](c: any) { c.remove('k'); return false; } }\n  ";
    expect(loaderAfter(`${stale}ctx.set('s', ctx instanceof Stale);`).flags).toEqual(['5 loader-context-escapes']);
    expect(loaderAfter("ctx.set('s', ctx instanceof Object);")).toMatchObject({ flags: [], rewritten: 1 });
  });
});

describe('helpers and methods', () => {
  const helpers = { 'src/helpers.ts': "export function drop(c: any) { c.remove('k'); }\n" };
  const readers = { 'src/readers.ts': "export function read(c: any) { return c.getWithDependencies('k'); }\n" };
  const later = { 'src/later.ts': "export async function later(c: any) { await null; return c.getWithDependencies('k'); }\n" };

  it('follows the context into an imported helper that removes the key', () => {
    const body = `import { drop } from './helpers.js';\ntask({ id: 'a' }, (ctx) => {\n  drop(ctx);\n  ctx.set('v', ctx.getWithDependencies('k'));\n});`;
    expect(check(body, helpers).flags).toEqual(['5 loader-after-remove']);
  });

  it('does not flag a context handed to a helper only after the loader ran', () => {
    const body = `import { drop } from './helpers.js';\ntask({ id: 'a' }, (ctx) => {\n  ctx.set('v', ctx.getWithDependencies('k'));\n  drop(ctx);\n  console.log(ctx);\n  unknownCode(ctx);\n});`;
    expect(check(body, helpers)).toMatchObject({ flags: [], rewritten: 1 });
  });

  it('follows the context through fn.apply and Reflect.apply argument lists, as through fn.call', () => {
    for (const pass of ['drop.call(undefined, ctx)', 'drop.apply(undefined, [ctx])', 'Reflect.apply(drop, undefined, [ctx])']) {
      const body = `import { drop } from './helpers.js';\ntask({ id: 'a' }, (ctx) => {\n  ${pass};\n  ctx.set('v', ctx.getWithDependencies('k'));\n});`;
      expect(check(body, helpers).flags, pass).toEqual(['5 loader-after-remove']);
      const harmless = { 'src/helpers.ts': 'export function drop(c: any) { c.set(\'seen\', true); }\n' };
      expect(check(body, harmless), pass).toMatchObject({ flags: [], rewritten: 1 });
    }
    // A list that cannot be matched to the parameters is not followed.
    const spread = `import { drop } from './helpers.js';\ntask({ id: 'a' }, (ctx) => {\n  drop.apply(undefined, [...[], ctx]);\n  ctx.set('v', ctx.getWithDependencies('k'));\n});`;
    expect(check(spread, { 'src/helpers.ts': 'export function drop(c: any) {}\n' }).flags).toEqual(['5 loader-context-escapes']);
  });

  it('flags a context handed to code that cannot be followed before the loader', () => {
    const result = check(`import { audit } from 'some-package';\ntask({ id: 'a' }, (ctx) => {\n  audit(ctx);\n  ctx.set('v', ctx.getWithDependencies('k'));\n});`);
    expect(result.flags).toEqual(['5 loader-context-escapes']);
    expect(result.details[0]).toContain('audit');
  });

  it('follows a namespace import and a barrel', () => {
    const files = { ...helpers, 'src/index.ts': "export * from './helpers.js';\n" };
    const body = `import * as h from './index.js';\ntask({ id: 'a' }, (ctx) => {\n  h.drop(ctx);\n  ctx.set('v', ctx.getWithDependencies('k'));\n});`;
    expect(check(body, files).flags).toEqual(['5 loader-after-remove']);
  });

  it('proves a helper loader by its callers', () => {
    const body = `import { read } from './readers.js';\ntask({ id: 'a' }, (ctx) => { ctx.set('v', read(ctx)); });\ntask({ id: 'b' }, (ctx) => { ctx.remove('k'); ctx.set('v', read(ctx)); });`;
    expect(plan({ 'src/workflow.ts': workflow(body), ...readers }, 'src/readers.ts').flags).toEqual(['1 loader-after-remove']);
    const safe = `import { read } from './readers.js';\ntask({ id: 'a' }, (ctx) => { ctx.set('v', read(ctx)); ctx.remove('k'); });`;
    expect(plan({ 'src/workflow.ts': workflow(safe), ...readers }, 'src/readers.ts')).toMatchObject({ flags: [], output: expect.stringContaining("c.get('k')") });
  });

  it('treats an async helper that pauses before its loader as running alongside its caller, unless awaited', () => {
    const body = (call: string) => `import { later } from './later.js';\ntask({ id: 'a' }, async (ctx) => {\n  ${call}\n  ctx.remove('k');\n});`;
    expect(plan({ 'src/workflow.ts': workflow(body("ctx.set('v', await later(ctx));")), ...later }, 'src/later.ts').flags).toEqual([]);
    expect(plan({ 'src/workflow.ts': workflow(body('const p = later(ctx);')), ...later }, 'src/later.ts').flags).toEqual(['1 loader-after-remove']);
  });

  it('follows methods of the project classes and object literals', () => {
    const cls = `class Cleaner {\n  run(c: Context) { this.drop(c); }\n  drop(c: Context) { c.remove('k'); }\n}\nconst cleaner = new Cleaner();\ntask({ id: 'a' }, (ctx) => {\n  cleaner.run(ctx);\n  ctx.set('v', ctx.getWithDependencies('k'));\n});`;
    expect(check(cls).flags).toEqual(['9 loader-after-remove']);
    const object = `const tools = { drop(c: Context) { c.remove('other'); } };\ntask({ id: 'a' }, (ctx) => {\n  tools.drop(ctx);\n  ctx.set('v', ctx.getWithDependencies('k'));\n});`;
    expect(check(object)).toMatchObject({ flags: [], rewritten: 1 });
  });

  it('flags a context stored in a field before the loader', () => {
    const body = `class Step { constructor(private ctx: Context) {} }\ntask({ id: 'a' }, (ctx) => {\n  new Step(ctx);\n  ctx.set('v', ctx.getWithDependencies('k'));\n});`;
    expect(check(body).flags).toEqual(['5 loader-context-escapes']);
  });

  it('flags a tag function given the context', () => {
    expect(check('task({ id: \'a\' }, (ctx) => {\n  tag`${ctx}`;\n  ctx.set(\'v\', ctx.getWithDependencies(\'k\'));\n});').flags).toEqual(['4 loader-context-escapes']);
  });
});

describe('contexts made by hand', () => {
  it('rewrites on a new Context (no dependency loader), and flags one with a loader set by hand', () => {
    expect(check(`const c = new Context({});\nc.remove('k');\nexport const v = c.getWithDependencies('k');`)).toMatchObject({ flags: [], rewritten: 1 });
    const kept = check(`declare const loader: any;\nconst c = new Context({});\nexport const ok = c.setDependencyLoader(loader);\nexport const v = c.getWithDependencies('k');`);
    expect(kept.flags).toEqual(['4 removed-method-in-expression', '5 loader-set-by-hand']);
  });

  it('keeps a setter whose loader a later call reads, and flags both (a second run sees the same)', () => {
    const result = check(`declare const loader: any;\nconst c = new Context({});\nc.setDependencyLoader(loader);\nexport const v = c.getWithDependencies('k');`);
    expect(result).toMatchObject({ flags: ['4 dependency-loader-read', '5 loader-set-by-hand'], rewritten: 0 });
  });

  it('keeps a setter whose loader is read through call, apply or Reflect.apply', () => {
    const forms = ["Context.prototype.getWithDependencies.call(c, 'k')", "c.loadFromDependenciesAndCache.apply(c, ['k'])", "Reflect.apply(c.getWithDependencies, c, ['k'])"];
    for (const form of forms) {
      const result = check(`declare const loader: any;\nconst c = new Context({});\nc.setDependencyLoader(loader);\nexport const v = ${form};`);
      expect(result.flags[0], form).toBe('4 dependency-loader-read');
      expect(result.details[0], form).toContain('may read from it');
    }
  });

  it('deletes a setter only when no loader call or hand-over can run after it', () => {
    const after = check(`declare const loader: any;\nconst c = new Context({});\nexport const v = c.getWithDependencies('k');\nc.setDependencyLoader(loader);`);
    expect(after).toMatchObject({ flags: ['5 dependency-loader-removed'], rewritten: 1 });
    const returned = check(`declare const loader: any;\nexport function make() {\n  const c = new Context({});\n  c.setDependencyLoader(loader);\n  return c;\n}\nexport const v = make().getWithDependencies('k');`);
    expect(returned).toMatchObject({ flags: ['5 dependency-loader-read', '8 loader-set-by-hand'], rewritten: 0 });
  });

  it('keeps a setter when the context was handed over before it (the holder may read the loader later)', () => {
    for (const handOver of ['register(c);', 'list.push(c);', 'const box = { c };\n  (globalThis as any).box = box;']) {
      const body = `declare const loader: any;\ndeclare function register(c: unknown): void;\nconst list: unknown[] = [];\nexport function make() {\n  const c = new Context({});\n  ${handOver}\n  c.setDependencyLoader(loader);\n}`;
      const result = check(body);
      expect(result.flags.map((f) => f.split(' ')[1]), handOver).toEqual(['dependency-loader-read']);
      expect(plan({ 'src/workflow.ts': workflow(body) }).output, handOver).toContain('c.setDependencyLoader(loader);');
    }
  });
});

describe('helpers reached through every kind of export', () => {
  const task = (call: string, imports: string) => workflow(`task({ id: 'a' }, (ctx) => {\n  ctx.remove('k');\n  ${call};\n});`, `import { task } from 'cloacina';\n${imports}`);

  it.each([
    ['CommonJS exports.name = function', "exports.read = function (c) { return c.getWithDependencies('k'); };\n", "const { read } = require('./helpers.js');", 'read(ctx)'],
    ['module.exports = { method }', "module.exports = {\n  read(c) { return c.getWithDependencies('k'); },\n};\n", "const helpers = require('./helpers.js');", 'helpers.read(ctx)'],
    ['an exported class used in another file', "export class Reader {\n  read(c) { return c.getWithDependencies('k'); }\n}\n", "import { Reader } from './helpers.js';", 'new Reader().read(ctx)'],
    ['a static method of an exported class', "export class Reader {\n  static read(c) { return c.getWithDependencies('k'); }\n}\n", "import { Reader } from './helpers.js';", 'Reader.read(ctx)'],
  ])('%s', (_name, helper, imports, call) => {
    const files = { 'src/helpers.js': helper, 'src/workflow.ts': task(call, imports) };
    expect(plan(files, 'src/helpers.js').flags.map((f) => f.split(' ')[1])).toEqual(['loader-after-remove']);
  });

  it('a static method given to task() as its body', () => {
    const files = {
      'src/steps.ts': "export class Steps {\n  static load(ctx: any) { return ctx.getWithDependencies('k'); }\n}\n",
      'src/workflow.ts': "import { task } from 'cloacina';\nimport { Steps } from './steps.js';\nexport const t = task({ id: 'a' }, Steps.load);\n",
    };
    expect(plan(files, 'src/steps.ts')).toMatchObject({ flags: [], output: expect.stringContaining("ctx.get('k')") });
  });
});

it('follows a function exported with module.exports = { name } to its callers', () => {
  const files = {
    'lib/steps.js': "function enrich(context) {\n  return context.getWithDependencies('customers');\n}\nmodule.exports = { enrich };\n",
    'src/workflow.ts': "const { task } = require('cloacina');\nconst steps = require('../lib/steps');\ntask({ id: 'a' }, (ctx) => { steps.enrich(ctx); });\n",
  };
  expect(plan(files, 'lib/steps.js')).toMatchObject({ flags: [], output: expect.stringContaining("context.get('customers')") });
});
