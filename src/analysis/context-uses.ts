// Every use of one Context object, from where it is made (a task body's parameter, `new
// Context()`) through aliases, helpers it is passed to (same file or imported), methods,
// closures and callbacks; each use with the paths by which control reaches it. A path is a
// list of frames: the function that runs, and the point in it (a call of a helper, a
// closure's call or hand-over, the use itself) at which control is. The loader proof compares
// paths to tell whether a removal can run before a loader call.
import type * as t from '@babel/types';
import { callTarget, isCall, isMember, isReflectApply, ownerFunction, valuePosition, aliasBinding, type Place } from './functions.js';
import { possibleStrings } from './computed-names.js';
import { CONTEXT_MEMBERS, LOADERS, NON_REMOVING } from './names.js';
import type { FileAnalysis, ProjectIndex } from './project.js';
import type { Receivers, Root } from './receivers.js';
import { verdictOf } from './receivers.js';
import { isFunction, type Binding } from './scope.js';
import { expressionSymbol, literalString, staticName, unwrap } from './symbols.js';

/** How often, and when, control passes a frame's point. */
export type Mode =
  /** Once, when the point is reached. */
  | 'once'
  /** Once per element, during the call at the point (a synchronous array callback). */
  | 'repeats'
  /** At any time after the point, any number of times (a callback handed to other code, a generator). */
  | 'anytime';

export interface Frame {
  analysis: FileAnalysis;
  /** The function running (the program for module-level code). */
  fn: t.Node;
  /** Where control is in `fn`: a call into the next frame, a closure's run point, or the use. */
  at: t.Node;
  mode: Mode;
}

export type Path = readonly Frame[];

export type UseKind =
  /** `remove(key)`; key null when it cannot be read. */
  | 'remove'
  /** `setDependencyLoader(...)`: the loader calls read from what was set. */
  | 'loader-set'
  /** Handed to code that is not followed: anything may happen to it from there on. */
  | 'escape'
  /** Anything else (a read, a write, a loader call). */
  | 'read';

export interface ContextUse {
  kind: UseKind;
  key?: string | null;
  /** The expression holding the context at the use (an identifier, or the made expression). */
  read: t.Node;
  analysis: FileAnalysis;
  /** Where the use takes effect: the call, or the place it is handed over. */
  effect: t.Node;
  paths: Path[];
  /** What happens, for messages. */
  what: string;
  /** The use may call a loader (by name, by a computed name, or takes one as a value): it reads a loader set by hand. */
  loads?: boolean;
}

export interface ContextUses {
  uses: ContextUse[];
  /** Why some uses cannot be known, if so. */
  incomplete?: string;
}

