// Functions as values: which function a call invokes (plain calls, `.call`/`.apply`,
// `Reflect.apply`, methods of the project's own classes and object literals, functions of
// other project files), and, the other way round, every place a function is called from,
// following it through aliases, exports, barrels and the parameters of other functions.
// When a function value goes somewhere this cannot follow, the list of callers is
// incomplete, and says why.
import type * as t from '@babel/types';
import type { FileAnalysis, ProjectIndex } from './project.js';
import { isFunction, type Binding } from './scope.js';
import { exportNames, importedReferences, isCommonJsExport, isExportPosition } from './references.js';
import { classChanged, exportReplaced, membersChanged } from './replaced.js';
import { expressionSymbol, staticName, unwrap, type Symbol } from './symbols.js';
import { childrenOf } from './walk.js';

export interface Place {
  analysis: FileAnalysis;
  node: t.Node;
}

/** A call of a known function: the function, and the argument given for each parameter. */
export interface Invocation {
  analysis: FileAnalysis;
  fn: t.Function;
  /** Argument expressions by parameter index (after `.call`/`.apply` unpacking); undefined = none or unknown. */
  args: Array<t.Node | undefined>;
  /** Some arguments could not be matched to parameters (a spread, `.apply` with a non-literal array). */
  argsUnknown: boolean;
}

export type CallTarget =
  | { kind: 'function'; invocation: Invocation }
  | { kind: 'cloacina'; name: string }
  | { kind: 'package'; specifier: string }
  | { kind: 'unknown'; why: string };

export interface CallSite {
  analysis: FileAnalysis;
  /** The call (or `new`) expression; for a task body, the task() call that registers it. */
  call: t.Node;
  args: Array<t.Node | undefined>;
  argsUnknown: boolean;
  /** The runtime calls it: a task body, whose first argument is a fresh task context. */
  taskBody?: boolean;
}

export interface Callers {
  sites: CallSite[];
  /** Why some callers cannot be known (the function is passed to code that is not followed), if so. */
  incomplete?: string;
}

const CALLS = new Set(['CallExpression', 'OptionalCallExpression']);
const TRANSPARENT = new Set(['TSAsExpression', 'TSSatisfiesExpression', 'TSTypeAssertion', 'TSNonNullExpression', 'ParenthesizedExpression', 'TSInstantiationExpression']);
const MAX_DEPTH = 12;

export const isCall = (node: t.Node | undefined): node is t.CallExpression | t.OptionalCallExpression => node !== undefined && CALLS.has(node.type);
export const isMember = (node: t.Node | undefined): node is t.MemberExpression | t.OptionalMemberExpression =>
  node?.type === 'MemberExpression' || node?.type === 'OptionalMemberExpression';

export function lineOf(node: t.Node): number {
  return node.loc?.start.line ?? 0;
}

/** `file:line` for messages, relative to nothing: the file's base name. */
export function where(place: Place): string {
  const name = place.analysis.file.split('/').pop();
  return `${name}:${lineOf(place.node)}`;
}

/** The innermost function holding `node` (never `node` itself), or the program. */
export function ownerFunction(analysis: FileAnalysis, node: t.Node): t.Node {
  for (let p = analysis.scopes.parentOf(node); p; p = analysis.scopes.parentOf(p)) if (isFunction(p) || p.type === 'Program') return p;
  return analysis.parsed.program;
}

/**
 * The node whose parent receives the value `node` computes: climbs through parentheses,
 * type assertions, and the branches of `a ? b : c`, `a ?? b`, `a || b`.
 */
export function valuePosition(analysis: FileAnalysis, node: t.Node): t.Node {
  let current = node;
  for (;;) {
    const parent = analysis.scopes.parentOf(current);
    if (parent === undefined) return current;
    if (TRANSPARENT.has(parent.type)) current = parent;
    else if (parent.type === 'ConditionalExpression' && parent.test !== current) current = parent;
    else if (parent.type === 'LogicalExpression') current = parent;
    else if (parent.type === 'SequenceExpression' && parent.expressions[parent.expressions.length - 1] === current) current = parent;
    else return current;
  }
}

