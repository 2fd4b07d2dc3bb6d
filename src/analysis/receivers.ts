// Which values are cloacina Contexts. A value is followed back to where it comes from: a task
// body's context parameter (the runtime passes a fresh Context), `new Context()` /
// `Context.fromJSON()` / `ctx.clone()`, and through aliases, the arguments of every call of
// a helper (same file or imported), class fields and returns. A type annotation of
// cloacina's Context decides too. Anything provably else (an instance of the project's own
// class, an object literal, a value of another package) is "other"; what cannot be followed
// is "unknown", with the reason.
import type * as t from '@babel/types';
import { aliasBinding, callersOf, constructorOf, enclosingClass, functionOfBinding, isCall, isMember, ownerFunction, valuePosition, type Place } from './functions.js';
import type { FileAnalysis, ProjectIndex } from './project.js';
import { isFunction, type Binding } from './scope.js';
import { bindingSymbol, expressionSymbol, staticName, unwrap } from './symbols.js';
import { addsNothingToContext, classifyType, extendsContext } from './types.js';
import { childrenOf } from './walk.js';

/** Where a Context object is made. */
export type Root =
  /** A task body's context parameter: a fresh Context on every run. */
  | { kind: 'task'; analysis: FileAnalysis; fn: t.Function; binding: Binding }
  /** `new Context()`, `Context.fromJSON()`, `ctx.clone()`: a new Context at that expression. */
  | { kind: 'made'; analysis: FileAnalysis; node: t.Node };

export interface Classification {
  roots: Root[];
  /** Why some values it may hold are not Contexts. */
  others: string[];
  /** Why some values it may hold cannot be classified. */
  unknowns: string[];
  /** A type annotation says it is a Context, whatever flows into it. */
  typed: boolean;
}

export type Verdict = 'context' | 'other' | 'unknown';

const empty = (): Classification => ({ roots: [], others: [], unknowns: [], typed: false });
const other = (why: string): Classification => ({ roots: [], others: [why], unknowns: [], typed: false });
const unknown = (why: string): Classification => ({ roots: [], others: [], unknowns: [why], typed: false });

export function join(a: Classification, b: Classification): Classification {
  return { roots: [...a.roots, ...b.roots], others: [...a.others, ...b.others], unknowns: [...a.unknowns, ...b.unknowns], typed: a.typed || b.typed };
}

/** The verdict a classification gives: a Context, provably not one, or cannot tell. */
export function verdictOf(c: Classification): Verdict {
  if (c.typed) return 'context';
  if (c.roots.length > 0) return c.others.length === 0 && c.unknowns.length === 0 ? 'context' : 'unknown';
  if (c.others.length > 0 && c.unknowns.length === 0) return 'other';
  return 'unknown';
}

/** Why a classification is not a plain yes or no. */
export function reasonOf(c: Classification): string {
  if (c.roots.length > 0 && c.others.length > 0) return `it is sometimes a Context and sometimes not (${c.others[0]})`;
  return c.unknowns[0] ?? 'nothing tells what it holds';
}

const MAX_DEPTH = 10;

/** `name` read as the global of that name (not declared anywhere in the file). */
function isGlobal(analysis: FileAnalysis, node: t.Node, name: string): boolean {
  const inner = unwrap(node);
  return inner.type === 'Identifier' && inner.name === name && !analysis.scopes.bindingOf(inner);
}

/**
 * `const settings = JSON.parse(text)` whose properties are only ever read (`settings.scope`):
 * JSON data has no methods and nothing is put into it, so it is not a Context. Anything else
 * done with it (a property assigned, a method called, the object handed over) is not followed.
 */
