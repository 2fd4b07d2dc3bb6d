// Whether a helper can be something else than what its declaration says when it is called:
// a member of the object, class or instance holding it assigned, deleted or patched on the
// prototype (`hooks.before = fn`, `Steps.prototype.run = fn`), in its own file or in any
// file that imports it; the holder handed to code that is not followed (which may do so:
// `Object.assign(hooks, ...)`, `register(hooks)`); or the export itself replaced
// (`ns.tidy = fn`, `require('./t').tidy = fn`, `module.exports.tidy = fn` run later). A call
// of such a helper is not followed into the body it was declared with. Each answer is the
// reason (for the review marker), or undefined when nothing can change it.
import type * as t from '@babel/types';
import { isMember, valuePosition } from './functions.js';
import type { FileAnalysis, ProjectIndex } from './project.js';
import { exportNames, importedReferences, isExportPosition, isModuleExports } from './references.js';
import type { Binding } from './scope.js';
import { staticName } from './symbols.js';
import { walk } from './walk.js';

type Answer = string | undefined;

/** Answers per project (a project's parses are replaced when its files are read again). */
const answers = new WeakMap<ProjectIndex, WeakMap<object, { why: Answer }>>();

function remembered(project: ProjectIndex, key: object, compute: () => Answer): Answer {
  let known = answers.get(project);
  if (known === undefined) answers.set(project, (known = new WeakMap()));
  const found = known.get(key);
  if (found !== undefined) return found.why;
  // A question met again while it is being answered (a cycle through the same files) adds nothing.
  const entry: { why: Answer } = { why: undefined };
  known.set(key, entry);
  entry.why = compute();
  return entry.why;
}

/** Why the members of the object, class or instance `binding` holds may not be the ones it was made with. */
export function membersChanged(project: ProjectIndex, home: FileAnalysis, binding: Binding): Answer {
  return remembered(project, binding, () => {
    const local = changedThrough(home, binding.reads, binding.name);
    if (local !== undefined || binding.scope.node !== home.parsed.program) return local;
    let failed: Answer;
    for (const reference of importedReferences(project, home, binding, undefined, (why) => (failed ??= why))) {
      if (!reference.binding && isAssignedTo(reference.analysis, valuePosition(reference.analysis, reference.node))) return `${binding.name} is replaced in ${base(reference.analysis)}`;
      const why = changedThrough(reference.analysis, reference.binding ? reference.binding.reads : [reference.node], binding.name);
      if (why !== undefined) return why;
    }
    return failed && `${binding.name} is used where it cannot be followed (${failed})`;
  });
}

/** Why the class may have other methods than the ones it declares: decorators, or its members changed. */
export function classChanged(project: ProjectIndex, home: FileAnalysis, cls: t.Class, binding: Binding | undefined): Answer {
  const name = cls.id?.name ?? 'the class';
  if ((cls.decorators?.length ?? 0) > 0 || cls.body.body.some((m) => ((m as { decorators?: unknown[] }).decorators?.length ?? 0) > 0)) return `${name} is decorated`;
  if (binding === undefined) return undefined;
  return membersChanged(project, home, binding);
}

/**
 * Why the export `binding` (or exported `node`) of `home` may be replaced after it is
 * declared: a member of a module object naming it assigned, or `module.exports.name`
 * assigned again. Undefined when it is not exported or nothing replaces it.
 */
export function exportReplaced(project: ProjectIndex, home: FileAnalysis, binding: Binding | undefined, node: t.Node | undefined): Answer {
  const key = binding ?? node;
  if (key === undefined) return undefined;
  return remembered(project, key, () => {
    const names = exportNames(home, binding, node);
    if (names.length === 0) return undefined;
    const again = commonJsWritesAgain(home);
    for (const name of names) if (again.has(name) || again.has('*')) return `module.exports.${name} is assigned again in ${base(home)}`;
    let failed: Answer;
    for (const reference of importedReferences(project, home, binding, node, (why) => (failed ??= why))) {
      if (!reference.binding && isAssignedTo(reference.analysis, valuePosition(reference.analysis, reference.node))) return `${names[0]} is replaced in ${base(reference.analysis)}`;
    }
    return failed && `${names[0]} may be replaced where it cannot be followed (${failed})`;
  });
}