const LOOPS = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);
const SYNC_ITERATION = new Set(['map', 'forEach', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex', 'flatMap', 'sort', 'toSorted']);
const ARRAY_RESULTS = new Set(['map', 'filter', 'slice', 'concat', 'flat', 'flatMap', 'sort', 'reverse', 'toSorted', 'toReversed', 'toSpliced', 'with', 'fill']);
/** Context methods (Object's) that return the context they are called on. */
const RETURNS_ITSELF = new Set(['valueOf']);
const CONTEXT_READS = new Set(['get', 'getRequired', 'loadFromDependenciesAndCache', 'getWithDependencies', 'keys']);
/**
 * Calls of globals that only read what they are given (when the name is the global: not
 * declared in the file), and of node's assert (when imported or required from it).
 */
const HARMLESS_CALLS = new Set([
  'console.log', 'console.info', 'console.warn', 'console.error', 'console.debug', 'console.trace', 'console.dir', 'console.table',
  'JSON.stringify', 'String', 'Boolean', 'Number', 'Array.isArray', 'Object.keys', 'Object.values', 'Object.entries',
  'assert', 'assert.ok', 'assert.equal', 'assert.deepEqual', 'assert.strictEqual', 'assert.deepStrictEqual',
]);
const ASSERT_MODULES = new Set(['assert', 'node:assert', 'assert/strict', 'node:assert/strict']);
const MAX_PATHS = 64;
const MAX_USES = 4000;
const MAX_DEPTH = 12;

export function isLoop(node: t.Node): boolean {
  return LOOPS.has(node.type);
}

/** Collects the uses of one root's Context. */
export function contextUses(project: ProjectIndex, receivers: Receivers, root: Root): ContextUses {
  return new Explorer(project, receivers).run(root);
}

class Explorer {
  readonly uses: ContextUse[] = [];
  incomplete: string | undefined;
  readonly #explored = new Map<Binding, number>();
  /** Closures found to run themselves while their run points were being followed. */
  readonly #recursive = new Set<t.Node>();

  constructor(
    private readonly project: ProjectIndex,
    private readonly receivers: Receivers,
  ) {}

  run(root: Root): ContextUses {
    if (root.kind === 'task') {
      this.#binding(root.analysis, root.binding, root.fn, [[]], 0);
    } else {
      const position = valuePosition(root.analysis, root.node);
      const alias = aliasBinding(root.analysis, position);
      const home = ownerFunction(root.analysis, root.node);
      if (alias) this.#binding(root.analysis, alias, home, [[]], 0);
      else this.#use(root.analysis, root.node, home, [[]], 0);
    }
    return this.incomplete ? { uses: this.uses, incomplete: this.incomplete } : { uses: this.uses };
  }

  #fail(why: string): void {
    this.incomplete ??= why;
  }

  /** Every read of a binding holding the context; `home` is the function the binding lives in. */
  #binding(analysis: FileAnalysis, binding: Binding, home: t.Node, prefixes: Path[], depth: number): void {
    // The same binding reached again through another path adds its paths.
    const times = this.#explored.get(binding) ?? 0;
    if (times > 8) return this.#fail('the context passes through the same function along too many paths');
    this.#explored.set(binding, times + 1);
    if (binding.writes.length > 0) {
      const write = binding.writes[0]!;
      this.#record(analysis, write, write, home, prefixes, 'escape', undefined, `${binding.name} is reassigned`);
    }
    for (const read of binding.reads) this.#use(analysis, read, home, prefixes, depth);
  }

  /** Classifies one occurrence of the context. */
  #use(analysis: FileAnalysis, read: t.Node, home: t.Node, prefixes: Path[], depth: number): void {
    if (this.uses.length > MAX_USES) return this.#fail('the context has too many uses to follow');
    const scopes = analysis.scopes;
    const position = valuePosition(analysis, read);
    const parent = scopes.parentOf(position);
    const record = (kind: UseKind, effect: t.Node, what: string, key?: string | null) => this.#record(analysis, read, effect, home, prefixes, kind, key, what);
    if (parent === undefined) return record('escape', position, `it is used in a way that cannot be followed`);

    // ctx.m(...), ctx?.m(...), ctx.m?.(...), ctx['m'](...), ctx.m.call(...), Reflect.apply(ctx.m, ...)
    if (isMember(parent) && parent.object === position) {
      let name = staticName(parent);
      const memberPosition = valuePosition(analysis, parent);
      const holder = scopes.parentOf(memberPosition);
      const called = isCall(holder) && holder.callee === memberPosition;
      if (name === undefined) {
        if (parent.property.type === 'PrivateName') return record('read', parent, 'a private field');
        // A name every value of which is known: one is that method; several that never remove are a read.
        const names = possibleStrings(analysis, parent.property);
        if (names?.size === 1) name = [...names][0]!;
        else if (names !== undefined && [...names].every((n) => NON_REMOVING.has(n))) {
          record('read', called ? holder : parent, 'a method chosen among readers is called');
          if ([...names].some((n) => LOADERS.has(n))) this.#markLoads();
          if (called && [...names].some((n) => RETURNS_ITSELF.has(n))) this.#use(analysis, holder, home, prefixes, depth);
          return;
        } else {
          record('remove', called ? holder : parent, `a method chosen at run time is called`, null);
          return this.#markLoads();
        }
      }
      if (called) {
        // A method Context does not have was put there by the project (on the prototype, on
        // the object): it may do anything with the context.
        if (!CONTEXT_MEMBERS.has(name)) return record('escape', holder, `${name}(), which a Context does not have, is called on it`);
        this.#method(analysis, read, home, prefixes, name, holder, (holder.arguments as t.Node[])[0]);
        // `ctx.valueOf()` is the context itself: what is done with it is done to the context.
        if (RETURNS_ITSELF.has(name)) this.#use(analysis, holder, home, prefixes, depth);
        return;
      }
      // The method taken as a value: `ctx.remove.call(ctx, k)`, `Reflect.apply(ctx.remove, ctx, [k])`, `ctx.remove.bind(ctx)`.
      if (name === 'remove' || name === 'setDependencyLoader') {
        const via = viaCallOrApply(analysis, memberPosition);
        if (via) return this.#method(analysis, read, home, prefixes, name, via.call, via.key);
        return record(name === 'remove' ? 'remove' : 'loader-set', parent, `${name} is taken off the context`, null);
      }
      record('read', parent, `${name} is read`);
      if (LOADERS.has(name)) this.#markLoads();
      return;
    }
    // X.remove.call(ctx, k) / X.remove.apply(ctx, [k]) / Reflect.apply(X.remove, ctx, [k]): a removal on this context.
    if (isCall(parent) && parent.arguments[0] === position && isMember(unwrap(parent.callee as t.Node))) {
      const callee = unwrap(parent.callee as t.Node) as t.MemberExpression;
      const method = staticName(callee);
      const inner = unwrap(callee.object);
      if ((method === 'call' || method === 'apply') && isMember(inner)) {
        const name = staticName(inner);
        if (!this.#holdsContextMethods(analysis, inner.object) || (name !== undefined && !CONTEXT_MEMBERS.has(name))) {
          return record('escape', parent, `it is passed as this to ${calleeText(parent) ?? 'a method'}, which cannot be followed`);
        }
        if (name !== undefined && NON_REMOVING.has(name)) {
          record('read', parent, `${name} is called`);
          if (LOADERS.has(name)) this.#markLoads();
          if (RETURNS_ITSELF.has(name)) this.#use(analysis, parent, home, prefixes, depth);
          return;
        }
        const key = method === 'call' ? (parent.arguments[1] as t.Node | undefined) : firstOfArray(parent.arguments[1] as t.Node | undefined);
        return this.#method(analysis, read, home, prefixes, name ?? '(computed)', parent, key);
      }
    }
    if (isCall(parent) && parent.arguments[1] === position && isReflectApply(analysis, unwrap(parent.callee as t.Node))) {
      const fn = parent.arguments[0] && unwrap(parent.arguments[0] as t.Node);
      const name = fn && isMember(fn) ? staticName(fn) : undefined;
      if (!fn || !isMember(fn) || !this.#holdsContextMethods(analysis, fn.object) || (name !== undefined && !CONTEXT_MEMBERS.has(name))) {
        return record('escape', parent, 'it is passed as this to a function that cannot be followed');
      }
      if (name !== undefined && NON_REMOVING.has(name)) {
        record('read', parent, `${name} is called`);
        if (LOADERS.has(name)) this.#markLoads();
        if (RETURNS_ITSELF.has(name)) this.#use(analysis, parent, home, prefixes, depth);
        return;
      }
      return this.#method(analysis, read, home, prefixes, name ?? '(computed)', parent, firstOfArray(parent.arguments[2] as t.Node | undefined));
    }

    // Passed to a function.
    if ((isCall(parent) || parent.type === 'NewExpression') && (parent.arguments as t.Node[]).includes(position)) {
      return this.#argument(analysis, read, home, prefixes, depth, parent, (parent.arguments as t.Node[]).indexOf(position));
    }
    // In the argument list of fn.apply(thisArg, [ctx]) or Reflect.apply(fn, thisArg, [ctx]):
    // passed to fn, as with fn.call (the call's target matches the list to the parameters).
    if (parent.type === 'ArrayExpression') {
      const call = scopes.parentOf(parent);
      if (call !== undefined && isCall(call) && applyList(analysis, call) === parent) {
        return this.#argument(analysis, read, home, prefixes, depth, call, parent.elements.indexOf(position as t.Expression));
      }
    }

    // `await ctx` is the context itself.
    if (parent.type === 'AwaitExpression') {
      record('read', parent, 'it is awaited');
      return this.#use(analysis, parent, home, prefixes, depth);
    }

    // const alias = ctx
    const alias = aliasBinding(analysis, position);
    if (alias) return this.#binding(analysis, alias, home, prefixes, depth);

    // const { get, set } = ctx: harmless unless a removing method (or everything) is taken.
    if (parent.type === 'VariableDeclarator' && parent.init === position && parent.id.type === 'ObjectPattern') {
      return record(takesRemoval(parent.id) ? 'remove' : 'read', parent, `methods are taken off the context`, null);
    }
    if (parent.type === 'AssignmentExpression' && parent.right === position && parent.left.type === 'ObjectPattern') {
      return record(takesRemoval(parent.left) ? 'remove' : 'read', parent, `methods are taken off the context`, null);
    }

    if (isHarmlessPosition(analysis, parent, position, scopes.parentOf(parent))) return record('read', position, 'it is inspected');
    return record('escape', position, `it is ${escapeWhat(parent)}`);
  }

  /** `ctx.name(args)`: a removal, a loader being set, or a read. */
  #method(analysis: FileAnalysis, read: t.Node, home: t.Node, prefixes: Path[], name: string, call: t.Node, key: t.Node | undefined): void {
    const record = (kind: UseKind, what: string, k?: string | null) => this.#record(analysis, read, call, home, prefixes, kind, k, what);
    if (name === 'remove') {
      const known = key ? literalString(key) ?? constantString(analysis, key) : undefined;
      return record('remove', known === undefined ? `a key that cannot be read is removed` : `"${known}" is removed`, known ?? null);
    }
    if (name === 'setDependencyLoader') return record('loader-set', 'setDependencyLoader() is called');
    record(name === '(computed)' ? 'remove' : 'read', name === '(computed)' ? `a method chosen at run time is called` : `${name}() is called`, null);
    if (name === '(computed)' || LOADERS.has(name)) this.#markLoads();
  }

  /** `x` is a Context, cloacina's `Context.prototype` or the global `Object.prototype`: its methods of Context's names are Context's own. */
  #holdsContextMethods(analysis: FileAnalysis, x: t.Node): boolean {
    const inner = unwrap(x);
    if (isMember(inner) && staticName(inner) === 'prototype') {
      const owner = unwrap(inner.object);
      if (owner.type === 'Identifier' && owner.name === 'Object' && analysis.scopes.bindingOf(owner) === undefined) return true;
      const symbol = expressionSymbol(this.project, analysis, inner.object);
      return symbol?.kind === 'cloacina' && (symbol.name === 'Context' || symbol.name === 'LegacyContext');
    }
    return verdictOf(this.receivers.expression(analysis, inner)) === 'context';
  }

  /** The use just recorded may call a loader. */
  #markLoads(): void {
    this.uses[this.uses.length - 1]!.loads = true;
  }

  /** The context passed as argument `index`: followed into the project's functions. */
  #argument(analysis: FileAnalysis, read: t.Node, home: t.Node, prefixes: Path[], depth: number, call: t.Node, index: number): void {
    const record = (kind: UseKind, what: string) => this.#record(analysis, read, call, home, prefixes, kind, undefined, what);
    const target = callTarget(this.project, analysis, call);
    if (target.kind === 'cloacina') return record('read', `it is passed to cloacina's ${target.name}`);
    if (target.kind !== 'function') {
      const text = calleeText(call);
      if (text !== undefined && isHarmlessCall(analysis, call, text)) return record('read', `it is passed to ${text}`);
      return record('escape', `it is passed to ${text ?? 'other code'}(), which cannot be followed${target.kind === 'unknown' ? ` (${target.why})` : ''}`);
    }
    const { invocation } = target;
    if (depth >= MAX_DEPTH) return record('escape', `it is passed through too many functions`);
    if (invocation.argsUnknown) return record('escape', `it is passed with arguments that cannot be matched`);
    const fnAnalysis = invocation.analysis;
    if (fnAnalysis.scopes.usesArguments.has(invocation.fn)) return record('escape', `it is passed to a function that reads arguments`);
    void index;
    const paramIndex = invocation.args.indexOf(valuePosition(analysis, read));
    // `fn.call(ctx, ...)`: the context becomes `this`, which is not followed.
    if (paramIndex < 0) return record('escape', `it is passed as this`);
    const param = invocation.fn.params[paramIndex];
    if (param === undefined) return record('read', 'it is passed where nothing receives it');
    const id = param.type === 'Identifier' ? param : param.type === 'AssignmentPattern' && param.left.type === 'Identifier' ? param.left : param.type === 'TSParameterProperty' ? (param.parameter.type === 'Identifier' ? param.parameter : param.parameter.type === 'AssignmentPattern' && param.parameter.left.type === 'Identifier' ? param.parameter.left : undefined) : undefined;
    if (param.type === 'TSParameterProperty') return record('escape', `it is stored in a field of ${nameOfFn(invocation.fn)}`);
    if (id === undefined) {
      if (param.type === 'ObjectPattern') return record(takesRemoval(param) ? 'remove' : 'read', `methods are taken off it by ${nameOfFn(invocation.fn)}`);
      return record('escape', `it is passed into a rest or pattern parameter`);
    }
    const binding = fnAnalysis.scopes.bindingOf(id);
    if (binding === undefined) return record('escape', `its parameter in ${nameOfFn(invocation.fn)} cannot be resolved`);
    // Control enters the function at the call: paths go through it.
    // A generator's body runs whenever it is iterated, not at the call.
    const entering = this.#framesTo(analysis, call, home, prefixes).map((path) => withLast(path, { mode: invocation.fn.generator ? 'anytime' : 'once' }));
    if (entering.length === 0) return;
    this.#binding(fnAnalysis, binding, invocation.fn, entering, depth + 1);
  }

  #record(analysis: FileAnalysis, read: t.Node, effect: t.Node, home: t.Node, prefixes: Path[], kind: UseKind, key: string | null | undefined, what: string): void {
    const paths = this.#framesTo(analysis, effect, home, prefixes);
    const use: ContextUse = { kind, read, analysis, effect, paths, what };
    if (kind === 'remove') use.key = key ?? null;
    this.uses.push(use);
  }

  /**
   * The paths from `home` (entered along `prefixes`) to `node`: the run points of every
   * closure between them. The last frame of each path is at `node`.
   */
  #framesTo(analysis: FileAnalysis, node: t.Node, home: t.Node, prefixes: Path[]): Path[] {
    const inner = this.#local(analysis, node, home, 0, new Set());
    const out: Path[] = [];
    for (const prefix of prefixes) {
      for (const path of inner) {
        out.push([...prefix, ...path]);
        if (out.length > MAX_PATHS) {
          this.#fail('control reaches the context along too many paths');
          return out;
        }
      }
    }
    return out;
  }

  /** Paths within one file from `home` down to `node`. */
  #local(analysis: FileAnalysis, node: t.Node, home: t.Node, depth: number, busy: Set<t.Node>): Path[] {
    const fn = ownerFunction(analysis, node);
    if (fn === home || node === home) return [[{ analysis, fn: home, at: node, mode: 'once' }]];
    if (fn.type === 'Program' || depth > MAX_DEPTH) {
      this.#fail('a use of the context lies outside the function that holds it');
      return [];
    }
    if (busy.has(fn)) {
      // A closure that runs itself (or through others it runs): its other run points cover
      // where it starts, and each of them may run it again and again.
      this.#recursive.add(fn);
      return [];
    }
    busy.add(fn);
    const out: Path[] = [];
    for (const point of this.#runPoints(analysis, fn as t.Function)) {
      for (const outer of this.#local(analysis, point.at, home, depth + 1, busy)) {
        out.push([...withLast(outer, { mode: point.mode }), { analysis, fn, at: node, mode: 'once' }]);
        if (out.length > MAX_PATHS) break;
      }
    }
    busy.delete(fn);
    if (this.#recursive.delete(fn)) {
      for (const [i, path] of out.entries()) {
        const point = path[path.length - 2]!;
        if (point.mode === 'once') out[i] = [...path.slice(0, -2), { ...point, mode: 'repeats' }, path[path.length - 1]!];
      }
    }
    // No paths: a closure nobody calls never runs, and neither does a use in it.
    return out;
  }

  /** Where a closure runs, in the function around it (or deeper, for closures calling closures). */
  #runPoints(analysis: FileAnalysis, fn: t.Function): Array<{ at: t.Node; mode: Mode }> {
    const scopes = analysis.scopes;
    if (fn.type === 'ClassMethod' || fn.type === 'ClassPrivateMethod' || fn.type === 'ObjectMethod') {
      const holder = scopes.parentOf(fn.type === 'ObjectMethod' ? fn : scopes.parentOf(fn) ?? fn) ?? fn;
      return [{ at: holder, mode: 'anytime' }];
    }
    if (fn.type === 'FunctionDeclaration') return this.#callsOf(analysis, fn.id ? scopes.bindingOf(fn.id) : undefined, fn);
    // `function walk(n) { ... walk(child) }` as an expression: calls by its own name run it too.
    const own = fn.type === 'FunctionExpression' && fn.id ? this.#callsOf(analysis, scopes.bindingOf(fn.id), fn) : [];
    const position = valuePosition(analysis, fn);
    const parent = scopes.parentOf(position);
    if (isCall(parent) && parent.callee === position) return [...own, { at: parent, mode: fn.generator ? 'anytime' : 'once' }];
    const alias = aliasBinding(analysis, position);
    if (alias) return [...own, ...this.#callsOf(analysis, alias, fn)];
    if (isCall(parent) && (parent.arguments as t.Node[]).includes(position) && !fn.generator) {
      const callee = unwrap(parent.callee as t.Node);
      if (isMember(callee) && SYNC_ITERATION.has(staticName(callee) ?? '') && this.#isArray(analysis, callee.object, 0)) return [...own, { at: parent, mode: 'repeats' }];
    }
    return [...own, { at: position, mode: 'anytime' }];
  }

  /** Where a binding holding `fn` runs it: each call of it, or at any time where it is read otherwise. */
  #callsOf(analysis: FileAnalysis, binding: Binding | undefined, fn: t.Function): Array<{ at: t.Node; mode: Mode }> {
    if (!binding || (binding.writes.length > 0 && binding.kind !== 'function')) return [{ at: fn, mode: 'anytime' }];
    return binding.reads.map((read) => {
      const position = valuePosition(analysis, read);
      const parent = analysis.scopes.parentOf(position);
      if (isCall(parent) && parent.callee === position && !fn.generator) return { at: parent as t.Node, mode: 'once' as Mode };
      return { at: read, mode: 'anytime' as Mode };
    });
  }

  /** Whether a value is surely an array (so `.map(cb)` runs cb during the call). */
  #isArray(analysis: FileAnalysis, node: t.Node, depth: number): boolean {
    if (depth > 6) return false;
    const inner = unwrap(node);
    switch (inner.type) {
      case 'ArrayExpression':
        return true;
      case 'LogicalExpression':
        return this.#isArray(analysis, inner.left, depth + 1) && this.#isArray(analysis, inner.right, depth + 1);
      case 'ConditionalExpression':
        return this.#isArray(analysis, inner.consequent, depth + 1) && this.#isArray(analysis, inner.alternate, depth + 1);
      case 'Identifier': {
        const binding = analysis.scopes.bindingOf(inner);
        if (!binding || binding.writes.length > 0 || binding.owner.type !== 'VariableDeclarator') return false;
        const declarator = binding.owner as t.VariableDeclarator;
        return declarator.id === binding.id && declarator.init !== null && declarator.init !== undefined && this.#isArray(analysis, declarator.init, depth + 1);
      }
      case 'CallExpression': {
        const callee = unwrap(inner.callee as t.Node);
        if (!isMember(callee)) return false;
        const name = staticName(callee);
        const object = unwrap(callee.object);
        if (object.type === 'Identifier' && !analysis.scopes.bindingOf(object)) {
          if (object.name === 'Array') return name === 'from' || name === 'of';
          if (object.name === 'Object') return name === 'keys' || name === 'values' || name === 'entries';
        }
        if (name !== undefined && ARRAY_RESULTS.has(name)) return this.#isArray(analysis, callee.object, depth + 1);
        // A value read from a Context is JSON: if it has .map at all, it is an array's.
        if (name !== undefined && CONTEXT_READS.has(name)) return verdictOf(this.receivers.expression(analysis, callee.object)) === 'context';
        return false;
      }
      default:
        return false;
    }
  }
}

