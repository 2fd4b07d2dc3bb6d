// Strips the context methods v2 removed. `loadFromDependenciesAndCache(k)` and
// `getWithDependencies(k)` become `get(k)` where that is exactly equivalent: v2 injects
// every dependency output before the task runs, so the two differ from get() only after
// the task removed `k` itself. Anything else is flagged, never guessed.
import type { API, ASTPath, Collection, FileInfo, JSCodeshift, Options } from 'jscodeshift';
import { flag, type FlagSink } from './lib/flags.js';
import { moveComments, printFile, type AnyNode } from './lib/print.js';

const LOADERS = new Set(['loadFromDependenciesAndCache', 'getWithDependencies']);
const SETTERS = new Map<string, 'dependency-loader-removed' | 'execution-scope-set-removed'>([
  ['setDependencyLoader', 'dependency-loader-removed'],
  ['setExecutionScope', 'execution-scope-set-removed'],
]);
const SCOPE_READ = 'executionScope';
const REMOVED = new Set([...LOADERS, ...SETTERS.keys(), SCOPE_READ]);

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ObjectMethod', 'ClassMethod']);
const LOOP_TYPES = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);

/** A cheap text check: only files that name a removed method are parsed. */
export function relevant(source: string): boolean {
  return [...REMOVED].some((name) => source.includes(name));
}

export default function transform(file: FileInfo, api: API, options: Options & FlagSink): string | undefined {
  if (!relevant(file.source)) return undefined;
  const j = api.jscodeshift;
  const root = j(file.source);
  return apply(j, root, file.source, options) ? printFile(root, file.source) : undefined;
}

/** Rewrites an already parsed file; true when it changed anything. */
export function apply(j: JSCodeshift, root: Collection, _source: string, options: FlagSink): boolean {
  let changed = false;
  const marked = options.marked ?? 0;

  const members = root.find(j.Node).filter((p) => p.node.type === 'MemberExpression' || p.node.type === 'OptionalMemberExpression');
  members.forEach((found) => {
    const path = found as ASTPath;
    const member = path.node as unknown as AnyNode;
    const name = propertyName(member);
    if (name === undefined || !REMOVED.has(name)) return;
    const parent = path.parent.node as AnyNode;
    const called = (parent.type === 'CallExpression' || parent.type === 'OptionalCallExpression') && parent.callee === member;
    if (!called) {
      flag(j, path, 'loader-not-called', options);
      return;
    }
    if (name === SCOPE_READ) {
      flag(j, path, 'execution-scope-read', options);
      return;
    }
    const setter = SETTERS.get(name);
    if (setter !== undefined) {
      changed = removeSetterCall(j, path.parent as ASTPath, setter, options) || changed;
      return;
    }
    const verdict = loaderVerdict(j, path.parent as ASTPath, member);
    if (verdict === 'equivalent') {
      member.property = j.identifier('get');
      member.computed = false;
      changed = true;
    } else {
      flag(j, path, verdict, options);
    }
  });
  return changed || (options.marked ?? 0) > marked;
}

function propertyName(member: AnyNode): string | undefined {
  const property = member.property as AnyNode;
  if (!member.computed && property.type === 'Identifier') return property.name as string;
  if (member.computed && (property.type === 'StringLiteral' || property.type === 'Literal') && typeof property.value === 'string') {
    return property.value;
  }
  return undefined;
}

/** Removes `ctx.setDependencyLoader(...)` when it is a statement of its own; flags it. */
function removeSetterCall(j: JSCodeshift, call: ASTPath, reason: 'dependency-loader-removed' | 'execution-scope-set-removed', sink: FlagSink): boolean {
  const statement = call.parent as ASTPath;
  const holder = statement.parent?.node as AnyNode | undefined;
  if ((statement.node as AnyNode).type !== 'ExpressionStatement' || !Array.isArray(holder?.body)) {
    flag(j, call, 'removed-method-in-expression', sink);
    return false;
  }
  const body = holder.body as AnyNode[];
  const index = body.indexOf(statement.node as AnyNode);
  // The flag lands on the statement that now takes the removed one's place.
  const next = body[index + 1] ?? body[index - 1];
  if (next === undefined) {
    flag(j, call, 'removed-method-in-expression', sink);
    return false;
  }
  const line = (call.node as { loc?: { start: { line: number } } }).loc?.start.line ?? 0;
  moveComments(statement.node as AnyNode, next);
  statement.prune();
  const marker = j(next as never).paths()[0]!;
  const flags = sink.flags;
  flag(j, marker, reason, sink);
  if (flags && flags.length > 0) flags[flags.length - 1]!.line = line;
  return true;
}

