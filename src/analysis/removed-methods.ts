// The context methods v2 removed. `loadFromDependenciesAndCache(k)` and `getWithDependencies(k)`
// become `get(k)` where that is exactly equivalent: v2 injects every dependency output before
// the task runs, so the two differ from get() only after the task removed `k` itself.
// `setDependencyLoader(...)` and `setExecutionScope(...)` statements are removed (and flagged).
// Anything else is flagged, never guessed. This plans edits; it changes nothing itself.
import type * as t from '@babel/types';
import type { PlannedFlag } from '../edits/flags.js';
import { removeStatement } from '../edits/remove.js';
import type { Splice } from '../edits/splice.js';
import type { ParsedFile } from './parse.js';
import type { ProjectIndex } from './project.js';
import { walk } from './walk.js';

const LOADERS = new Set(['loadFromDependenciesAndCache', 'getWithDependencies']);
const SETTERS = new Map<string, 'dependency-loader-removed' | 'execution-scope-set-removed'>([
  ['setDependencyLoader', 'dependency-loader-removed'],
  ['setExecutionScope', 'execution-scope-set-removed'],
]);
const SCOPE_READ = 'executionScope';
export const REMOVED_METHODS: ReadonlySet<string> = new Set([...LOADERS, ...SETTERS.keys(), SCOPE_READ]);

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ObjectMethod', 'ClassMethod', 'ClassPrivateMethod']);
const LOOP_TYPES = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);
/** Statement lists a removed statement can leave without a trace. */
const STATEMENT_LISTS = new Set(['Program', 'BlockStatement', 'TSModuleBlock', 'StaticBlock', 'SwitchCase']);

export interface RemovedMethodsPlan {
  edits: Splice[];
  flags: PlannedFlag[];
}

type Member = t.MemberExpression | t.OptionalMemberExpression;

/** A cheap text check: only files that name a removed method can need this. */
export function mentionsRemovedMethod(text: string): boolean {
  for (const name of REMOVED_METHODS) if (text.includes(name)) return true;
  return false;
}

export function planRemovedMethods(file: ParsedFile, _project?: ProjectIndex): RemovedMethodsPlan {
  const plan: RemovedMethodsPlan = { edits: [], flags: [] };
  if (!mentionsRemovedMethod(file.text)) return plan;
  const sites: Array<{ member: Member; ancestors: t.Node[] }> = [];
  walk(file.program, (node, ancestors) => {
    if (isMember(node) && REMOVED_METHODS.has(propertyName(node) ?? '')) sites.push({ member: node, ancestors: [...ancestors] });
  });
  for (const { member, ancestors } of sites) planSite(file, member, ancestors, plan);
  return plan;
}

function planSite(file: ParsedFile, member: Member, ancestors: t.Node[], plan: RemovedMethodsPlan): void {
  const name = propertyName(member)!;
  const at = member.property.start!;
  const parent = ancestors[ancestors.length - 1];
  const called = (parent?.type === 'CallExpression' || parent?.type === 'OptionalCallExpression') && parent.callee === member;
  if (!called) {
    plan.flags.push({ at, reason: 'loader-not-called' });
    return;
  }
  if (name === SCOPE_READ) {
    plan.flags.push({ at, reason: 'execution-scope-read' });
    return;
  }
  const setter = SETTERS.get(name);
  if (setter !== undefined) {
    const statement = ancestors[ancestors.length - 2];
    const list = ancestors[ancestors.length - 3];
    if (statement?.type !== 'ExpressionStatement' || list === undefined || !STATEMENT_LISTS.has(list.type)) {
      plan.flags.push({ at, reason: 'removed-method-in-expression' });
      return;
    }
    plan.edits.push(removeStatement(file.text, statement.start!, statement.end!));
    plan.flags.push({ at: statement.start!, reason: setter });
    return;
  }
  const verdict = loaderVerdict(parent as t.CallExpression | t.OptionalCallExpression, member, ancestors.slice(0, -1));
  if (verdict === 'equivalent') plan.edits.push(renameToGet(file.text, member));
  else plan.flags.push({ at, reason: verdict });
}

/** `ctx.loader` -> `ctx.get`; `ctx['loader']` -> `ctx.get`; `ctx?.['loader']` -> `ctx?.get`. */
function renameToGet(text: string, member: Member): Splice {
  const property = member.property;
  if (!member.computed) return { start: property.start!, end: property.end!, text: 'get' };
  let bracket = property.start! - 1;
  while (bracket > member.object.end! && text[bracket] !== '[') bracket--;
  const optional = text.slice(member.object.end!, bracket).trim() === '?.';
  return { start: bracket, end: member.end!, text: optional ? 'get' : '.get' };
}