function withLast(path: Path, change: Partial<Frame>): Frame[] {
  const copy = [...path];
  copy[copy.length - 1] = { ...copy[copy.length - 1]!, ...change };
  return copy;
}

/** `ctx.remove.call(thisArg, k)` / `.apply(thisArg, [k])` / `Reflect.apply(ctx.remove, thisArg, [k])`: the call and the key. */
function viaCallOrApply(analysis: FileAnalysis, memberPosition: t.Node): { call: t.Node; key: t.Node | undefined } | undefined {
  const parent = analysis.scopes.parentOf(memberPosition);
  if (isMember(parent) && parent.object === memberPosition) {
    const method = staticName(parent);
    const call = analysis.scopes.parentOf(valuePosition(analysis, parent));
    if (isCall(call) && valuePosition(analysis, parent) === call.callee) {
      if (method === 'call') return { call, key: call.arguments[1] as t.Node | undefined };
      if (method === 'apply') return { call, key: firstOfArray(call.arguments[1] as t.Node | undefined) };
    }
    return undefined;
  }
  if (isCall(parent) && parent.arguments[0] === memberPosition && isReflectApply(analysis, unwrap(parent.callee as t.Node))) {
    return { call: parent, key: firstOfArray(parent.arguments[2] as t.Node | undefined) };
  }
  return undefined;
}

