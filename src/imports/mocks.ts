// `vi.mock('cloacina', …)` / `jest.mock('cloacina', …)` in a test: under v1 every name the
// module under test imported came from 'cloacina' and saw this mock. After the migration its
// authoring names come from 'cloacina-workflow', so the mock follows them:
// - a factory that returns only runtime names stays as it is;
// - a factory that returns only authoring names now mocks 'cloacina-workflow' instead;
// - an automock, or a factory of both kinds or of names that cannot be read, is kept and a
//   copy for 'cloacina-workflow' is added after it, so each name sees what it saw in v1.
// A mock that is not a statement of its own, or of 'cloacina/legacy' with runtime names, is flagged.
// When the code the test imports still takes cloacina names from 'cloacina' somewhere (a module
// left for review, see kept-on-cloacina.ts), a mock of 'cloacina' is kept and copied, and flagged.
import type * as t from '@babel/types';
import type { ParsedFile } from '../analysis/parse.js';
import type { ProjectIndex } from '../analysis/project.js';
import { walk } from '../analysis/walk.js';
import { insertAfter } from '../edits/statements.js';
import { moduleKeptOnCloacina } from './kept-on-cloacina.js';
import type { Plan } from './module-declarations.js';
import { authoringName, AUTHORING_PACKAGE, isCloacinaSource, LEGACY_PACKAGE } from './names.js';
import { literalValue, retarget } from './specifiers.js';

const MOCKERS = new Set(['vi', 'jest']);
/** Calls that say what a module is when imported; the others (importActual, ...) only read it. */
const MOCKING = new Set(['mock', 'doMock', 'unmock', 'doUnmock']);
const READERS = new Set(['importActual', 'requireActual', 'importMock', 'requireMock']);
const STATEMENT_LISTS = new Set(['Program', 'BlockStatement', 'StaticBlock', 'SwitchCase']);

/** A cheap text check for the walk. */
export function mentionsMock(text: string): boolean {
  return /\b(vi|jest)\s*\.\s*\w+\s*\(/.test(text);
}

export function isMockCall(node: t.Node): node is t.CallExpression {
  if (node.type !== 'CallExpression' || node.arguments.length === 0) return false;
  const callee = node.callee;
  if (callee.type !== 'MemberExpression' || callee.object.type !== 'Identifier' || !MOCKERS.has(callee.object.name)) return false;
  const method = callee.property.type === 'Identifier' ? callee.property.name : '';
  return MOCKING.has(method) || READERS.has(method);
}

/** The module literal a mock call names: a string, or the string of `import('...')`. */
function mockedLiteral(call: t.CallExpression): t.Node | undefined {
  const first = call.arguments[0];
  if (first?.type === 'ImportExpression') return first.source;
  if (first?.type === 'CallExpression' && first.callee.type === 'Import') return first.arguments[0];
  return first;
}

export function planMocks(file: ParsedFile, plan: Plan, project?: ProjectIndex): void {
  const mocks: Array<{ call: t.CallExpression; method: string; literal: t.Node; source: string; ancestors: t.Node[] }> = [];
  walk(file.program, (node, ancestors) => {
    if (!isMockCall(node)) return;
    const method = ((node.callee as t.MemberExpression).property as t.Identifier).name;
    const literal = mockedLiteral(node);
    const source = literalValue(literal);
    if (literal === undefined || source === undefined) return;
    mocks.push({ call: node, method, literal, source, ancestors: [...ancestors] });
  });
  // A copy made by an earlier run is not made again.
  const mockedWorkflow = new Set(mocks.filter((m) => m.source === AUTHORING_PACKAGE).map((m) => m.method));
  let kept: string | undefined | null = null; // searched once, when a mock needs it
  const keptModule = () => (kept === null ? (kept = moduleKeptOnCloacina(file.path, project)) : kept);
  for (const mock of mocks) {
    if (!isCloacinaSource(mock.source) || !MOCKING.has(mock.method)) continue;
    const names = mockedNames(mock.call.arguments[1]);
    const authoring = names?.filter((n) => authoringName(n, mock.source) !== undefined);
    if (names !== undefined && authoring!.length === 0) continue;
    const keptBy = mock.source === LEGACY_PACKAGE ? undefined : keptModule();
    if (names !== undefined && authoring!.length === names.length && keptBy === undefined) {
      plan.edits.push(retarget(file.text, mock.literal, AUTHORING_PACKAGE));
      continue;
    }
    if (keptBy !== undefined) plan.flags.push({ at: mock.call.start!, reason: 'mock-split', detail: `${keptBy} still takes names from cloacina` });
    if (mockedWorkflow.has(mock.method)) continue;
    const statement = mock.ancestors[mock.ancestors.length - 1];
    const list = mock.ancestors[mock.ancestors.length - 2];
    if (mock.source === LEGACY_PACKAGE || statement?.type !== 'ExpressionStatement' || statement.expression !== mock.call || !list || !STATEMENT_LISTS.has(list.type)) {
      if (keptBy === undefined) plan.flags.push({ at: mock.call.start!, reason: 'mock-split' });
      continue;
    }
    const { text } = file;
    const literal = mock.literal;
    const quote = text[literal.start!]!;
    const copy = `${text.slice(statement.start!, literal.start!)}${quote}${AUTHORING_PACKAGE}${quote}${text.slice(literal.end!, statement.end!)}`;
    plan.edits.push(insertAfter(file, statement, copy));
    mockedWorkflow.add(mock.method);
  }
}

/**
 * The export names a mock factory returns, when it is a function returning an object literal
 * with plain keys; undefined for an automock or a factory whose names cannot be read.
 */
function mockedNames(factory: t.Node | undefined): string[] | undefined {
  if (factory === undefined) return undefined;
  if (factory.type !== 'ArrowFunctionExpression' && factory.type !== 'FunctionExpression') return undefined;
  let result: t.Node | null | undefined = factory.body;
  if (result.type === 'BlockStatement') {
    const statements = result.body;
    result = statements.length === 1 && statements[0]!.type === 'ReturnStatement' ? statements[0].argument : undefined;
  }
  while (result?.type === 'TSAsExpression' || result?.type === 'TSSatisfiesExpression') result = result.expression;
  if (result?.type !== 'ObjectExpression') return undefined;
  const names: string[] = [];
  for (const property of result.properties) {
    if (property.type === 'SpreadElement' || property.computed) return undefined;
    const key = property.key;
    const name = key.type === 'Identifier' ? key.name : literalValue(key);
    if (name === undefined) return undefined;
    names.push(name);
  }
  return names;
}