type Verdict = 'equivalent' | 'loader-after-remove' | 'loader-context-escapes';

/** Whether `ctx.loader(k)` equals `ctx.get(k)` in its function. */
function loaderVerdict(j: JSCodeshift, call: ASTPath, member: AnyNode): Verdict {
  const receiver = member.object as AnyNode;
  const args = (call.node as AnyNode).arguments as AnyNode[];
  if (receiver.type !== 'Identifier' || args.length !== 1) return 'loader-context-escapes';
  const ctx = receiver.name as string;
  const scope = enclosingFunction(call);
  if (scope === undefined) return 'loader-context-escapes';
  const key = literalKey(args[0]!);
  const callStart = start(call.node);
  let verdict: Verdict = 'equivalent';
  j(scope.node as never)
    .find(j.Identifier, { name: ctx })
    .forEach((use) => {
      if (verdict !== 'equivalent') return;
      const parent = use.parent.node as AnyNode;
      const isReceiver = (parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.object === use.node;
      if (!isReceiver) {
        if (isBindingOrProperty(use)) return;
        verdict = 'loader-context-escapes';
        return;
      }
      const method = propertyName(parent);
      const callParent = use.parent.parent?.node as AnyNode | undefined;
      if (method === undefined) {
        verdict = 'loader-context-escapes';
        return;
      }
      if (method !== 'remove' || callParent?.type !== 'CallExpression') return;
      const removedKey = literalKey(((callParent.arguments as AnyNode[]) ?? [])[0]);
      if (key !== undefined && removedKey !== undefined && removedKey !== key) return;
      const before = start(callParent) < callStart || sharesLoop(use, call, scope) || enclosingFunction(use)?.node !== scope.node;
      if (before) verdict = 'loader-after-remove';
    });
  return verdict;
}

function literalKey(node: AnyNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if ((node.type === 'StringLiteral' || node.type === 'Literal') && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && (node.expressions as unknown[]).length === 0) {
    return ((node.quasis as AnyNode[])[0]!.value as { cooked: string }).cooked;
  }
  return undefined;
}

/** Declarations of the name itself (the parameter) and object keys are not uses of the context. */
function isBindingOrProperty(use: ASTPath): boolean {
  const parent = use.parent.node as AnyNode;
  if (FUNCTION_TYPES.has(parent.type) && (parent.params as unknown[]).includes(use.node)) return true;
  if (parent.type === 'TSParameterProperty') return true;
  if ((parent.type === 'ObjectProperty' || parent.type === 'Property') && parent.key === use.node && !parent.shorthand) return true;
  if ((parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.property === use.node && !parent.computed) return true;
  // A type annotation on the parameter: `(ctx: Context)`.
  if (parent.type === 'TSTypeAnnotation') return true;
  return false;
}

function enclosingFunction(path: ASTPath): ASTPath | undefined {
  let current: ASTPath | null = path.parent;
  while (current) {
    if (FUNCTION_TYPES.has((current.node as AnyNode).type)) return current;
    current = current.parent;
  }
  return undefined;
}

/** True when a loop inside the function contains both paths: a later remove runs before the next call. */
function sharesLoop(a: ASTPath, b: ASTPath, scope: ASTPath): boolean {
  for (let current: ASTPath | null = a.parent; current && current !== scope; current = current.parent) {
    if (!LOOP_TYPES.has((current.node as AnyNode).type)) continue;
    for (let other: ASTPath | null = b.parent; other && other !== scope; other = other.parent) {
      if (other === current || other.node === current.node) return true;
    }
  }
  return false;
}

function start(node: unknown): number {
  const n = node as { start?: number; loc?: { start: { line: number; column: number } } };
  return n.start ?? (n.loc ? n.loc.start.line * 1e6 + n.loc.start.column : 0);
}