/** Statement lists a removed statement can leave without a trace (as removed-methods.ts deletes setters). */
const STATEMENT_LISTS = new Set(['Program', 'BlockStatement', 'TSModuleBlock', 'StaticBlock', 'SwitchCase']);

/** Wrappers that leave a call what it is: parentheses and TypeScript's type-only forms. */
const TYPE_ONLY = new Set(['ParenthesizedExpression', 'TSAsExpression', 'TSSatisfiesExpression', 'TSTypeAssertion', 'TSNonNullExpression']);

/**
 * `ctx.setDependencyLoader(x);` standing as a statement of its own, in a statement list (the
 * migration deletes it): the statement, and the statement after it in the list. A call that
 * is only part of the statement's expression (`a && ctx.setExecutionScope(s)`) is not one.
 */
export function deletedStatementOf(analysis: FileAnalysis, call: t.Node): { statement: t.ExpressionStatement; next: t.Statement | undefined } | undefined {
  if (!isCall(call) || !isMember(unwrap(call.callee as t.Node))) return undefined;
  let node: t.Node = call;
  let statement = analysis.scopes.parentOf(node);
  while (statement !== undefined && TYPE_ONLY.has(statement.type)) statement = analysis.scopes.parentOf((node = statement));
  const list = statement && analysis.scopes.parentOf(statement);
  if (statement?.type !== 'ExpressionStatement' || list === undefined || !STATEMENT_LISTS.has(list.type)) return undefined;
  const body = (list.type === 'SwitchCase' ? list.consequent : (list as { body: t.Statement[] }).body) as t.Statement[];
  return { statement, next: body[body.indexOf(statement) + 1] };
}