/** The function a binding holds, when it holds one for good (a declaration or a never-reassigned const/let). */
export function functionOfBinding(binding: Binding): t.Function | t.Class | undefined {
  // `function f() {}` and `class C {}` names can be assigned another value (`f = other`).
  if (binding.writes.length > 0) return undefined;
  if (binding.kind === 'function' && isFunction(binding.owner)) return binding.owner as t.Function;
  if (binding.kind === 'class') return binding.owner as t.Class;
  if ((binding.kind === 'const' || binding.kind === 'let' || binding.kind === 'var') && binding.writes.length === 0 && binding.owner.type === 'VariableDeclarator') {
    const declarator = binding.owner as t.VariableDeclarator;
    if (declarator.id !== binding.id || !declarator.init) return undefined;
    const init = unwrap(declarator.init);
    if (isFunction(init)) return init as t.Function;
    if (init.type === 'ClassExpression') return init;
  }
  return undefined;
}

/** The binding a declarator's `const x = <node>` gives the value at `position`, if that is all it does. */
export function aliasBinding(analysis: FileAnalysis, position: t.Node): Binding | undefined {
  const parent = analysis.scopes.parentOf(position);
  if (parent?.type !== 'VariableDeclarator' || parent.init !== position || parent.id.type !== 'Identifier') return undefined;
  return analysis.scopes.bindingOf(parent.id);
}

/** The class a `new C()` or a binding of one makes, when it is a class of the project. */
function localClassOf(project: ProjectIndex, analysis: FileAnalysis, node: t.Node): { analysis: FileAnalysis; cls: t.Class } | undefined {
  const inner = unwrap(node);
  if (inner.type === 'ClassExpression') return { analysis, cls: inner };
  const symbol = expressionSymbol(project, analysis, inner);
  if (symbol?.kind === 'local') {
    const found = functionOfBinding(symbol.binding);
    if (found && (found.type === 'ClassDeclaration' || found.type === 'ClassExpression')) return { analysis: symbol.analysis, cls: found };
  }
  return undefined;
}

function methodOf(cls: t.Class, name: string, isStatic: boolean): t.Function | undefined {
  for (const member of cls.body.body) {
    if ((member.type === 'ClassMethod' || member.type === 'ClassPrivateMethod') && !member.computed && member.static === isStatic) {
      const key = member.key.type === 'Identifier' ? member.key.name : member.key.type === 'StringLiteral' ? member.key.value : member.key.type === 'PrivateName' ? `#${member.key.id.name}` : undefined;
      if (key === name && member.kind !== 'constructor') return member;
    }
    if ((member.type === 'ClassProperty' || member.type === 'ClassPrivateProperty') && member.static === isStatic && member.value && isFunction(unwrap(member.value))) {
      const key = member.key.type === 'Identifier' ? member.key.name : member.key.type === 'PrivateName' ? `#${member.key.id.name}` : undefined;
      if (key === name) return unwrap(member.value) as t.Function;
    }
  }
  return undefined;
}

export function constructorOf(cls: t.Class): t.ClassMethod | undefined {
  return cls.body.body.find((m): m is t.ClassMethod => m.type === 'ClassMethod' && m.kind === 'constructor');
}

/** The class whose method (not an arrow) holds `node`, for `this`. */
export function enclosingClass(analysis: FileAnalysis, node: t.Node): t.Class | undefined {
  for (let p = analysis.scopes.parentOf(node); p; p = analysis.scopes.parentOf(p)) {
    if (p.type === 'ArrowFunctionExpression') continue;
    if (p.type === 'ClassMethod' || p.type === 'ClassPrivateMethod' || p.type === 'ClassProperty' || p.type === 'ClassPrivateProperty' || p.type === 'StaticBlock') {
      const body = analysis.scopes.parentOf(p);
      const cls = body && analysis.scopes.parentOf(body);
      return cls && (cls.type === 'ClassDeclaration' || cls.type === 'ClassExpression') ? cls : undefined;
    }
    if (isFunction(p)) return undefined;
  }
  return undefined;
}

