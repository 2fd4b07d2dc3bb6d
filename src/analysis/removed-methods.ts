// The context methods v2 removed, planned as edits and flags for one file. A removed method
// is touched only where its receiver is a cloacina Context (receivers.ts); a receiver that is
// provably something else (the project's own class, an object literal) is left as it is, and
// one that cannot be told apart is flagged when the file belongs to the cloacina import graph.
// On a Context: `loadFromDependenciesAndCache(k)` / `getWithDependencies(k)` become `get(k)`
// where the loader proof holds (loader-proof.ts), else they are flagged with what could not be
// proven; `setDependencyLoader(...)` / `setExecutionScope(...)` statements are removed and
// flagged; `executionScope()` and a removed method used as a value are flagged.
// This plans; it changes nothing itself. The CLI and the jscodeshift entry points both call it.
import type * as t from '@babel/types';
import type { PlannedFlag } from '../edits/flags.js';
import { removeListedStatement } from '../edits/remove.js';
import type { Splice } from '../edits/splice.js';
import { deletedStatementOf } from './context-uses.js';
import { contextCodeReached, definitionHolder } from './context-doubles.js';
import { possibleStrings } from './computed-names.js';
import { isCall, isMember, valuePosition } from './functions.js';
import { LoaderProof } from './loader-proof.js';
import { LOADERS, mayNameRemovedMethod, mentionsReflectiveRead, mentionsRemovedMethod, REMOVED_METHODS, SCOPE_READ, SETTERS } from './names.js';
import type { ParsedFile } from './parse.js';
import { ProjectIndex, type FileAnalysis } from './project.js';
import { Receivers, reasonOf, verdictOf, type Classification } from './receivers.js';
import { isFunction } from './scope.js';
import { literalString, staticName, unwrap } from './symbols.js';
import { classifyType, declaredMembers } from './types.js';
import { pathTo, walk } from './walk.js';

export { mayNameRemovedMethod, mentionsRemovedMethod, REMOVED_METHODS };

export interface RemovedMethodsPlan {
  edits: Splice[];
  flags: PlannedFlag[];
}

type Member = t.MemberExpression | t.OptionalMemberExpression;


/**
 * The edits and flags for the removed context methods of one file. Without a project the
 * file is analysed on its own (its imports are still followed on disk, its importers are not).
 */
export function planRemovedMethods(file: ParsedFile, project?: ProjectIndex): RemovedMethodsPlan {
  const plan: RemovedMethodsPlan = { edits: [], flags: [] };
  if (!mayNameRemovedMethod(file.text)) return plan;
  const index = project ?? new ProjectIndex({ files: [] });
  // The index may hold this very text parsed already (as another file's helper or caller): its
  // parse is the one whose nodes the analysis knows, so sites are found in it.
  const analysis = index.add(file);
  // What is learnt about values lives as long as this file's plan: the project's parses are
  // cached by the index (a bounded number), not here.
  const receivers = new Receivers(index);
  const proof = new LoaderProof(index, receivers);
  const planner = new Planner(index, analysis, receivers, proof, plan);
  const tests: PresenceTest[] = [];
  const types: TypeSite[] = [];
  const named = mentionsRemovedMethod(file.text) ? sites(analysis.parsed, analysis, tests, types) : [];
  for (const test of tests) planner.presence(test);
  for (const site of types) planner.type(site);
  for (const site of named) {
    if (site.type === 'ObjectPattern') planner.pattern(site);
    else if (isMember(site)) planner.member(site, removedName(analysis, site)!);
    else planner.definition(site);
  }
  for (const { member, names, called } of computedMembers(analysis, new Set(named))) planner.computed(member, names, called);
  // A second walk only where the text has a reflective read.
  if (mentionsReflectiveRead(file.text)) for (const test of computedPresenceTests(analysis)) planner.computedPresence(test);
  return plan;
}

const NAME = new RegExp(`(?<![\\p{ID_Continue}$\\u200c\\u200d])(?:${[...REMOVED_METHODS].join('|')})(?![\\p{ID_Continue}$\\u200c\\u200d])`, 'gu');