function firstOfArray(node: t.Node | undefined): t.Node | undefined {
  const inner = node && unwrap(node);
  return inner?.type === 'ArrayExpression' ? ((inner.elements[0] as t.Node | null) ?? undefined) : undefined;
}

/** A `const` holding a string: `const KEY = 'rows'; ctx.remove(KEY)`. */
export function constantString(analysis: FileAnalysis, node: t.Node): string | undefined {
  const inner = unwrap(node);
  if (inner.type !== 'Identifier') return undefined;
  const binding = analysis.scopes.bindingOf(inner);
  if (!binding || binding.kind !== 'const' || binding.owner.type !== 'VariableDeclarator') return undefined;
  const declarator = binding.owner as t.VariableDeclarator;
  return declarator.id === binding.id ? literalString(declarator.init) : undefined;
}

/** A destructuring that takes `remove`/`setDependencyLoader`, a computed key, or the rest. */
function takesRemoval(pattern: t.ObjectPattern): boolean {
  return pattern.properties.some((p) => {
    if (p.type === 'RestElement' || p.computed) return true;
    const key = p.key.type === 'Identifier' ? p.key.name : p.key.type === 'StringLiteral' ? p.key.value : undefined;
    return key === undefined || key === 'remove' || key === 'setDependencyLoader';
  });
}