function jsonData(analysis: FileAnalysis, call: t.CallExpression | t.OptionalCallExpression): Classification | undefined {
  const callee = unwrap(call.callee as t.Node);
  if (!isMember(callee) || staticName(callee) !== 'parse' || !isGlobal(analysis, callee.object, 'JSON')) return undefined;
  if (call.arguments.length !== 1) return unknown('JSON.parse with a reviver cannot be followed');
  const declarator = analysis.scopes.parentOf(call);
  if (declarator?.type !== 'VariableDeclarator' || declarator.init !== call || declarator.id.type !== 'Identifier') return undefined;
  const binding = analysis.scopes.bindingOf(declarator.id);
  if (!binding || binding.kind !== 'const') return undefined;
  const onlyRead = binding.reads.every((read) => {
    const member = analysis.scopes.parentOf(read);
    if (!member || !isMember(member) || member.object !== read || member.computed) return false;
    const use = analysis.scopes.parentOf(member);
    if (use?.type === 'AssignmentExpression' && use.left === member) return false;
    if (use?.type === 'UpdateExpression' || (use?.type === 'UnaryExpression' && use.operator === 'delete')) return false;
    if (use && isCall(use) && use.callee === member) return false;
    if (use && isMember(use) && use.object === member) return false;
    return true;
  });
  return onlyRead ? other(`${binding.name} is JSON data whose properties are only read`) : undefined;
}

/** Classifies values of one project, remembering each binding's answer. */
export class Receivers {
  readonly #bindings = new Map<Binding, Classification>();
  readonly #busy = new Set<Binding>();
  /** Bindings found busy (a cycle) since the outermost open one started. */
  #cycles = 0;

  constructor(private readonly project: ProjectIndex) {}

  expression(analysis: FileAnalysis, node: t.Node, depth = 0): Classification {
    if (depth > MAX_DEPTH) return unknown('the value passes through too many functions to follow');
    const inner = unwrap(node);
    switch (inner.type) {
      case 'Identifier': {
        if (inner.name === 'undefined' && !analysis.scopes.bindingOf(inner)) return other('undefined');
        const binding = analysis.scopes.bindingOf(inner);
        return binding ? this.binding(analysis, binding, depth + 1) : unknown(`${inner.name} is not declared in the project`);
      }
      case 'ConditionalExpression':
        return join(this.expression(analysis, inner.consequent, depth + 1), this.expression(analysis, inner.alternate, depth + 1));
      case 'LogicalExpression':
        return join(this.expression(analysis, inner.left, depth + 1), this.expression(analysis, inner.right, depth + 1));
      case 'SequenceExpression':
        return this.expression(analysis, inner.expressions[inner.expressions.length - 1]!, depth + 1);
      case 'AssignmentExpression':
        return inner.operator === '=' ? this.expression(analysis, inner.right, depth + 1) : other('the result of an operator');
      case 'AwaitExpression':
        return inner.argument ? this.expression(analysis, inner.argument, depth + 1) : other('undefined');
      case 'ThisExpression':
        return this.#this(analysis, inner);
      case 'NewExpression':
        return this.#constructed(analysis, inner);
      case 'CallExpression':
      case 'OptionalCallExpression':
        return this.#called(analysis, inner, depth);
      case 'MemberExpression':
      case 'OptionalMemberExpression':
        return this.#member(analysis, inner, depth);
      case 'ObjectExpression':
        return other('it is an object literal');
      case 'ArrayExpression':
        return other('it is an array');
      case 'StringLiteral':
      case 'NumericLiteral':
      case 'BooleanLiteral':
      case 'NullLiteral':
      case 'BigIntLiteral':
      case 'RegExpLiteral':
      case 'TemplateLiteral':
      case 'BinaryExpression':
      case 'UnaryExpression':
      case 'UpdateExpression':
        return other('it is a plain value');
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
      case 'ClassExpression':
        return other('it is a function or class');
      default:
        return unknown(`a ${inner.type} cannot be followed`);
    }
  }