/**
 * The member expressions naming a removed method (`a.m`, `a['m']`, ``a[`m`]``, `a?.m`) and the
 * destructuring patterns taking one, in source order. Found from the names' places in the
 * text, each reached by position (a few dozen nodes, not the whole tree); a file with escapes
 * in its text (which could spell a name differently) is walked whole.
 */
function sites(file: ParsedFile, analysis: FileAnalysis, tests: PresenceTest[] = [], types: TypeSite[] = []): Array<Member | t.ObjectPattern | Definition> {
  const found = new Set<Member | t.ObjectPattern | Definition>();
  const consider = (node: t.Node | undefined) => {
    if (node === undefined) return;
    if (isMember(node) && removedName(analysis, node) !== undefined) found.add(node);
    if (node.type === 'ObjectPattern' && node.properties.some((p) => p.type === 'ObjectProperty' && REMOVED_METHODS.has(propertyKey(p) ?? ''))) found.add(node);
    if (isDefinition(node) && definitionHolder(analysis, node) !== undefined) found.add(node);
  };
  if (/\\(?:u|x|[0-7])/.test(file.text)) {
    walk(file.program, (node, ancestors) => {
      consider(node);
      const type = typeSite([...ancestors, node]);
      if (type) types.push(type);
      const parent = analysis.scopes.parentOf(node);
      const test = parent && literalString(node) !== undefined ? presenceTest(parent, node) : undefined;
      if (test) tests.push(test);
    });
  } else {
    for (const match of file.text.matchAll(NAME)) {
      const path = pathTo(file.program, match.index!);
      const name = path[path.length - 1]!;
      const type = typeSite(path);
      if (type) types.push(type);
      // The name itself, or the string/template (a quasi) holding it.
      const at = name.type === 'TemplateElement' ? path[path.length - 2] : name;
      const parent = at && analysis.scopes.parentOf(at);
      consider(parent);
      const test = presenceTest(parent, at);
      if (test) tests.push(test);
      // `{ getWithDependencies: read } = ctx`: key -> property -> pattern.
      if (parent?.type === 'ObjectProperty') consider(analysis.scopes.parentOf(parent));
      // `const m = 'getWithDependencies'; ctx[m](k)`: the members the constant names.
      for (const member of membersNamedBy(analysis, parent)) consider(member);
    }
  }
  return [...found].sort((a, b) => a.start! - b.start!);
}

/**
 * The removed method a member names: written out (`a.m`, `a['m']`), or through a variable
 * whose only possible value is that name (`const m = 'getWithDependencies'; a[m](k)`).
 */
function removedName(analysis: FileAnalysis, member: Member): string | undefined {
  let name = staticName(member);
  if (name === undefined && member.computed) {
    const names = possibleStrings(analysis, member.property);
    if (names?.size === 1) name = [...names][0];
  }
  return name !== undefined && REMOVED_METHODS.has(name) ? name : undefined;
}

/** A type that names a removed method of another type: `T['m']` (`T['get' | 'm']`), `Pick<T, 'm'>`, `typeof x.m`. */
type TypeSite =
  | { kind: 'indexed'; at: number; object: t.Node }
  | { kind: 'query'; at: number; object: t.Identifier; ancestors: readonly t.Node[] };

/** The type site whose name is the last node of `path` (the root first), if any. */
function typeSite(path: readonly t.Node[]): TypeSite | undefined {
  const name = path[path.length - 1];
  const parent = path[path.length - 2];
  if (name?.type === 'StringLiteral' && REMOVED_METHODS.has(name.value) && parent?.type === 'TSLiteralType') {
    let child: t.Node = parent;
    let k = path.length - 3;
    if (path[k]?.type === 'TSUnionType') child = path[k--]!;
    const holder = path[k];
    if (holder?.type === 'TSIndexedAccessType' && holder.indexType === child) return { kind: 'indexed', at: name.start!, object: holder.objectType };
    // `Pick<T, 'm'>`: TypeScript asks that 'm' be a key of T.
    const reference = path[k - 1];
    if (holder?.type === 'TSTypeParameterInstantiation' && holder.params[1] === child && reference?.type === 'TSTypeReference' && reference.typeName.type === 'Identifier' && reference.typeName.name === 'Pick') {
      return { kind: 'indexed', at: name.start!, object: holder.params[0]! };
    }
    return undefined;
  }
  if (name?.type === 'Identifier' && REMOVED_METHODS.has(name.name) && parent?.type === 'TSQualifiedName' && parent.right === name && parent.left.type === 'Identifier') {
    if (path[path.length - 3]?.type !== 'TSTypeQuery') return undefined;
    return { kind: 'query', at: name.start!, object: parent.left, ancestors: path.slice(0, -3) };
  }
  return undefined;
}