function isHarmlessPosition(analysis: FileAnalysis, parent: t.Node, position: t.Node, grandparent: t.Node | undefined): boolean {
  switch (parent.type) {
    // `${ctx}` makes a string; a tag function (tag`${ctx}`) receives the context itself.
    case 'TemplateLiteral':
      return grandparent?.type !== 'TaggedTemplateExpression';
    case 'UnaryExpression':
      return parent.operator !== 'delete';
    // `ctx instanceof X` hands the context to X's Symbol.hasInstance, unless X is a global.
    case 'BinaryExpression':
      return parent.operator !== 'instanceof' || parent.right === position || isBuiltinClass(analysis, parent.right);
    case 'IfStatement':
    case 'WhileStatement':
    case 'DoWhileStatement':
    case 'ConditionalExpression':
      return (parent as { test: t.Node }).test === position;
    case 'ForStatement':
      return parent.test === position;
    case 'ExpressionStatement':
    // Spreading a Context reads its own enumerable properties; it has none to remove.
    case 'SpreadElement':
      return true;
    default:
      return false;
  }
}

/** The array literal a call passes as the argument list of `fn.apply` or `Reflect.apply`. */
function applyList(analysis: FileAnalysis, call: t.CallExpression | t.OptionalCallExpression): t.Node | undefined {
  const callee = unwrap(call.callee as t.Node);
  if (!isMember(callee) || staticName(callee) !== 'apply') return undefined;
  const list = call.arguments[isReflectApply(analysis, callee) ? 2 : 1];
  return list === undefined ? undefined : unwrap(list as t.Node);
}