  binding(analysis: FileAnalysis, binding: Binding, depth = 0): Classification {
    const cached = this.#bindings.get(binding);
    if (cached) return cached;
    // A value that flows back into itself (recursion) adds nothing new.
    if (this.#busy.has(binding)) {
      this.#cycles++;
      return empty();
    }
    const cyclesBefore = this.#cycles;
    this.#busy.add(binding);
    let result: Classification;
    try {
      result = this.#binding(analysis, binding, depth);
    } finally {
      this.#busy.delete(binding);
    }
    // An answer that met a binding still open may miss that one's part: keep only complete ones.
    if (this.#cycles === cyclesBefore || this.#busy.size === 0) this.#bindings.set(binding, result);
    if (this.#busy.size === 0) this.#cycles = 0;
    return result;
  }

  #binding(analysis: FileAnalysis, binding: Binding, depth: number): Classification {
    const annotation = binding.id.typeAnnotation ?? declaredType(analysis, binding);
    const typed = classifyType(this.project, analysis, annotation);
    const flows = this.#flows(analysis, binding, depth);
    // A type of the project's that a Context does not fit settles what the value is, unless a
    // Context is passed to it all the same (`ctx as unknown as Versioned`).
    if (typed?.kind === 'other') return flows.roots.length > 0 ? join(other(typed.why), flows) : other(typed.why);
    if (typed?.kind === 'context') return { ...flows, typed: true };
    return flows;
  }

  #flows(analysis: FileAnalysis, binding: Binding, depth: number): Classification {
    switch (binding.kind) {
      case 'param':
        return this.#parameter(analysis, binding, depth);
      case 'import': {
        const symbol = bindingSymbol(this.project, analysis, binding);
        if (symbol.kind === 'local') return this.binding(symbol.analysis, symbol.binding, depth + 1);
        if (symbol.kind === 'node') return this.expression(symbol.analysis, symbol.node, depth + 1);
        if (symbol.kind === 'unknown') return unknown(symbol.why);
        return other(`${binding.name} is imported from a package`);
      }
      case 'function':
      case 'class':
      case 'enum':
      case 'namespace':
        return other(`${binding.name} is a ${binding.kind}`);
      case 'catch':
        return unknown(`${binding.name} is a caught error`);
      default: {
        const symbol = bindingSymbol(this.project, analysis, binding);
        if (symbol.kind !== 'local') return symbol.kind === 'unknown' ? unknown(symbol.why) : other(`${binding.name} is imported from a package`);
        let result = empty();
        const declarator = binding.owner;
        if (declarator.type !== 'VariableDeclarator') return unknown(`${binding.name} cannot be followed`);
        if (declarator.id !== binding.id) return unknown(`${binding.name} is destructured from another value`);
        const holder = analysis.scopes.parentOf(analysis.scopes.parentOf(declarator) ?? declarator);
        if (holder?.type === 'ForOfStatement' || holder?.type === 'ForInStatement') return unknown(`${binding.name} is a loop variable`);
        if (declarator.init) result = join(result, this.expression(analysis, declarator.init, depth + 1));
        for (const write of binding.writes) {
          const assignment = analysis.scopes.parentOf(write);
          if (assignment?.type === 'AssignmentExpression' && assignment.left === write && assignment.operator === '=') result = join(result, this.expression(analysis, assignment.right, depth + 1));
          else result = join(result, unknown(`${binding.name} is reassigned`));
        }
        if (!declarator.init && binding.writes.length === 0) result = join(result, other('undefined'));
        return result;
      }
    }
  }