/** `'m' in obj`, `Reflect.has(obj, 'm')`, `Reflect.get(obj, 'm')`, `Object.hasOwn(obj, 'm')`: a question about obj's method m. */
interface PresenceTest {
  at: number;
  object: t.Node;
}

const PRESENCE_CALLS = new Set(['Reflect.has', 'Reflect.get', 'Reflect.getOwnPropertyDescriptor', 'Object.hasOwn', 'Object.getOwnPropertyDescriptor']);

/** `Reflect.get(obj, name)` and the like whose name is not a literal but may be a removed method (or cannot be read). */
function computedPresenceTests(analysis: FileAnalysis): PresenceTest[] {
  const found: PresenceTest[] = [];
  walk(analysis.parsed.program, (node) => {
    if (node.type !== 'CallExpression' || node.arguments.length < 2 || node.arguments[0]!.type === 'SpreadElement') return;
    if (!isPresenceCall(node)) return;
    const name = node.arguments[1]!;
    if (literalString(name) !== undefined) return;
    const names = name.type === 'SpreadElement' ? undefined : possibleStrings(analysis, name);
    if (names === undefined || [...names].some((n) => REMOVED_METHODS.has(n))) found.push({ at: name.start!, object: node.arguments[0]! });
  });
  return found;
}

/** The presence test `name` (a string naming a removed method) is the key of, if any. */
function presenceTest(parent: t.Node | undefined, name: t.Node | undefined): PresenceTest | undefined {
  if (parent === undefined || name === undefined || !REMOVED_METHODS.has(literalString(name) ?? '')) return undefined;
  if (parent.type === 'BinaryExpression' && parent.operator === 'in' && parent.left === name) return { at: name.start!, object: parent.right };
  if (parent.type !== 'CallExpression' || parent.arguments[1] !== name || parent.arguments[0]?.type === 'SpreadElement') return undefined;
  return isPresenceCall(parent) ? { at: name.start!, object: parent.arguments[0]! } : undefined;
}

/** `Reflect.has(...)`, `Object.hasOwn(...)` and the others of PRESENCE_CALLS. */
function isPresenceCall(call: t.CallExpression): boolean {
  const callee = call.callee;
  if (callee.type !== 'MemberExpression' || callee.computed || callee.object.type !== 'Identifier' || callee.property.type !== 'Identifier') return false;
  return PRESENCE_CALLS.has(`${callee.object.name}.${callee.property.name}`);
}

/**
 * Members whose name is computed and may be a removed method: every possible value is known
 * and one is removed (`ctx[cond ? 'getWithDependencies' : 'get']`), or the name cannot be read
 * and the member is called (`ctx[name](k)`). Members already planned by name are left out.
 */
function computedMembers(analysis: FileAnalysis, planned: ReadonlySet<t.Node>): Array<{ member: Member; names: Set<string> | undefined; called: boolean }> {
  const found: Array<{ member: Member; names: Set<string> | undefined; called: boolean }> = [];
  walk(analysis.parsed.program, (node) => {
    if (!isMember(node) || !node.computed || planned.has(node) || literalString(node.property) !== undefined) return;
    if (node.property.type === 'NumericLiteral') return;
    const names = possibleStrings(analysis, node.property);
    if (names !== undefined) {
      if ([...names].some((n) => REMOVED_METHODS.has(n))) found.push({ member: node, names, called: true });
      return;
    }
    // Called, or read (`typeof ctx[m]`): a Context keeps its data behind get(), so a member
    // of one read by an unknown name is one of its methods (computed() flags only Contexts).
    if (node.object.type === 'ThisExpression' || node.object.type === 'Super') return;
    const position = valuePosition(analysis, node);
    const parent = analysis.scopes.parentOf(position);
    const written = (parent?.type === 'AssignmentExpression' && parent.left === position) || parent?.type === 'UpdateExpression';
    if (!written) found.push({ member: node, names: undefined, called: isCall(parent) && parent.callee === position });
  });
  return found;
}