/** The function `obj.name` names, for an object this can see into. */
function memberFunction(project: ProjectIndex, analysis: FileAnalysis, member: t.MemberExpression | t.OptionalMemberExpression): { analysis: FileAnalysis; fn: t.Function } | CallTarget {
  const name = staticName(member);
  if (name === undefined && member.property.type !== 'PrivateName') return { kind: 'unknown', why: 'the method is chosen at run time' };
  const key = member.property.type === 'PrivateName' ? `#${member.property.id.name}` : name!;
  const object = unwrap(member.object);
  if (object.type === 'ThisExpression') {
    const cls = enclosingClass(analysis, member);
    const fn = cls && methodOf(cls, key, isStaticContext(analysis, member));
    const changed = fn && classChanged(project, analysis, cls, classBinding(analysis, cls));
    if (changed) return { kind: 'unknown', why: `this.${key} may be replaced (${changed})` };
    return fn ? { analysis, fn } : { kind: 'unknown', why: `this.${key} cannot be followed` };
  }
  const symbol = expressionSymbol(project, analysis, member);
  if (symbol !== undefined && symbol.kind !== 'unknown') {
    const target = symbolFunction(project, symbol);
    if (target) return target;
    if (symbol.kind === 'cloacina') return { kind: 'cloacina', name: symbol.name };
    if (symbol.kind === 'package') return { kind: 'package', specifier: symbol.specifier };
  }
  // `new Reader().read(ctx)`
  if (object.type === 'NewExpression') {
    const made = localClassOf(project, analysis, object.callee as t.Node);
    const fn = made && methodOf(made.cls, key, false);
    if (fn) return classMethod(project, made, fn, key);
  }
  if (object.type === 'Identifier') {
    const held = expressionSymbol(project, analysis, object);
    if (held?.kind !== 'local') return { kind: 'unknown', why: `${object.name}.${key} is not the project's code` };
    const { binding, analysis: home } = held;
    const replaced = membersChanged(project, home, binding) ?? exportReplaced(project, home, binding, undefined);
    if (replaced) return { kind: 'unknown', why: `${object.name}.${key} may be replaced (${replaced})` };
    const value = functionOfBinding(binding);
    // A static method: `Helpers.read(ctx)`.
    if (value && (value.type === 'ClassDeclaration' || value.type === 'ClassExpression')) {
      const fn = methodOf(value, key, true);
      if (fn) return classMethod(project, { analysis: home, cls: value }, fn, key);
    }
    if (binding.owner.type === 'VariableDeclarator' && binding.writes.length === 0 && (binding.owner as t.VariableDeclarator).init) {
      const init = unwrap((binding.owner as t.VariableDeclarator).init!);
      if (init.type === 'NewExpression') {
        const made = localClassOf(project, home, init.callee);
        const fn = made && methodOf(made.cls, key, false);
        if (fn) return classMethod(project, made, fn, key);
      }
      if (init.type === 'ObjectExpression') {
        const fn = objectMember(init, key);
        if (fn) return { analysis: home, fn };
      }
    }
  }
  return { kind: 'unknown', why: `the method ${key}() cannot be followed` };
}

/** A method of a project class, unless the class can have it replaced (a prototype patch, a decorator). */
function classMethod(project: ProjectIndex, made: { analysis: FileAnalysis; cls: t.Class }, fn: t.Function, key: string): { analysis: FileAnalysis; fn: t.Function } | CallTarget {
  const changed = classChanged(project, made.analysis, made.cls, classBinding(made.analysis, made.cls));
  return changed ? { kind: 'unknown', why: `${key}() may be replaced (${changed})` } : { analysis: made.analysis, fn };
}

/** The binding that names a class: its declaration's, or the const it is assigned to. */
function classBinding(analysis: FileAnalysis, cls: t.Class): Binding | undefined {
  return cls.id ? analysis.scopes.bindingOf(cls.id) : aliasBinding(analysis, valuePosition(analysis, cls));
}

function isStaticContext(analysis: FileAnalysis, node: t.Node): boolean {
  for (let p = analysis.scopes.parentOf(node); p; p = analysis.scopes.parentOf(p)) {
    if (p.type === 'ArrowFunctionExpression') continue;
    if (p.type === 'ClassMethod' || p.type === 'ClassPrivateMethod' || p.type === 'ClassProperty' || p.type === 'ClassPrivateProperty') return p.static;
    if (p.type === 'StaticBlock') return true;
    if (isFunction(p)) return false;
  }
  return false;
}

function objectMember(object: t.ObjectExpression, key: string): t.Function | undefined {
  for (const p of object.properties) {
    if (p.type === 'ObjectMethod' && !p.computed && p.kind === 'method' && p.key.type === 'Identifier' && p.key.name === key) return p;
    if (p.type === 'ObjectProperty' && !p.computed && p.key.type === 'Identifier' && p.key.name === key && isFunction(unwrap(p.value as t.Node))) return unwrap(p.value as t.Node) as t.Function;
  }
  return undefined;
}

