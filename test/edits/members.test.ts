// The edit engine can express a rename of a removed method in every form it is written.
import { describe, expect, it } from 'vitest';
import type * as t from '@babel/types';
import { parseFile } from '../../src/analysis/parse.js';
import { walk } from '../../src/analysis/walk.js';
import { renameMember, renamePatternKey } from '../../src/edits/members.js';
import { applySplices } from '../../src/edits/splice.js';

function renamed(source: string): string {
  const file = parseFile('f.ts', source);
  const splices: ReturnType<typeof renameMember>[] = [];
  walk(file.program, (node) => {
    if ((node.type === 'MemberExpression' || node.type === 'OptionalMemberExpression') && node.object.type === 'Identifier' && node.object.name === 'ctx') {
      splices.push(renameMember(file, node, 'get'));
    }
    if (node.type === 'VariableDeclarator' && node.id.type === 'ObjectPattern') {
      for (const p of node.id.properties) if (p.type === 'ObjectProperty') splices.push(renamePatternKey(file, p as t.ObjectProperty, 'get'));
    }
  });
  return applySplices(source, splices);
}

describe('renaming a member or a destructured key', () => {
  it.each([
    ["ctx.getWithDependencies('k')", "ctx.get('k')"],
    ["ctx['getWithDependencies']('k')", "ctx.get('k')"],
    ['ctx[`getWithDependencies`](`k`)', 'ctx.get(`k`)'],
    ["ctx?.['getWithDependencies']('k')", "ctx?.get('k')"],
    ["ctx?.getWithDependencies?.('k')", "ctx?.get?.('k')"],
    ["ctx /* c */ [ 'getWithDependencies' ]('k')", "ctx /* c */ .get('k')"],
    ['const { getWithDependencies } = other;', 'const { get: getWithDependencies } = other;'],
    ['const { getWithDependencies: load } = other;', 'const { get: load } = other;'],
    ["const { ['getWithDependencies']: load } = other;", 'const { get: load } = other;'],
    ['const { getWithDependencies = fallback } = other;', 'const { get: getWithDependencies = fallback } = other;'],
  ])('%s', (before, after) => {
    expect(renamed(before)).toBe(after);
  });
});
