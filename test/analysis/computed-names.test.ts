// Method names computed at run time on a Context: through a conditional, a `let` (reassigned
// or not), a concatenation, a template, a function's return value. Every possible value known:
// one removed name is planned like the name written out; several (or one removed among
// others) are flagged method-name-computed. A name that cannot be read at all, called on a
// Context, is flagged too. Names that can only be other methods stay as they are.
import { describe, expect, it } from 'vitest';
import { plan, workflow } from './support.js';

const body = (lines: string) => workflow(`task({ id: 'a', dependencies: ['up'] }, (ctx) => {\n${lines}\n});`);
const planned = (lines: string, extra: Record<string, string> = {}) => plan({ 'src/workflow.ts': body(lines), ...extra });

describe('flagged: the name may be a removed method', () => {
  it.each([
    ['a conditional', "  const fresh = ctx.get('fresh') === true;\n  ctx.set('v', ctx[fresh ? 'getWithDependencies' : 'get']('k'));"],
    ['a let reassigned', "  let m = 'get';\n  if (ctx.get('deep')) m = 'getWithDependencies';\n  ctx.set('v', ctx[m]('k'));"],
    ['a concatenation', "  const deep = ctx.get('deep') === true;\n  ctx.set('v', ctx['getWith' + (deep ? 'Dependencies' : '')]('k'));"],
    ['a template', "  const which = ctx.get('deep') ? 'WithDependencies' : '';\n  ctx.set('v', ctx[`get${which}`]('k'));"],
    ['a function return value', "  ctx.set('v', ctx[reader(ctx.get('deep') === true)]('k'));\n  function reader(deep: boolean) { return deep ? 'loadFromDependenciesAndCache' : 'get'; }"],
    ['a name that cannot be read', "  const name = String(ctx.get('method'));\n  ctx.set('v', ctx[name]('k'));"],
  ])('%s', (_name, lines) => {
    const result = planned(lines);
    expect(result.flags.map((f) => f.split(' ')[1])).toEqual(['method-name-computed']);
    expect(result.output).toBe(body(lines));
  });

  it('a concatenation that spells one removed name is planned like the name', () => {
    const result = planned("  const m = 'getWith' + 'Dependencies';\n  ctx.set('v', ctx[m]('k'));");
    expect(result).toMatchObject({ flags: [], output: expect.stringContaining("ctx.get('k')") });
  });

  it('a let never reassigned is planned like a const', () => {
    const result = planned("  let m = 'getWithDependencies';\n  ctx.set('v', ctx[m]('k'));");
    expect(result).toMatchObject({ flags: [], output: expect.stringContaining("ctx.get('k')") });
  });
});

describe('left alone', () => {
  it.each([
    ['a conditional between kept methods', "  ctx.set('v', ctx[ctx.get('x') ? 'get' : 'getRequired']('k'));"],
    ['an index into data', "  const rows = ctx.get('rows') as number[];\n  for (let i = 0; i < rows.length; i++) ctx.set('r' + i, rows[i]);"],
    ['a removed name on an object that is not a Context', "  const table = { getWithDependencies: (k: string) => k, get: (k: string) => k };\n  ctx.set('v', table[ctx.get('x') ? 'getWithDependencies' : 'get']('k'));"],
  ])('%s', (_name, lines) => {
    expect(planned(lines)).toMatchObject({ flags: [], output: body(lines) });
  });

  it('a method chosen among readers does not count as a removal for the loader proof', () => {
    const result = planned("  ctx.set('w', ctx[ctx.get('x') ? 'get' : 'getRequired']('k'));\n  ctx.set('v', ctx.getWithDependencies('k'));");
    expect(result).toMatchObject({ flags: [], output: expect.stringContaining("ctx.set('v', ctx.get('k'))") });
  });
});

describe('questions about a removed method on a Context (v1 answered yes, v2 answers no)', () => {
  it.each([
    ['`in`', "  if ('executionScope' in ctx) ctx.set('scoped', true);"],
    ['Reflect.has', "  if (Reflect.has(ctx, 'executionScope')) ctx.set('scoped', true);"],
    ['Reflect.get', "  const fn = Reflect.get(ctx, 'getWithDependencies');\n  ctx.set('v', typeof fn);"],
    ['a conditional on `in`', "  const v = 'getWithDependencies' in ctx ? 1 : 2;\n  ctx.set('v', v);"],
  ])('%s is flagged removed-method-tested', (_name, lines) => {
    const result = planned(lines);
    expect(result.flags.map((f) => f.split(' ')[1])).toEqual(['removed-method-tested']);
    expect(result.output).toBe(body(lines));
  });

  it('a member read by a name that cannot be read is flagged (typeof ctx[m])', () => {
    const lines = "  ctx.set('n', ['loadFromDependenciesAndCache', 'get'].filter((m) => typeof ctx[m] === 'function').length);";
    expect(planned(lines).flags.map((f) => f.split(' ')[1])).toEqual(['method-name-computed']);
  });

  it.each([
    ['`in` on a plain object', "  const o = { getWithDependencies: 1 };\n  ctx.set('v', 'getWithDependencies' in o);"],
    ['Reflect.has with another name', "  ctx.set('v', Reflect.has(ctx, 'get'));"],
    ['a read by unknown name on data', "  const row = ctx.get('row') as Record<string, number>;\n  const col = String(ctx.get('col'));\n  ctx.set('v', row[col]);"],
  ])('%s is left alone', (_name, lines) => {
    const result = planned(lines);
    expect(result.flags).toEqual([]);
    expect(result.output).toBe(body(lines));
  });
});

describe('Reflect.get on a Context by a name read at run time', () => {
  it('is flagged method-name-computed; on data it is left alone', () => {
    const lines = "  const name = String(ctx.get('reader'));\n  const fn = Reflect.get(ctx, name);\n  ctx.set('v', fn.call(ctx, 'k'));";
    expect(planned(lines).flags.map((f) => f.split(' ')[1])).toEqual(['method-name-computed']);
    const data = "  const row = ctx.get('row') as object;\n  ctx.set('v', Reflect.get(row, String(ctx.get('col'))));";
    expect(planned(data).flags).toEqual([]);
  });
});