  #parameter(analysis: FileAnalysis, binding: Binding, depth: number): Classification {
    const fn = binding.owner as t.Function;
    const index = fn.params.findIndex((p) => p === binding.id || (p.type === 'AssignmentPattern' && p.left === binding.id) || (p.type === 'TSParameterProperty' && (p.parameter === binding.id || (p.parameter.type === 'AssignmentPattern' && p.parameter.left === binding.id))));
    if (index < 0) return unknown(`${binding.name} is destructured from a parameter`);
    return this.parameter(analysis, fn, index, depth, binding);
  }

  /** What parameter `index` of `fn` holds: what its callers pass; a task body's first parameter is a task context. */
  parameter(analysis: FileAnalysis, fn: t.Function, index: number, depth = 0, binding?: Binding): Classification {
    if (analysis.scopes.usesArguments.has(fn)) return unknown(`${nameOf(fn)} reads arguments`);
    const taskRoot = (): Classification =>
      binding ? { roots: [{ kind: 'task', analysis, fn, binding }], others: [], unknowns: [], typed: false } : { ...empty(), typed: true };
    if (index === 0 && isTaskFnTyped(this.project, analysis, fn)) return taskRoot();
    const callers = callersOf(this.project, analysis, fn);
    let result = empty();
    for (const site of callers.sites) {
      if (site.taskBody) {
        result = join(result, index === 0 ? taskRoot() : other('the task run information'));
        continue;
      }
      const arg = site.args[index];
      if (arg === undefined) result = join(result, site.argsUnknown ? unknown(`the arguments cannot be matched`) : other('undefined'));
      else result = join(result, this.expression(site.analysis, arg, depth + 1));
    }
    const name = nameOf(fn, analysis);
    if (callers.incomplete) result = join(result, unknown(`${name} may be called from code that cannot be followed (${callers.incomplete})`));
    else if (callers.sites.length === 0) result = join(result, unknown(`no call of ${name} was found in the project`));
    return result;
  }

  #this(analysis: FileAnalysis, node: t.ThisExpression): Classification {
    const cls = enclosingClass(analysis, node);
    if (cls === undefined) return unknown('this outside a class method');
    return extendsContext(this.project, analysis, cls) ? unknown('this is an instance of a class that extends Context') : other(`this is an instance of your class ${cls.id?.name ?? ''}`.trim());
  }

  #constructed(analysis: FileAnalysis, node: t.NewExpression): Classification {
    const symbol = expressionSymbol(this.project, analysis, node.callee as t.Node);
    if (symbol?.kind === 'cloacina') return symbol.name === 'Context' || symbol.name === 'LegacyContext' ? made(analysis, node) : other(`it is a new ${symbol.name}`);
    if (symbol?.kind === 'package') return other(`it is made by ${symbol.specifier}`);
    if (symbol?.kind === 'local') {
      const cls = functionOfBinding(symbol.binding);
      if (cls && (cls.type === 'ClassDeclaration' || cls.type === 'ClassExpression')) {
        if (!extendsContext(this.project, symbol.analysis, cls)) return other(`it is an instance of your class ${symbol.binding.name}`);
        // Its constructor or members may set a loader, remove keys or replace a method.
        if (!addsNothingToContext(this.project, symbol.analysis, cls)) return unknown(`it is an instance of your class ${symbol.binding.name}, which extends Context with a constructor or members of its own`);
        return made(analysis, node);
      }
    }
    if (symbol === undefined && unwrap(node.callee as t.Node).type === 'ClassExpression') return other('it is an instance of a class expression');
    return unknown(`new ${calleeText(node.callee as t.Node)} cannot be followed`);
  }

  #called(analysis: FileAnalysis, call: t.CallExpression | t.OptionalCallExpression, depth: number): Classification {
    const callee = unwrap(call.callee as t.Node);
    if (isMember(callee)) {
      const method = staticName(callee);
      const objectSymbol = expressionSymbol(this.project, analysis, callee.object);
      if (method === 'fromJSON' && objectSymbol?.kind === 'cloacina' && (objectSymbol.name === 'Context' || objectSymbol.name === 'LegacyContext')) return made(analysis, call);
      if (method === 'clone') {
        const object = this.expression(analysis, callee.object, depth + 1);
        const verdict = verdictOf(object);
        if (verdict === 'context') return made(analysis, call);
        if (verdict === 'other') return other('a clone of something that is not a Context');
      }
    }
    const data = jsonData(analysis, call);
    if (data) return data;
    const symbol = expressionSymbol(this.project, analysis, callee);
    if (symbol?.kind === 'package' && this.#givenContext(analysis, call.arguments, depth)) {
      // identity(ctx), tap(ctx, fn), Object-like helpers: a package function may return what it is given.
      return unknown(`it is returned by ${symbol.specifier}, which is given a value that may be a Context`);
    }
    if (symbol?.kind === 'cloacina' || symbol?.kind === 'package') return other(`it is returned by ${symbol.kind === 'cloacina' ? `cloacina's ${symbol.name}` : symbol.specifier}`);
    const fn = symbol?.kind === 'local' ? functionOfBinding(symbol.binding) : isFunction(callee) ? (callee as t.Function) : undefined;
    if (fn && isFunction(fn) && !(fn as t.Function).generator) {
      const owner = symbol?.kind === 'local' ? symbol.analysis : analysis;
      let result = empty();
      let any = false;
      for (const value of returnedValues(fn as t.Function)) {
        any = true;
        result = join(result, this.expression(owner, value, depth + 1));
      }
      return any ? result : other('the function returns nothing');
    }
    return unknown(`the value returned cannot be followed`);
  }

  /** Whether an argument list may hand over a Context (a spread of anything but a literal array may). */
  #givenContext(analysis: FileAnalysis, args: ReadonlyArray<t.Node>, depth: number): boolean {
    return args.some((arg) => {
      if (arg.type === 'SpreadElement') {
        const spread = unwrap(arg.argument);
        if (spread.type !== 'ArrayExpression') return true;
        return this.#givenContext(analysis, spread.elements.filter((e): e is NonNullable<typeof e> => e !== null), depth);
      }
      return verdictOf(this.expression(analysis, arg, depth + 1)) !== 'other';
    });
  }

  #member(analysis: FileAnalysis, member: t.MemberExpression | t.OptionalMemberExpression, depth: number): Classification {
    const object = unwrap(member.object);
    const name = staticName(member);
    if (object.type === 'ThisExpression' && name !== undefined) {
      const cls = enclosingClass(analysis, member);
      if (cls) return this.#field(analysis, cls, name, depth);
    }
    if (isGlobal(analysis, object, 'process') && name === 'env') return other('process.env holds strings');
    const symbol = expressionSymbol(this.project, analysis, member);
    if (symbol?.kind === 'local') return this.binding(symbol.analysis, symbol.binding, depth + 1);
    if (symbol?.kind === 'node') return this.expression(symbol.analysis, symbol.node, depth + 1);
    if (symbol?.kind === 'cloacina' || symbol?.kind === 'package') return other(`it is ${symbol.kind === 'cloacina' ? `cloacina's ${symbol.name}` : `from ${symbol.specifier}`}`);
    return unknown(`the property ${name ?? '(computed)'} cannot be followed`);
  }

  /** A class field: its declared type, its constructor parameter, or every value assigned to it. */
  #field(analysis: FileAnalysis, cls: t.Class, name: string, depth: number): Classification {
    let result = empty();
    let typed = false;
    for (const member of cls.body.body) {
      if ((member.type === 'ClassProperty' || member.type === 'ClassAccessorProperty') && !member.computed && member.key.type === 'Identifier' && member.key.name === name && !member.static) {
        const type = classifyType(this.project, analysis, member.typeAnnotation);
        if (type?.kind === 'other') return other(type.why);
        if (type?.kind === 'context') typed = true;
        if (member.value) result = join(result, this.expression(analysis, member.value, depth + 1));
      }
    }
    const ctor = constructorOf(cls);
    for (const param of ctor?.params ?? []) {
      if (param.type === 'TSParameterProperty') {
        const id = param.parameter.type === 'Identifier' ? param.parameter : param.parameter.type === 'AssignmentPattern' && param.parameter.left.type === 'Identifier' ? param.parameter.left : undefined;
        if (id?.name === name) {
          const binding = analysis.scopes.bindingOf(id);
          if (binding) result = join(result, this.binding(analysis, binding, depth + 1));
        }
      }
    }
    // `this.name = value` anywhere in the class.
    for (const assigned of fieldAssignments(analysis, cls, name)) result = join(result, this.expression(analysis, assigned, depth + 1));
    if (typed) return { ...result, typed: true };
    if (result.roots.length === 0 && result.others.length === 0 && result.unknowns.length === 0) return unknown(`this.${name} is never assigned in the class`);
    return result;
  }
}