type Verdict = 'equivalent' | 'loader-after-remove' | 'loader-context-escapes';

/**
 * Whether `ctx.loader(k)` equals `ctx.get(k)` in its function: no removal of `k` (or of a key
 * that cannot be read) on the same name earlier, in a loop around the call or in a closure,
 * and the context not handed to other code. `callAncestors` lead from the program to the call.
 */
function loaderVerdict(call: t.CallExpression | t.OptionalCallExpression, member: Member, callAncestors: t.Node[]): Verdict {
  const receiver = member.object;
  if (receiver.type !== 'Identifier' || call.arguments.length !== 1) return 'loader-context-escapes';
  const scopeIndex = innermostFunction(callAncestors);
  if (scopeIndex < 0) return 'loader-context-escapes';
  const scope = callAncestors[scopeIndex]!;
  const outer = callAncestors.slice(0, scopeIndex);
  const ctx = receiver.name;
  const key = literalKey(call.arguments[0]);
  let verdict: Verdict = 'equivalent';
  walk(scope, (node, ancestors) => {
    if (verdict !== 'equivalent') return false;
    if (node.type !== 'Identifier' || node.name !== ctx) return;
    const parent = ancestors[ancestors.length - 1]!;
    if (!(isMember(parent) && parent.object === node)) {
      if (!isBindingOrProperty(node, parent)) verdict = 'loader-context-escapes';
      return;
    }
    const method = propertyName(parent);
    if (method === undefined) {
      verdict = 'loader-context-escapes';
      return;
    }
    const removal = ancestors[ancestors.length - 2];
    if (method !== 'remove' || removal?.type !== 'CallExpression') return;
    const removedKey = literalKey(removal.arguments[0]);
    if (key !== undefined && removedKey !== undefined && removedKey !== key) return;
    const useAncestors = [...outer, ...ancestors];
    const before =
      removal.start! < call.start! ||
      sharesLoop(useAncestors, callAncestors, scopeIndex) ||
      useAncestors[innermostFunction(useAncestors)] !== scope;
    if (before) verdict = 'loader-after-remove';
  });
  return verdict;
}

function isMember(node: t.Node | undefined): node is Member {
  return node?.type === 'MemberExpression' || node?.type === 'OptionalMemberExpression';
}

/** The member's property name when it is written out (`a.b`, `a['b']`, ``a[`b`]``). */
export function propertyName(member: Member): string | undefined {
  const property = member.property;
  if (!member.computed) return property.type === 'Identifier' ? property.name : undefined;
  return property.type === 'StringLiteral' ? property.value : undefined;
}

function literalKey(node: t.Node | undefined): string | undefined {
  if (node?.type === 'StringLiteral') return node.value;
  if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0]!.value.cooked ?? undefined;
  return undefined;
}

/** Declarations of the name itself (a parameter) and property names are not uses of the context. */
function isBindingOrProperty(use: t.Identifier, parent: t.Node): boolean {
  if (FUNCTION_TYPES.has(parent.type) && (parent as t.Function).params.includes(use)) return true;
  if (parent.type === 'TSParameterProperty') return true;
  if (parent.type === 'ObjectProperty' && parent.key === use && !parent.shorthand) return true;
  if (isMember(parent) && parent.property === use && !parent.computed) return true;
  if (parent.type === 'TSTypeAnnotation') return true;
  return false;
}

/** Index of the innermost function among all but the last of `ancestors`, or -1. */
function innermostFunction(ancestors: readonly t.Node[]): number {
  for (let i = ancestors.length - 1; i >= 0; i--) if (FUNCTION_TYPES.has(ancestors[i]!.type)) return i;
  return -1;
}

/** True when a loop inside the function holds both: a later removal runs before the next call. */
function sharesLoop(useAncestors: readonly t.Node[], callAncestors: readonly t.Node[], scopeIndex: number): boolean {
  const inside = new Set(callAncestors.slice(scopeIndex + 1));
  for (let i = scopeIndex + 1; i < useAncestors.length; i++) {
    const node = useAncestors[i]!;
    if (LOOP_TYPES.has(node.type) && inside.has(node)) return true;
  }
  return false;
}