/** The function a symbol holds, unless another file (or later code) can replace the export. */
function symbolFunction(project: ProjectIndex, symbol: Symbol): { analysis: FileAnalysis; fn: t.Function } | CallTarget | undefined {
  let found: { analysis: FileAnalysis; fn: t.Function } | undefined;
  if (symbol.kind === 'local') {
    const fn = functionOfBinding(symbol.binding);
    if (fn && isFunction(fn)) found = { analysis: symbol.analysis, fn: fn as t.Function };
  }
  if (symbol.kind === 'node' && isFunction(unwrap(symbol.node))) found = { analysis: symbol.analysis, fn: unwrap(symbol.node) as t.Function };
  if (found === undefined) return undefined;
  const replaced = symbol.kind === 'local' ? symbol.binding.scope.node === symbol.analysis.parsed.program && exportReplaced(project, symbol.analysis, symbol.binding, undefined) : exportReplaced(project, found.analysis, undefined, (symbol as { node: t.Node }).node);
  return replaced ? { kind: 'unknown', why: `${nameOfExport(found.fn)} may be replaced (${replaced})` } : found;
}

function nameOfExport(fn: t.Function): string {
  const id = (fn as { id?: t.Identifier | null }).id;
  const key = (fn as { key?: t.Node }).key;
  return id ? `${id.name}()` : key?.type === 'Identifier' ? `${key.name}()` : 'the function';
}

/** What a call (or `new`) invokes, with its arguments matched to the parameters. */
export function callTarget(project: ProjectIndex, analysis: FileAnalysis, call: t.Node): CallTarget {
  if (!isCall(call) && call.type !== 'NewExpression') return { kind: 'unknown', why: 'not a call' };
  const args = call.arguments as t.Node[];
  const callee = unwrap(call.callee as t.Node);
  if (call.type === 'NewExpression') {
    const made = localClassOf(project, analysis, callee);
    if (made) {
      const ctor = constructorOf(made.cls);
      if (!ctor) return made.cls.superClass ? { kind: 'unknown', why: 'the constructor is inherited' } : { kind: 'function', invocation: invocation(made.analysis, emptyConstructor, [], false) };
      return { kind: 'function', invocation: invocation(made.analysis, ctor, args, false) };
    }
    return symbolTarget(project, expressionSymbol(project, analysis, callee));
  }
  if (isFunction(callee)) return { kind: 'function', invocation: invocation(analysis, callee as t.Function, args, false) };
  if (isMember(callee)) {
    const method = staticName(callee);
    // Reflect.apply(fn, thisArg, [args]) / fn.call(thisArg, ...args) / fn.apply(thisArg, [args])
    if (isReflectApply(analysis, callee)) {
      const inner = args[0] ? functionValueTarget(project, analysis, args[0]) : ({ kind: 'unknown', why: 'Reflect.apply without a function' } as CallTarget);
      return inner.kind === 'function' ? withArrayArgs(inner.invocation, args[2]) : inner;
    }
    if (method === 'call' || method === 'apply') {
      const inner = functionValueTarget(project, analysis, callee.object);
      if (inner.kind !== 'function') return inner;
      if (method === 'call') return { kind: 'function', invocation: invocation(inner.invocation.analysis, inner.invocation.fn, args.slice(1), false) };
      return withArrayArgs(inner.invocation, args[1]);
    }
    const found = memberFunction(project, analysis, callee);
    if ('fn' in found) return { kind: 'function', invocation: invocation(found.analysis, found.fn, args, false) };
    return found;
  }
  return functionValueTargetWith(project, analysis, callee, args);
}

/** `Reflect.apply`, the global one. */
export function isReflectApply(analysis: FileAnalysis, callee: t.Node): boolean {
  return isMember(callee) && staticName(callee) === 'apply' && callee.object.type === 'Identifier' && callee.object.name === 'Reflect' && analysis.scopes.bindingOf(callee.object) === undefined;
}

function withArrayArgs(target: Invocation, list: t.Node | undefined): CallTarget {
  const array = list && unwrap(list);
  return array?.type === 'ArrayExpression'
    ? { kind: 'function', invocation: invocation(target.analysis, target.fn, array.elements as t.Node[], false) }
    : { kind: 'function', invocation: invocation(target.analysis, target.fn, [], true) };
}

const emptyConstructor = { type: 'ClassMethod', kind: 'constructor', params: [], body: { type: 'BlockStatement', body: [] } } as unknown as t.Function;

/** What function an expression (not a call) holds, as if it were called with no arguments. */
function functionValueTarget(project: ProjectIndex, analysis: FileAnalysis, node: t.Node): CallTarget {
  const inner = unwrap(node);
  if (isMember(inner)) {
    const found = memberFunction(project, analysis, inner);
    return 'fn' in found ? { kind: 'function', invocation: invocation(found.analysis, found.fn, [], false) } : found;
  }
  return functionValueTargetWith(project, analysis, inner, []);
}