/** What the reads of a holder do to its members: the first change found, or undefined. */
function changedThrough(analysis: FileAnalysis, reads: readonly t.Node[], name: string): Answer {
  const file = base(analysis);
  for (const read of reads) {
    const position = valuePosition(analysis, read);
    const parent = analysis.scopes.parentOf(position);
    if (parent === undefined) return `${name} is used in ${file} in a way that cannot be followed`;
    if (isMember(parent) && parent.object === position) {
      const why = memberChange(analysis, parent, name, file);
      if (why !== undefined) return why;
      continue;
    }
    if (isExportPosition(analysis, read)) continue; // followed through the importers
    if (parent.type === 'NewExpression' && parent.callee === position) continue;
    if ((parent.type === 'ClassDeclaration' || parent.type === 'ClassExpression') && parent.superClass === position) continue;
    if (parent.type === 'BinaryExpression' && parent.operator !== 'in') continue;
    if (parent.type === 'UnaryExpression' && parent.operator !== 'delete') continue;
    if (parent.type === 'ExpressionStatement') continue;
    if ((parent.type === 'IfStatement' || parent.type === 'ConditionalExpression') && parent.test === position) continue;
    return `${name} is handed over in ${file}`;
  }
  return undefined;
}

/** `holder.x = v`, `delete holder.x`, `holder.prototype.x = v`, `holder.prototype` handed over. */
function memberChange(analysis: FileAnalysis, member: t.MemberExpression | t.OptionalMemberExpression, name: string, file: string): Answer {
  const position = valuePosition(analysis, member);
  if (isAssignedTo(analysis, position)) return `a member of ${name} is assigned in ${file}`;
  if (staticName(member) !== 'prototype') return undefined;
  const use = analysis.scopes.parentOf(position);
  if (isMember(use) && use.object === position) {
    return isAssignedTo(analysis, valuePosition(analysis, use)) ? `a method of ${name} is replaced on its prototype in ${file}` : undefined;
  }
  return `the prototype of ${name} is handed over in ${file}`;
}

/** Whether the expression at `position` is written: assigned, updated, deleted, or a destructuring target. */
export function isAssignedTo(analysis: FileAnalysis, position: t.Node): boolean {
  const parent = analysis.scopes.parentOf(position);
  if (parent === undefined) return false;
  switch (parent.type) {
    case 'AssignmentExpression':
      return parent.left === position;
    case 'UpdateExpression':
      return true;
    case 'UnaryExpression':
      return parent.operator === 'delete';
    case 'AssignmentPattern':
      return parent.left === position;
    case 'ArrayPattern':
    case 'RestElement':
      return true;
    case 'ObjectProperty':
      return parent.value === position && analysis.scopes.parentOf(parent)?.type === 'ObjectPattern';
    case 'ForOfStatement':
    case 'ForInStatement':
      return parent.left === position;
    default:
      return false;
  }
}

/**
 * The CommonJS export names a file assigns where module-info.ts does not read them (inside a
 * function, or more than once); '*' when `module.exports`/`exports` is itself handed over or
 * assigned inside a function.
 */
function commonJsWritesAgain(analysis: FileAnalysis): ReadonlySet<string> {
  const names = new Set<string>();
  if (!analysis.parsed.text.includes('exports')) return names;
  const topLevel = new Map<string, number>();
  const program = analysis.parsed.program;
  walk(program, (node) => {
    if (node.type !== 'Identifier' || analysis.scopes.bindingOf(node)) return;
    const isExportsObject = node.name === 'exports' || (node.name === 'module' && isModuleExports(analysis.scopes.parentOf(node)!));
    if (!isExportsObject) return;
    const object = node.name === 'exports' ? node : analysis.scopes.parentOf(node)!;
    const holder = analysis.scopes.parentOf(object);
    if (holder === undefined) return;
    if (isMember(holder) && holder.object === object) {
      // `exports` read as a property name of `module`: not the object itself.
      const statement = analysis.scopes.parentOf(valuePosition(analysis, holder));
      if (!isAssignedTo(analysis, valuePosition(analysis, holder))) return;
      const name = staticName(holder) ?? '*';
      const atTop = statement?.type === 'AssignmentExpression' && analysis.scopes.parentOf(statement)?.type === 'ExpressionStatement' && analysis.scopes.parentOf(analysis.scopes.parentOf(statement)!) === program;
      if (!atTop) names.add(name);
      else topLevel.set(name, (topLevel.get(name) ?? 0) + 1);
      return;
    }
    if (holder.type === 'AssignmentExpression' && holder.left === object) {
      // `module.exports = ...` inside a function replaces every export.
      const atTop = analysis.scopes.parentOf(holder)?.type === 'ExpressionStatement' && analysis.scopes.parentOf(analysis.scopes.parentOf(holder)!) === program;
      if (!atTop) names.add('*');
      else topLevel.set('=', (topLevel.get('=') ?? 0) + 1);
      return;
    }
    if (holder.type === 'MemberExpression' && holder.property === node) return;
    if (holder.type === 'ObjectProperty' && holder.key === node && !holder.computed) return;
    if (holder.type === 'UnaryExpression' && holder.operator === 'typeof') return;
    names.add('*');
  });
  for (const [name, count] of topLevel) if (count > 1) names.add(name === '=' ? '*' : name);
  return names;
}

function base(analysis: FileAnalysis): string {
  return analysis.file.split('/').pop()!;
}