function escapeWhat(parent: t.Node): string {
  switch (parent.type) {
    case 'ReturnStatement':
    case 'ArrowFunctionExpression':
      return 'returned';
    case 'AssignmentExpression':
      return 'stored in a property';
    case 'ObjectProperty':
    case 'ArrayExpression':
      return 'put into an object';
    case 'JSXExpressionContainer':
      return 'handed to a component';
    case 'ExportSpecifier':
    case 'ExportDefaultDeclaration':
      return 'exported';
    case 'ThrowStatement':
      return 'thrown';
    case 'YieldExpression':
      return 'yielded';
    default:
      return 'handed over';
  }
}

/** A call of a harmless global (see HARMLESS_CALLS) as written, no replacer handed to JSON.stringify. */
function isHarmlessCall(analysis: FileAnalysis, call: t.Node, text: string): boolean {
  const node = call as t.CallExpression;
  if (!HARMLESS_CALLS.has(text) || node.callee.type.startsWith('Optional') || node.type !== 'CallExpression') return false;
  if (text === 'JSON.stringify' && node.arguments.length > 1) return false;
  const root = text.split('.')[0]!;
  const rootId = rootIdentifier(node.callee);
  if (rootId === undefined) return false;
  const binding = analysis.scopes.bindingOf(rootId);
  if (binding === undefined) return root !== 'assert';
  if (root !== 'assert') return false;
  const imported = analysis.module.imports.get(root);
  if (imported !== undefined) return ASSERT_MODULES.has(imported.source);
  // const assert = require('node:assert')
  const owner = binding.owner as t.Node;
  if (owner.type !== 'VariableDeclarator' || (owner as t.VariableDeclarator).id !== binding.id) return false;
  const init = (owner as t.VariableDeclarator).init;
  return init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require' && ASSERT_MODULES.has(literalString(init.arguments[0] as t.Node) ?? '');
}