function functionValueTargetWith(project: ProjectIndex, analysis: FileAnalysis, node: t.Node, args: t.Node[]): CallTarget {
  const inner = unwrap(node);
  if (isFunction(inner)) return { kind: 'function', invocation: invocation(analysis, inner as t.Function, args, false) };
  const symbol = expressionSymbol(project, analysis, inner);
  const target = symbolTarget(project, symbol);
  if (target.kind === 'function') return { kind: 'function', invocation: invocation(target.invocation.analysis, target.invocation.fn, args, false) };
  return target;
}

function symbolTarget(project: ProjectIndex, symbol: Symbol | undefined): CallTarget {
  if (symbol === undefined) return { kind: 'unknown', why: 'the function is computed at run time' };
  const fn = symbolFunction(project, symbol);
  if (fn && 'fn' in fn) return { kind: 'function', invocation: invocation(fn.analysis, fn.fn, [], false) };
  if (fn) return fn;
  if (symbol.kind === 'cloacina') return { kind: 'cloacina', name: symbol.name };
  if (symbol.kind === 'package') return { kind: 'package', specifier: symbol.specifier };
  if (symbol.kind === 'unknown') return { kind: 'unknown', why: symbol.why };
  if (symbol.kind === 'local') return { kind: 'unknown', why: `${symbol.binding.name} does not hold a function that can be followed` };
  return { kind: 'unknown', why: 'the function cannot be followed' };
}

function invocation(analysis: FileAnalysis, fn: t.Function, args: readonly (t.Node | null | undefined)[], argsUnknown: boolean): Invocation {
  let unknown = argsUnknown;
  const byParam: Array<t.Node | undefined> = [];
  for (const arg of args) {
    if (!arg || arg.type === 'SpreadElement') {
      unknown = true;
      break;
    }
    byParam.push(arg);
  }
  return { analysis, fn, args: byParam, argsUnknown: unknown };
}

// ---------------------------------------------------------------------------------------
// Callers of a function.

/** Whether `call` is `task(options, fn)` of cloacina (any import form), with `position` as its body. */
export function isTaskRegistration(project: ProjectIndex, analysis: FileAnalysis, call: t.Node, position: t.Node): boolean {
  if (!isCall(call) || call.arguments[1] !== position) return false;
  const symbol = expressionSymbol(project, analysis, call.callee as t.Node);
  return symbol?.kind === 'cloacina' && symbol.name === 'task';
}

/** Every place the function `fn` (in `analysis`) can be called from. */
export function callersOf(project: ProjectIndex, analysis: FileAnalysis, fn: t.Function, depth = 0): Callers {
  const out: Callers = { sites: [] };
  const fail = (why: string) => {
    out.incomplete ??= why;
  };
  if (depth > MAX_DEPTH) {
    fail('the calls go too deep to follow');
    return out;
  }
  if (fn.type === 'ClassMethod' || fn.type === 'ClassPrivateMethod') {
    methodCallers(project, analysis, fn, out, fail, depth);
    return out;
  }
  if (fn.type === 'ObjectMethod') {
    objectMethodCallers(project, analysis, fn, fn, out, fail);
    return out;
  }
  const property = objectPropertyFunction(analysis, fn);
  if (property) {
    objectMethodCallers(project, analysis, property, fn, out, fail);
    return out;
  }
  if (fn.type === 'FunctionDeclaration') {
    const binding = fn.id ? analysis.scopes.bindingOf(fn.id) : undefined;
    if (binding === undefined) {
      // `export default function () {}`
      exportedCallers(project, analysis, undefined, fn, out, fail, depth);
      return out;
    }
    valueUses(project, analysis, binding, out, fail, depth, new Set());
    return out;
  }
  // A function expression: its own position (after parentheses and assertions).
  followPosition(project, analysis, valuePosition(analysis, fn), fn, out, fail, depth, new Set());
  return out;
}

type Fail = (why: string) => void;

/** Follows every read of a binding that holds the function. */
function valueUses(project: ProjectIndex, analysis: FileAnalysis, binding: Binding, out: Callers, fail: Fail, depth: number, seen: Set<Binding>): void {
  if (seen.has(binding)) return;
  seen.add(binding);
  if (binding.writes.length > 0 && binding.kind !== 'function') fail(`${binding.name} is reassigned`);
  for (const read of binding.reads) {
    // An export is followed through the files that import it (below).
    if (isExportPosition(analysis, read)) continue;
    if (read.type === 'JSXIdentifier') {
      fail(`${binding.name} is used as a JSX component`);
      continue;
    }
    followPosition(project, analysis, valuePosition(analysis, read), read, out, fail, depth, seen);
  }
  if (binding.scope.node === analysis.parsed.program) exportedCallers(project, analysis, binding, undefined, out, fail, depth);
}

