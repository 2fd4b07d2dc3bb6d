// Stand-ins for a cloacina Context in unit tests: an object literal or a class that defines a
// method v2 removed (`{ getWithDependencies: async (k) => rows }`) and is handed to code that
// receives a real Context (a task body, a helper typed or called with one), or is declared as
// a Context (`fake as unknown as Context`). The migration rewrites that code to call get(),
// which the double lacks or answers differently, so the double is flagged. An object that
// only reaches code no Context reaches (the project's own container, a dispatch table) is not.
import type * as t from '@babel/types';
import { aliasBinding, callTarget, functionOfBinding, isCall, isMember, valuePosition } from './functions.js';
import type { FileAnalysis, ProjectIndex } from './project.js';
import { nameOf, type Receivers } from './receivers.js';
import { importedReferences } from './references.js';
import type { Binding } from './scope.js';
import { expressionSymbol, staticName, unwrap } from './symbols.js';
import { classifyType } from './types.js';

/** How many functions a double is followed through (a test's own helper, then the code under test). */
const MAX_DEPTH = 4;

/**
 * Where the object or class holding a removed method's definition meets a Context: a
 * description of that code, or undefined when it provably does not (or cannot be followed).
 */
export function contextCodeReached(project: ProjectIndex, receivers: Receivers, analysis: FileAnalysis, holder: t.ObjectExpression | t.Class): string | undefined {
  if (holder.type === 'ObjectExpression') return reachedFrom(project, receivers, analysis, holder, 0, new Set());
  const binding = holder.id ? analysis.scopes.bindingOf(holder.id) : aliasBinding(analysis, valuePosition(analysis, holder));
  if (binding === undefined) return undefined;
  const uses: Array<{ analysis: FileAnalysis; read: t.Node }> = binding.reads.map((read) => ({ analysis, read }));
  if (binding.scope.node === analysis.parsed.program) {
    for (const reference of importedReferences(project, analysis, binding, undefined, () => undefined)) {
      if (reference.binding) uses.push(...reference.binding.reads.map((read) => ({ analysis: reference.analysis, read })));
      else uses.push({ analysis: reference.analysis, read: reference.node });
    }
  }
  for (const use of uses) {
    const position = valuePosition(use.analysis, use.read);
    const made = use.analysis.scopes.parentOf(position);
    if (made?.type !== 'NewExpression' || made.callee !== position) continue;
    const reached = reachedFrom(project, receivers, use.analysis, made, 0, new Set());
    if (reached !== undefined) return reached;
  }
  return undefined;
}

/** Follows the value `node` computes: through declarations of a Context type, aliases, and calls of project functions. */
function reachedFrom(project: ProjectIndex, receivers: Receivers, analysis: FileAnalysis, node: t.Node, depth: number, seen: Set<Binding>): string | undefined {
  // `fake as unknown as Context`, `fake satisfies Partial<Context>` on the way up.
  for (let at: t.Node = node, parent = analysis.scopes.parentOf(node); parent; at = parent, parent = analysis.scopes.parentOf(parent)) {
    if (parent.type === 'TSAsExpression' || parent.type === 'TSSatisfiesExpression' || parent.type === 'TSTypeAssertion') {
      if (classifyType(project, analysis, parent.typeAnnotation)?.kind === 'context') return 'it is declared as a cloacina Context';
      continue;
    }
    if (parent.type === 'ParenthesizedExpression' || parent.type === 'TSNonNullExpression') continue;
    if ((parent.type === 'ConditionalExpression' && parent.test !== at) || parent.type === 'LogicalExpression') continue;
    break;
  }
  const position = valuePosition(analysis, node);
  const parent = analysis.scopes.parentOf(position);
  if (parent === undefined) return undefined;
  const alias = aliasBinding(analysis, position);
  if (alias) return bindingReaches(project, receivers, analysis, alias, depth, seen);
  if ((isCall(parent) || parent.type === 'NewExpression') && (parent.arguments as t.Node[]).includes(position)) {
    const target = callTarget(project, analysis, parent);
    if (target.kind === 'cloacina') return `it is passed to cloacina's ${target.name}`;
    // `transform.run(fake, info)`: a v1 task object runs its body with what it is given.
    const callee = unwrap(parent.callee as t.Node);
    if (isMember(callee) && isTaskValue(project, analysis, callee.object)) return `it is passed to ${staticName(callee) ?? 'a method'}() of a cloacina task`;
    if (target.kind !== 'function' || target.invocation.argsUnknown) return undefined;
    const { invocation } = target;
    const index = invocation.args.indexOf(position);
    const param = index < 0 ? undefined : invocation.fn.params[index];
    const id = param?.type === 'Identifier' ? param : param?.type === 'AssignmentPattern' && param.left.type === 'Identifier' ? param.left : undefined;
    if (param === undefined || id === undefined) return undefined;
    const classification = receivers.parameter(invocation.analysis, invocation.fn, index);
    const name = nameOf(invocation.fn, invocation.analysis);
    if (classification.typed || classification.roots.length > 0) return `it is passed to ${name}, which receives a cloacina Context`;
    const binding = invocation.analysis.scopes.bindingOf(id);
    if (binding && depth < MAX_DEPTH) return bindingReaches(project, receivers, invocation.analysis, binding, depth + 1, seen);
  }
  return undefined;
}

function bindingReaches(project: ProjectIndex, receivers: Receivers, analysis: FileAnalysis, binding: Binding, depth: number, seen: Set<Binding>): string | undefined {
  if (seen.has(binding)) return undefined;
  seen.add(binding);
  const declared = binding.id.typeAnnotation;
  if (declared && classifyType(project, analysis, declared)?.kind === 'context') return 'it is declared as a cloacina Context';
  for (const read of binding.reads) {
    const reached = reachedFrom(project, receivers, analysis, read, depth, seen);
    if (reached !== undefined) return reached;
  }
  return undefined;
}

/** The object literal or class a member definition belongs to. */
export function definitionHolder(analysis: FileAnalysis, member: t.Node): t.ObjectExpression | t.Class | undefined {
  const parent = analysis.scopes.parentOf(member);
  if (parent?.type === 'ObjectExpression') return parent;
  if (parent?.type === 'ClassBody') {
    const cls = analysis.scopes.parentOf(parent);
    if (cls?.type === 'ClassDeclaration' || cls?.type === 'ClassExpression') return cls;
  }
  return undefined;
}


/** A value a cloacina `task(...)` call made: `const transform = task({...}, body)`, here or imported. */
function isTaskValue(project: ProjectIndex, analysis: FileAnalysis, node: t.Node): boolean {
  const symbol = expressionSymbol(project, analysis, node);
  if (symbol?.kind !== 'local' || functionOfBinding(symbol.binding) !== undefined) return false;
  const declarator = symbol.binding.owner;
  if (declarator.type !== 'VariableDeclarator' || declarator.id !== symbol.binding.id || !declarator.init) return false;
  const init = unwrap(declarator.init);
  if (!isCall(init)) return false;
  const made = expressionSymbol(project, symbol.analysis, init.callee as t.Node);
  return made?.kind === 'cloacina' && made.name === 'task';
}