function rootIdentifier(node: t.Node): t.Identifier | undefined {
  const inner = unwrap(node);
  if (inner.type === 'Identifier') return inner;
  return isMember(inner) ? rootIdentifier(inner.object) : undefined;
}

const BUILTIN_CLASSES = new Set(['Object', 'Array', 'Function', 'Error', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Date', 'RegExp', 'Promise', 'Number', 'String', 'Boolean']);

/** A built-in class by its global name (not declared in the file): its instanceof check only reads. */
function isBuiltinClass(analysis: FileAnalysis, node: t.Node): boolean {
  const inner = unwrap(node);
  return inner.type === 'Identifier' && BUILTIN_CLASSES.has(inner.name) && analysis.scopes.bindingOf(inner) === undefined;
}

function calleeText(call: t.Node): string | undefined {
  const callee = unwrap((call as { callee: t.Node }).callee);
  if (callee.type === 'Identifier') return callee.name;
  if (isMember(callee) && !callee.computed && callee.property.type === 'Identifier') {
    const object = unwrap(callee.object);
    if (object.type === 'Identifier') return `${object.name}.${callee.property.name}`;
    if (isMember(object) && object.object.type === 'Identifier' && object.property.type === 'Identifier') return `${object.object.name}.${object.property.name}.${callee.property.name}`;
  }
  return undefined;
}

function nameOfFn(fn: t.Function): string {
  const id = (fn as { id?: t.Identifier | null }).id;
  if (id) return `${id.name}()`;
  const key = (fn as { key?: t.Node }).key;
  return key?.type === 'Identifier' ? `${key.name}()` : 'a function';
}

/** Whether `node` lies in a loop of `fn` (not crossing into a nested function). */
export function loopAround(analysis: FileAnalysis, fn: t.Node, node: t.Node): t.Node | undefined {
  for (let p = analysis.scopes.parentOf(node); p && p !== fn; p = analysis.scopes.parentOf(p)) {
    if (isFunction(p)) return undefined;
    if (LOOPS.has(p.type)) {
      // A loop's initialiser runs once.
      if (p.type === 'ForStatement' && p.init && contains(p.init, node)) continue;
      if ((p.type === 'ForOfStatement' || p.type === 'ForInStatement') && contains(p.right, node)) continue;
      return p;
    }
  }
  return undefined;
}

/** The loops of `fn` around `node`, innermost first. */
export function loopsAround(analysis: FileAnalysis, fn: t.Node, node: t.Node): t.Node[] {
  const loops: t.Node[] = [];
  for (let at: t.Node | undefined = node; at; ) {
    const loop = loopAround(analysis, fn, at);
    if (!loop) break;
    loops.push(loop);
    at = loop;
  }
  return loops;
}

export function contains(outer: t.Node, inner: t.Node): boolean {
  return outer.start! <= inner.start! && inner.end! <= outer.end!;
}

export type { Place };
export { expressionSymbol };