/** Where the function value at `position` goes. */
function followPosition(project: ProjectIndex, analysis: FileAnalysis, position: t.Node, original: t.Node, out: Callers, fail: Fail, depth: number, seen: Set<Binding>): void {
  const parent = analysis.scopes.parentOf(position);
  if (parent === undefined) return fail(`it is used in a way that cannot be followed`);
  if ((isCall(parent) || parent.type === 'NewExpression') && parent.callee === position) {
    out.sites.push({ analysis, call: parent, args: plainArgs(parent.arguments), argsUnknown: parent.arguments.some((a) => a.type === 'SpreadElement') });
    return;
  }
  if (isMember(parent) && parent.object === position) {
    const method = staticName(parent);
    const call = analysis.scopes.parentOf(parent);
    if ((method === 'call' || method === 'apply') && isCall(call) && call.callee === parent) {
      const args = call.arguments as t.Node[];
      if (method === 'call') out.sites.push({ analysis, call, args: plainArgs(args.slice(1)), argsUnknown: args.some((a) => a.type === 'SpreadElement') });
      else {
        const list = args[1] && unwrap(args[1]);
        out.sites.push({ analysis, call, args: list?.type === 'ArrayExpression' ? plainArgs(list.elements as t.Node[]) : [], argsUnknown: list?.type !== 'ArrayExpression' });
      }
      return;
    }
    if (method === 'name' || method === 'length') return;
    return fail(`its ${method ?? 'member'} is used`);
  }
  if (isCall(parent) && parent.arguments.includes(position as t.Expression)) {
    const index = parent.arguments.indexOf(position as t.Expression);
    if (index === 1 && isTaskRegistration(project, analysis, parent, position)) {
      out.sites.push({ analysis, call: parent, args: [], argsUnknown: false, taskBody: true });
      return;
    }
    const callee = parent.callee as t.Node;
    if (index === 0 && isReflectApply(analysis, callee)) {
      const list = parent.arguments[2] && unwrap(parent.arguments[2] as t.Node);
      out.sites.push({ analysis, call: parent, args: list?.type === 'ArrayExpression' ? plainArgs(list.elements as t.Node[]) : [], argsUnknown: list?.type !== 'ArrayExpression' });
      return;
    }
    // Handed to another function of the project: its callers are the uses of that parameter.
    const target = callTarget(project, analysis, parent);
    if (target.kind === 'function' && !target.invocation.argsUnknown) {
      const param = target.invocation.fn.params[index];
      const id = param?.type === 'Identifier' ? param : param?.type === 'AssignmentPattern' && param.left.type === 'Identifier' ? param.left : undefined;
      const binding = id && target.invocation.analysis.scopes.bindingOf(id);
      if (binding && !target.invocation.analysis.scopes.usesArguments.has(target.invocation.fn)) {
        valueUses(project, target.invocation.analysis, binding, out, fail, depth + 1, seen);
        return;
      }
    }
    return fail(`it is passed to other code`);
  }
  const alias = aliasBinding(analysis, position);
  if (alias) return valueUses(project, analysis, alias, out, fail, depth, seen);
  if (parent.type === 'ExportDefaultDeclaration' || isCommonJsExport(parent, position)) return exportedCallers(project, analysis, undefined, position, out, fail, depth);
  if (parent.type === 'UnaryExpression' && (parent.operator === 'typeof' || parent.operator === '!' || parent.operator === 'void')) return;
  if (parent.type === 'BinaryExpression' && ['===', '!==', '==', '!=', 'instanceof'].includes(parent.operator)) return;
  if ((parent.type === 'IfStatement' || parent.type === 'ConditionalExpression' || parent.type === 'WhileStatement') && (parent as { test: t.Node }).test === position) return;
  if (parent.type === 'ExpressionStatement') return;
  fail(`it is stored or handed over`);
}

function plainArgs(args: readonly (t.Node | null)[]): Array<t.Node | undefined> {
  const out: Array<t.Node | undefined> = [];
  for (const a of args) {
    if (!a || a.type === 'SpreadElement') break;
    out.push(a);
  }
  return out;
}

/** Callers in the files that import the function (directly or through barrels). */
function exportedCallers(project: ProjectIndex, analysis: FileAnalysis, binding: Binding | undefined, node: t.Node | undefined, out: Callers, fail: Fail, depth: number): void {
  for (const reference of importedReferences(project, analysis, binding, node, fail)) {
    if (reference.binding) valueUses(project, reference.analysis, reference.binding, out, fail, depth + 1, new Set());
    else followPosition(project, reference.analysis, valuePosition(reference.analysis, reference.node), reference.node, out, fail, depth + 1, new Set());
  }
}