function made(analysis: FileAnalysis, node: t.Node): Classification {
  return { roots: [{ kind: 'made', analysis, node }], others: [], unknowns: [], typed: false };
}

function calleeText(node: t.Node): string {
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'MemberExpression' && node.property.type === 'Identifier') return `${calleeText(node.object)}.${node.property.name}`;
  return '(expression)';
}

export function nameOf(fn: t.Node, analysis?: FileAnalysis): string {
  const id = (fn as { id?: t.Identifier | null }).id;
  if (id) return `${id.name}()`;
  const key = (fn as { key?: t.Node }).key;
  if (key?.type === 'Identifier') return `${key.name}()`;
  // `const read = (ctx) => ...`
  const holder = analysis && aliasBinding(analysis, valuePosition(analysis, fn));
  return holder ? `${holder.name}()` : 'the function';
}

/** `const x: T = ...` — the declarator's annotation. */
function declaredType(analysis: FileAnalysis, binding: Binding): t.Node | undefined {
  void analysis;
  if (binding.owner.type === 'VariableDeclarator' && binding.owner.id === binding.id) return (binding.id.typeAnnotation as t.Node | undefined) ?? undefined;
  return undefined;
}

/** A function typed as cloacina's TaskFn/LegacyTaskFn (`const body: TaskFn = (ctx) => ...`, `satisfies TaskFn`). */
function isTaskFnTyped(project: ProjectIndex, analysis: FileAnalysis, fn: t.Function): boolean {
  let position: t.Node = fn;
  for (let parent = analysis.scopes.parentOf(position); parent; parent = analysis.scopes.parentOf(position)) {
    if (parent.type === 'TSAsExpression' || parent.type === 'TSSatisfiesExpression') {
      if (namesTaskFn(project, analysis, parent.typeAnnotation)) return true;
      position = parent;
      continue;
    }
    if (parent.type === 'ParenthesizedExpression') {
      position = parent;
      continue;
    }
    if (parent.type === 'VariableDeclarator' && parent.init === position && parent.id.type === 'Identifier') return namesTaskFn(project, analysis, parent.id.typeAnnotation);
    return false;
  }
  return false;
}