/** The computed members whose property reads the `const` this declarator declares. */
function membersNamedBy(analysis: FileAnalysis, declarator: t.Node | undefined): Member[] {
  if (declarator?.type !== 'VariableDeclarator' || declarator.id.type !== 'Identifier') return [];
  const binding = analysis.scopes.bindingOf(declarator.id);
  if (!binding) return [];
  return binding.reads.flatMap((read) => {
    const parent = analysis.scopes.parentOf(read);
    return parent && isMember(parent) && parent.computed && parent.property === read ? [parent] : [];
  });
}

/** A member an object literal or a class defines: a method, or a property holding a function. */
type Definition = t.ObjectProperty | t.ObjectMethod | t.ClassMethod | t.ClassProperty;

/** `{ getWithDependencies: ... }`, `{ getWithDependencies() {} }`, `class { getWithDependencies() {} }`: a removed method defined. */
function isDefinition(node: t.Node): node is Definition {
  if (node.type !== 'ObjectProperty' && node.type !== 'ObjectMethod' && node.type !== 'ClassMethod' && node.type !== 'ClassProperty') return false;
  const key = node.computed ? literalString(node.key) : node.key.type === 'Identifier' ? node.key.name : literalString(node.key);
  return key !== undefined && REMOVED_METHODS.has(key);
}

function propertyKey(p: t.ObjectProperty): string | undefined {
  return p.computed ? literalString(p.key) : p.key.type === 'Identifier' ? p.key.name : literalString(p.key);
}

class Planner {
  #inGraph: boolean | undefined;
  readonly #doubles = new Set<t.Node>();

  constructor(
    private readonly project: ProjectIndex,
    private readonly analysis: FileAnalysis,
    private readonly receivers: Receivers,
    private readonly proof: LoaderProof,
    private readonly plan: RemovedMethodsPlan,
  ) {}

  /** `receiver.name` where name is a removed method. */
  member(member: Member, name: string): void {
    const at = member.property.start!;
    const receiver = this.#classify(member.object);
    if (receiver === undefined) return;
    if (receiver !== 'context') return this.#flag(at, 'receiver-unknown', receiver.detail);
    const scopes = this.analysis.scopes;
    const position = valuePosition(this.analysis, member);
    const call = scopes.parentOf(position);
    const called = isCall(call) && call.callee === position;
    if (!called) return this.#flag(at, name === SCOPE_READ ? 'execution-scope-read' : 'loader-not-called');
    if (name === SCOPE_READ) return this.#flag(at, 'execution-scope-read');
    if (SETTERS.has(name)) return this.#setter(call, name, at, member.object);
    if (!LOADERS.has(name)) return;
    const args = call.arguments;
    if (args.length !== 1 || args[0]!.type === 'SpreadElement') return this.#flag(at, 'loader-context-escapes', 'the call does not pass exactly one key');
    const key = literalString(args[0]) ?? null;
    const result = this.proof.prove(this.analysis, call, member.object, key);
    if (!result.proven) return this.#flag(at, result.reason, result.detail);
    const declared = this.#declaredType(member.object);
    if (declared) return this.#flag(at, 'receiver-type-without-get', `its type is ${declared}`);
    this.plan.edits.push(renameToGet(this.analysis.parsed.text, member));
  }