/** Callers of a class method: `this.m()` inside the class, `x.m()` on instances made with `new C()`. */
function methodCallers(project: ProjectIndex, analysis: FileAnalysis, method: t.ClassMethod | t.ClassPrivateMethod, out: Callers, fail: Fail, depth: number): void {
  const body = analysis.scopes.parentOf(method);
  const cls = body && analysis.scopes.parentOf(body);
  if (!cls || (cls.type !== 'ClassDeclaration' && cls.type !== 'ClassExpression')) return fail('its class cannot be found');
  if (method.kind === 'get' || method.kind === 'set') return fail('it is an accessor');
  const key = method.key.type === 'Identifier' ? method.key.name : method.key.type === 'PrivateName' ? `#${method.key.id.name}` : undefined;
  if (key === undefined || method.computed) return fail('its name is computed');
  const name = cls.id?.name ?? 'the class';
  if (method.kind === 'constructor') {
    classUses(project, analysis, cls, fail, (where, newExpression) => {
      out.sites.push({ analysis: where, call: newExpression, args: plainArgs(newExpression.arguments), argsUnknown: newExpression.arguments.some((a) => a.type === 'SpreadElement') });
    });
    return;
  }
  // Uses of `this` inside the class: calls of the method, or the instance handed elsewhere.
  for (const member of cls.body.body) thisUses(project, analysis, member, key, method.static, out, fail);
  if (method.static) {
    const binding = cls.id ? analysis.scopes.bindingOf(cls.id) : undefined;
    if (!binding) return fail(`${name} has no name to call it by`);
    for (const read of binding.reads) memberCall(project, analysis, valuePosition(analysis, read), key, out, fail, false);
    if (binding.scope.node === analysis.parsed.program) {
      for (const reference of importedReferences(project, analysis, binding, undefined, fail)) {
        const reads = reference.binding ? reference.binding.reads : [reference.node];
        for (const read of reads) memberCall(project, reference.analysis, valuePosition(reference.analysis, read), key, out, fail, false);
      }
    }
    return;
  }
  classUses(project, analysis, cls, fail, (where, newExpression) => {
    const position = valuePosition(where, newExpression);
    const parent = where.scopes.parentOf(position);
    if (isMember(parent) && parent.object === position) return memberCall(project, where, position, key, out, fail, true);
    const instance = aliasBinding(where, position);
    if (!instance || instance.writes.length > 0) return fail(`an instance of ${name} is stored or handed over`);
    if (instance.scope.node === where.parsed.program && exportNames(where, instance, undefined).length > 0) return fail(`an instance of ${name} is exported`);
    for (const read of instance.reads) memberCall(project, where, valuePosition(where, read), key, out, fail, true);
  });
}

/** Every `new C(...)` of a class; any other use of the class makes its callers unknown. */
function classUses(project: ProjectIndex, analysis: FileAnalysis, cls: t.Class, fail: Fail, onNew: (where: FileAnalysis, expression: t.NewExpression) => void): void {
  const binding = cls.id ? analysis.scopes.bindingOf(cls.id) : aliasBinding(analysis, valuePosition(analysis, cls));
  const name = cls.id?.name ?? 'the class';
  if (!binding) return fail(`${name} is used without a name`);
  const uses: Array<{ analysis: FileAnalysis; read: t.Node }> = binding.reads.map((read) => ({ analysis, read }));
  // An exported class: its uses in the files that import it.
  if (binding.scope.node === analysis.parsed.program) {
    for (const reference of importedReferences(project, analysis, binding, undefined, fail)) {
      if (reference.binding) uses.push(...reference.binding.reads.map((read) => ({ analysis: reference.analysis, read })));
      else uses.push({ analysis: reference.analysis, read: reference.node });
    }
  }
  for (const { analysis: where, read } of uses) {
    if (read === cls.id) continue;
    const position = valuePosition(where, read);
    const parent = where.scopes.parentOf(position);
    if (parent?.type === 'NewExpression' && parent.callee === position) onNew(where, parent);
    else if (parent?.type === 'BinaryExpression' && parent.operator === 'instanceof') continue;
    else if (isMember(parent) && parent.object === position) continue; // a static member
    else if (parent?.type === 'ExportSpecifier' || parent?.type === 'ExportDefaultDeclaration') continue; // followed through importers
    else fail(`${name} is used in a way that cannot be followed`);
  }
}