function namesTaskFn(project: ProjectIndex, analysis: FileAnalysis, annotation: t.Node | null | undefined): boolean {
  const type = annotation?.type === 'TSTypeAnnotation' ? annotation.typeAnnotation : annotation;
  if (type?.type !== 'TSTypeReference') return false;
  const name = type.typeName;
  const symbolName = name.type === 'Identifier' ? name.name : name.type === 'TSQualifiedName' ? name.right.name : undefined;
  if (symbolName !== 'TaskFn' && symbolName !== 'LegacyTaskFn') return false;
  const head = name.type === 'Identifier' ? name.name : name.type === 'TSQualifiedName' && name.left.type === 'Identifier' ? name.left.name : undefined;
  const origin = head ? analysis.module.imports.get(head) : undefined;
  void project;
  return origin !== undefined && (origin.source === 'cloacina' || origin.source.startsWith('cloacina/') || origin.source.startsWith('cloacina-workflow'));
}

/** The values a function returns (an arrow's expression body, or its return statements). */
export function returnedValues(fn: t.Function): t.Node[] {
  if (fn.body.type !== 'BlockStatement') return [fn.body];
  const values: t.Node[] = [];
  const stack: t.Node[] = [fn.body];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (isFunction(node) || node.type === 'ClassDeclaration' || node.type === 'ClassExpression') continue;
    if (node.type === 'ReturnStatement') {
      if (node.argument) values.push(node.argument);
      continue;
    }
    stack.push(...childrenOf(node));
  }
  return values;
}

/** Right-hand sides of `this.name = value` in the class's own methods. */
function fieldAssignments(analysis: FileAnalysis, cls: t.Class, name: string): t.Node[] {
  const found: t.Node[] = [];
  const stack: t.Node[] = [cls.body];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'ClassDeclaration' || node.type === 'ClassExpression') continue;
    if (node.type === 'AssignmentExpression' && isMember(node.left) && node.left.object.type === 'ThisExpression' && staticName(node.left) === name && enclosingClass(analysis, node.left) === cls) {
      found.push(node.operator === '=' ? node.right : node);
    }
    stack.push(...childrenOf(node));
  }
  return found;
}

export type { Place };
export { isCall, ownerFunction };