  /**
   * `Context['executionScope']`, `typeof ctx.getWithDependencies`: a type that names a method
   * v2 removed. Flagged only where the type is cloacina's Context (or the value one): the
   * same name on the project's own types is theirs.
   */
  type(site: TypeSite): void {
    if (site.kind === 'indexed') {
      if (classifyType(this.project, this.analysis, site.object)?.kind === 'context') this.#flag(site.at, 'removed-method-type');
      return;
    }
    // Names in types are not resolved by the scope analysis: look the value up in the scopes around the type.
    for (let k = site.ancestors.length - 1; k >= 0; k--) {
      const binding = this.analysis.scopes.scopeOf(site.ancestors[k]!)?.names.get(site.object.name);
      if (binding === undefined) continue;
      if (this.#contextOnly(binding.id) === 'context') this.#flag(site.at, 'removed-method-type');
      return;
    }
  }

  /** `'getWithDependencies' in ctx` and the like: v1 said yes, v2 says no. Flagged on a Context only. */
  presence(test: PresenceTest): void {
    if (this.#contextOnly(test.object) === 'context') this.#flag(test.at, 'removed-method-tested');
  }

  /** `Reflect.get(ctx, name)` with a name read at run time: flagged on a Context only. */
  computedPresence(test: PresenceTest): void {
    if (this.#contextOnly(test.object) === 'context') this.#flag(test.at, 'method-name-computed', 'a member of it is read by a name that cannot be read from the code');
  }

  /** 'context' when `node` is a cloacina Context; undefined otherwise (unknown receivers are not flagged). */
  #contextOnly(node: t.Node): 'context' | undefined {
    if (this.analysis.scopes.unresolvable) return undefined;
    return verdictOf(this.receivers.expression(this.analysis, node)) === 'context' ? 'context' : undefined;
  }

  /** `ctx[expr]` whose name is computed: it may be a removed method (or cannot be told). */
  computed(member: Member, names: Set<string> | undefined, called: boolean): void {
    const at = member.property.start!;
    const removed = names && [...names].filter((n) => REMOVED_METHODS.has(n));
    if (removed?.length === 1 && names!.size === 1) return this.member(member, removed[0]!);
    // A read by an unknown name is a question only about a Context: nothing is flagged on other receivers.
    const receiver = called || names !== undefined ? this.#classify(member.object) : this.#contextOnly(member.object);
    if (receiver === undefined) return;
    if (!called && names === undefined && receiver === 'context') return this.#flag(at, 'method-name-computed', 'a member of it is read by a name that cannot be read from the code');
    if (receiver === undefined) return;
    if (receiver !== 'context') {
      // A receiver that cannot be classified, with a name that cannot be read: any `x[k](...)`
      // in the cloacina import graph would be flagged; only a name that can be removed is.
      if (removed !== undefined) this.#flag(at, 'receiver-unknown', receiver.detail);
      return;
    }
    this.#flag(at, 'method-name-computed', removed ? `it can be ${removed.join(' or ')}` : 'the name cannot be read from the code');
  }

  /** A removed method defined by an object or class that stands in for a Context (a test double): flagged once per double. */
  definition(site: Definition): void {
    const holder = definitionHolder(this.analysis, site)!;
    if (this.#doubles.has(holder)) return;
    this.#doubles.add(holder);
    if (holder.type !== 'ObjectExpression' && holder.superClass) return; // a subclass (of Context, or of another class) is followed as a receiver
    const reached = contextCodeReached(this.project, this.receivers, this.analysis, holder);
    // At the double itself: its marker goes above the statement that makes it.
    if (reached !== undefined) this.#flag(holder.start!, 'context-double', reached);
  }

  /** `const { getWithDependencies } = ctx`: a removed method taken off a Context. */
  pattern(pattern: t.ObjectPattern): void {
    const taken = pattern.properties.filter((p): p is t.ObjectProperty => p.type === 'ObjectProperty' && REMOVED_METHODS.has(propertyKey(p) ?? ''));
    if (taken.length === 0) return;
    const source = this.#patternSource(pattern);
    const at = taken[0]!.key.start!;
    if (source === undefined) {
      if (this.#graph()) this.#flag(at, 'receiver-unknown', 'the destructured value cannot be followed');
      return;
    }
    const receiver = this.#classify(source.node, source.parameter);
    if (receiver === undefined) return;
    if (receiver !== 'context') return this.#flag(at, 'receiver-unknown', receiver.detail);
    this.#flag(at, 'loader-not-called');
  }

  /** What a destructuring pattern takes apart: a declarator's value, an assignment's, or a parameter. */
  #patternSource(pattern: t.ObjectPattern): { node: t.Node; parameter?: { fn: t.Function; index: number } } | undefined {
    const parent = this.analysis.scopes.parentOf(pattern);
    if (parent?.type === 'VariableDeclarator' && parent.id === pattern) return parent.init ? { node: parent.init } : undefined;
    if (parent?.type === 'AssignmentExpression' && parent.left === pattern) return { node: parent.right };
    const holder = parent?.type === 'AssignmentPattern' && parent.left === pattern ? this.analysis.scopes.parentOf(parent) : parent;
    const param = holder === parent ? pattern : parent!;
    if (holder && isFunction(holder)) {
      const index = (holder as t.Function).params.findIndex((p) => p === param);
      if (index >= 0) return { node: pattern, parameter: { fn: holder as t.Function, index } };
    }
    return undefined;
  }

  /** 'context', undefined (provably not one, or not this migration's business), or why it cannot be told. */
  #classify(receiver: t.Node, parameter?: { fn: t.Function; index: number }): 'context' | { detail: string } | undefined {
    if (this.analysis.scopes.unresolvable) return this.#graph() ? { detail: `names in this file cannot be resolved (${this.analysis.scopes.unresolvable})` } : undefined;
    if (unwrap(receiver).type === 'Super') return this.#graph() ? { detail: 'a method of the base class is called' } : undefined;
    const classification: Classification = parameter
      ? this.receivers.parameter(this.analysis, parameter.fn, parameter.index)
      : this.receivers.expression(this.analysis, receiver);
    const verdict = verdictOf(classification);
    if (verdict === 'context') return 'context';
    if (verdict === 'other') return undefined;
    return this.#graph() ? { detail: reasonOf(classification) } : undefined;
  }

  /** The name of the project's own type the receiver is declared with, when that type has no get() to call. */
  #declaredType(receiver: t.Node): string | undefined {
    const inner = unwrap(receiver);
    const binding = inner.type === 'Identifier' ? this.analysis.scopes.bindingOf(inner) : undefined;
    const annotation = binding?.id.typeAnnotation;
    if (!annotation || annotation.type !== 'TSTypeAnnotation') return undefined;
    const members = declaredMembers(this.project, this.analysis, annotation);
    if (members === undefined || members.has('get')) return undefined;
    const type = annotation.typeAnnotation;
    return type.type === 'TSTypeReference' && type.typeName.type === 'Identifier' ? type.typeName.name : 'an object type';
  }

  #graph(): boolean {
    this.#inGraph ??= this.project.importsCloacina(this.analysis.file) || this.project.inCloacinaGraph(this.analysis.file);
    return this.#inGraph;
  }