/** `position.key(...)` is a call of the method; `position.key` otherwise, or `position` handed over, is not followable. */
function memberCall(project: ProjectIndex, analysis: FileAnalysis, position: t.Node, key: string, out: Callers, fail: Fail, instance: boolean): void {
  const parent = analysis.scopes.parentOf(position);
  if (!isMember(parent) || parent.object !== position) {
    if (instance) fail(`an instance is handed over`);
    return;
  }
  const name = parent.property.type === 'PrivateName' ? `#${parent.property.id.name}` : staticName(parent);
  if (name === undefined) return fail(`a method is chosen at run time`);
  if (name !== key) return;
  const memberPosition = valuePosition(analysis, parent);
  const call = analysis.scopes.parentOf(memberPosition);
  if (isCall(call) && memberPosition === call.callee) {
    out.sites.push({ analysis, call, args: plainArgs(call.arguments), argsUnknown: call.arguments.some((a) => a.type === 'SpreadElement') });
    return;
  }
  // `task({ id }, Steps.load)`: the runtime calls it as a task body.
  if (call && isTaskRegistration(project, analysis, call, memberPosition)) {
    out.sites.push({ analysis, call, args: [], argsUnknown: false, taskBody: true });
    return;
  }
  fail(`${key} is taken off an instance`);
}

/** `this.key(...)` in a class member; `this` handed over makes the callers unknown. */
function thisUses(project: ProjectIndex, analysis: FileAnalysis, member: t.Node, key: string, isStatic: boolean, out: Callers, fail: Fail): void {
  void project;
  if ((member as { static?: boolean }).static !== isStatic && member.type !== 'StaticBlock') return;
  const stack: t.Node[] = [member];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node !== member && isFunction(node) && node.type !== 'ArrowFunctionExpression') continue;
    if (node.type === 'ClassDeclaration' || node.type === 'ClassExpression') continue;
    if (node.type === 'ThisExpression') {
      const position = valuePosition(analysis, node);
      const parent = analysis.scopes.parentOf(position);
      if (isMember(parent) && parent.object === position) {
        const name = parent.property.type === 'PrivateName' ? `#${parent.property.id.name}` : staticName(parent);
        if (name === key) memberCall(project, analysis, position, key, out, fail, false);
        else if (name === undefined) fail(`a method of this is chosen at run time`);
      } else fail(`this is handed over`);
      continue;
    }
    stack.push(...childrenOf(node));
  }
}

/** Callers of a method of an object literal held by a never-reassigned, unexported const. */
function objectMethodCallers(project: ProjectIndex, analysis: FileAnalysis, member: t.ObjectMethod | t.ObjectProperty, fn: t.Function, out: Callers, fail: Fail): void {
  const object = analysis.scopes.parentOf(member);
  if (object?.type !== 'ObjectExpression' || member.computed || member.key.type !== 'Identifier') return fail('its object cannot be followed');
  // `module.exports = { read(ctx) {...} }`: called by the files that require it.
  const objectParent = analysis.scopes.parentOf(valuePosition(analysis, object));
  if (objectParent && isCommonJsExport(objectParent, valuePosition(analysis, object))) {
    return exportedCallers(project, analysis, undefined, member.type === 'ObjectMethod' ? member : (member.value as t.Node), out, fail, 0);
  }
  const holder = aliasBinding(analysis, valuePosition(analysis, object));
  if (!holder || holder.writes.length > 0) return fail('its object is not held by a constant');
  if (holder.scope.node === analysis.parsed.program && exportNames(analysis, holder, undefined).length > 0) return fail(`${holder.name} is exported`);
  if (fn.type !== 'ArrowFunctionExpression' && hasThis(fn)) return fail('it uses this');
  for (const read of holder.reads) memberCall(project, analysis, valuePosition(analysis, read), member.key.name, out, fail, true);
}

function hasThis(fn: t.Function): boolean {
  const stack: t.Node[] = [fn.body];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'ThisExpression') return true;
    if (isFunction(node) && node.type !== 'ArrowFunctionExpression') continue;
    stack.push(...childrenOf(node));
  }
  return false;
}

/** An ObjectProperty's function value: its callers are those of the object's method. */
export function objectPropertyFunction(analysis: FileAnalysis, fn: t.Function): t.ObjectProperty | undefined {
  const position = valuePosition(analysis, fn);
  const parent = analysis.scopes.parentOf(position);
  return parent?.type === 'ObjectProperty' && parent.value === position ? parent : undefined;
}
