// Name resolution: every read and write of a declared name is found, shadowing is respected,
// and files whose names cannot be resolved say so.
import { describe, expect, it } from 'vitest';
import { parse } from '@babel/parser';
import type * as t from '@babel/types';
import { analyzeScopes, type Binding } from '../../src/analysis/scope.js';

function scopes(code: string) {
  const program = parse(code, { sourceType: 'module', plugins: ['typescript', 'jsx'] }).program;
  const info = analyzeScopes(program);
  /** Bindings named `name`, in declaration order, with the lines of their reads and writes. */
  const uses = (name: string) =>
    info.bindings
      .filter((b) => b.name === name)
      .map((b: Binding) => ({ kind: b.kind, reads: b.reads.map((r) => r.loc!.start.line), writes: b.writes.map((w) => w.loc!.start.line) }));
  return { info, uses };
}

describe('analyzeScopes', () => {
  it('finds reads through closures, shorthand properties, JSX and exports; not property names', () => {
    const { uses } = scopes(
      [
        'const ctx = make();', // 1
        'const f = () => ctx.get("a");', // 2
        'obj.ctx = { ctx, other: ctx.x };', // 3
        'const el = <Helper ctx={ctx} />;', // 4
        'export { ctx };', // 5
        'function Helper(p) { return p.ctx; }', // 6
      ].join('\n'),
    );
    expect(uses('ctx')).toEqual([{ kind: 'const', reads: [2, 3, 3, 4, 5], writes: [] }]);
    expect(uses('Helper')).toEqual([{ kind: 'function', reads: [4], writes: [] }]);
  });

  it('respects shadowing by parameters, block declarations and catch clauses', () => {
    const { uses } = scopes(
      [
        'let ctx = 1;', // 1
        'function a(ctx) { return ctx; }', // 2
        '{ const ctx = 2; use(ctx); }', // 3
        'try {} catch (ctx) { use(ctx); }', // 4
        'use(ctx);', // 5
      ].join('\n'),
    );
    expect(uses('ctx')).toEqual([
      { kind: 'let', reads: [5], writes: [] },
      { kind: 'param', reads: [2], writes: [] },
      { kind: 'const', reads: [3], writes: [] },
      { kind: 'catch', reads: [4], writes: [] },
    ]);
  });

  it('hoists var and function declarations and records every kind of write', () => {
    const { uses } = scopes(
      [
        'use(later(), v);', // 1
        'function later() { return 1; }', // 2
        'var v = 1;', // 3
        'v = 2; v += 1; v++;', // 4
        '[v] = [3]; ({ a: v } = { a: 4 });', // 5
        'for (v of []) {}', // 6
      ].join('\n'),
    );
    expect(uses('later')).toEqual([{ kind: 'function', reads: [1], writes: [] }]);
    expect(uses('v')).toEqual([{ kind: 'var', reads: [1, 4, 4], writes: [4, 4, 4, 5, 5, 6] }]);
  });

  it('ignores type positions and tells which functions read arguments', () => {
    const { info, uses } = scopes(
      [
        'import { Context } from "cloacina";', // 1
        'function f(ctx: Context): typeof ctx { return arguments[0]; }', // 2
        'const g = (c = ctx2) => c as Context;', // 3
      ].join('\n'),
    );
    expect(uses('Context')).toEqual([{ kind: 'import', reads: [], writes: [] }]);
    expect(uses('ctx')).toEqual([{ kind: 'param', reads: [], writes: [] }]);
    expect(info.usesArguments.size).toBe(1);
    expect(info.unresolvable).toBeUndefined();
  });

  it('gives up on with and direct eval', () => {
    expect(scopes('function f(o) { eval("o.remove(1)"); }').info.unresolvable).toMatch(/eval/);
  });

  it('links every node to its parent', () => {
    const { info } = scopes('const x = (a) => a.b(c[0]);');
    const program = info.program;
    const declarator = (program.body[0] as t.VariableDeclaration).declarations[0]!;
    const arrow = declarator.init as t.ArrowFunctionExpression;
    const call = arrow.body as t.CallExpression;
    expect(info.parentOf(call)).toBe(arrow);
    expect(info.parentOf(arrow)).toBe(declarator);
    expect(info.parentOf(arrow.params[0]!)).toBe(arrow);
    expect(info.parentOf(call.arguments[0]!)).toBe(call);
  });
});