  /**
   * A setter that stands as a statement of its own is removed (and flagged); inside an
   * expression it is flagged. A dependency loader that a loader call (or code the context is
   * handed to) may read later stays, flagged: deleting it would change what that call reads.
   */
  #setter(call: t.CallExpression | t.OptionalCallExpression, name: string, at: number, receiver: t.Node): void {
    const reason = name === 'setDependencyLoader' ? 'dependency-loader-removed' : 'execution-scope-set-removed';
    const deleted = deletedStatementOf(this.analysis, call);
    if (deleted === undefined) return this.#flag(at, 'removed-method-in-expression');
    const { statement, next } = deleted;
    const read = name === 'setDependencyLoader' ? this.proof.setterRead(this.analysis, call, receiver) : undefined;
    if (read !== undefined) return this.#flag(statement.start!, 'dependency-loader-read', read);
    this.plan.edits.push(removeListedStatement(this.analysis.parsed.text, statement.start!, statement.end!, next));
    this.#flag(statement.start!, reason);
  }

  #flag(at: number, reason: PlannedFlag['reason'], detail?: string): void {
    this.plan.flags.push(detail === undefined ? { at, reason } : { at, reason, detail });
  }
}

/** `ctx.loader` -> `ctx.get`; `ctx['loader']` and ``ctx[`loader`]`` -> `ctx.get`; `ctx?.['loader']` -> `ctx?.get`. */
function renameToGet(text: string, member: Member): Splice {
  const property = member.property;
  if (!member.computed) return { start: property.start!, end: property.end!, text: 'get' };
  let bracket = property.start! - 1;
  while (bracket > member.object.end! && text[bracket] !== '[') bracket--;
  const optional = text.slice(member.object.end!, bracket).trim() === '?.';
  return { start: bracket, end: member.end!, text: optional ? 'get' : '.get' };
}
