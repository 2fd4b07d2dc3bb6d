// What a name stands for, followed across the project: through imports, local barrels and
// re-exports (`export { task } from 'cloacina'`, `export * from './kit'`), namespace objects
// (`kit.task`, `cl.Context`) and CommonJS requires, down to a cloacina export, another
// package, or a declaration in one of the project's files.
import type * as t from '@babel/types';
import { isCloacinaSpecifier, type FileAnalysis, type ProjectIndex } from './project.js';
import type { Binding } from './scope.js';

export type Symbol =
  /** An export of a cloacina package (`task`, `Context`, `LegacyContext`...). */
  | { kind: 'cloacina'; name: string }
  /** The module object of a cloacina package (`import * as cl from 'cloacina'`). */
  | { kind: 'cloacina-module' }
  /** The module object of a project file (`import * as kit from './kit'`). */
  | { kind: 'module'; file: string }
  /** Something another package provides. */
  | { kind: 'package'; specifier: string }
  /** A declaration in a project file (module level or not). */
  | { kind: 'local'; analysis: FileAnalysis; binding: Binding }
  /** An exported value that is not a plain declaration (`export default () => ...`). */
  | { kind: 'node'; analysis: FileAnalysis; node: t.Node }
  | { kind: 'unknown'; why: string };

const MAX_DEPTH = 16;

/** The legacy surface exports its Context under the v2 name. */
const canonical = (specifier: string, name: string) => (specifier === 'cloacina/legacy' && name === 'Context' ? 'LegacyContext' : name);

/** What the module `specifier` (named from `from`) exports as `name` ('default', '*', or a name). */
export function importedSymbol(project: ProjectIndex, from: string, specifier: string, name: string, depth = 0): Symbol {
  if (isCloacinaSpecifier(specifier)) return name === '*' || name === 'default' ? { kind: 'cloacina-module' } : { kind: 'cloacina', name: canonical(specifier, name) };
  const file = project.resolve(from, specifier);
  if (file === undefined) return specifier.startsWith('.') || specifier.startsWith('/') ? { kind: 'unknown', why: `${specifier} cannot be found` } : { kind: 'package', specifier };
  if (name === '*') return { kind: 'module', file };
  return exportedSymbol(project, file, name, depth + 1);
}

/** What the project file exports as `name`, following re-exports. */
export function exportedSymbol(project: ProjectIndex, file: string, name: string, depth = 0): Symbol {
  if (depth > MAX_DEPTH) return { kind: 'unknown', why: `the re-exports of ${name} go too deep` };
  const analysis = project.analysis(file);
  if (analysis === undefined) return { kind: 'unknown', why: `${file.slice(file.lastIndexOf('/') + 1)} cannot be read or parsed` };
  const target = analysis.module.exports.get(name);
  if (target?.kind === 'reexport') return importedSymbol(project, file, target.source, target.imported, depth + 1);
  if (target?.kind === 'node') return { kind: 'node', analysis, node: target.node };
  if (target?.kind === 'local') return moduleBinding(project, analysis, target.name, depth + 1);
  // The default import of a CommonJS module is its exports object.
  if (name === 'default' && target === undefined && analysis.module.commonJs) return { kind: 'module', file };
  if (name !== 'default') {
    for (const source of analysis.module.starExports) {
      const found = importedSymbol(project, file, source, name, depth + 1);
      if (found.kind !== 'unknown') return found;
    }
  }
  return { kind: 'unknown', why: `${name} is not exported by ${file.slice(file.lastIndexOf('/') + 1)}` };
}

/** A module-level name of a file: an import followed to its origin, or the local declaration. */
function moduleBinding(project: ProjectIndex, analysis: FileAnalysis, name: string, depth: number): Symbol {
  const origin = analysis.module.imports.get(name);
  if (origin !== undefined) return importedSymbol(project, analysis.file, origin.source, origin.imported, depth + 1);
  const binding = analysis.scopes.scopeOf(analysis.parsed.program)?.names.get(name);
  if (binding === undefined) return { kind: 'unknown', why: `${name} is not declared in ${analysis.file.slice(analysis.file.lastIndexOf('/') + 1)}` };
  return { kind: 'local', analysis, binding };
}

/** What a binding stands for: its import's origin, or itself. */
export function bindingSymbol(project: ProjectIndex, analysis: FileAnalysis, binding: Binding): Symbol {
  if (binding.kind === 'import') {
    const origin = analysis.module.imports.get(binding.name);
    if (origin !== undefined) return importedSymbol(project, analysis.file, origin.source, origin.imported);
  }
  // `const { task } = require('cloacina')` is a const binding with an import origin.
  if (binding.kind === 'const' || binding.kind === 'var' || binding.kind === 'let') {
    const origin = binding.scope.node === analysis.parsed.program ? analysis.module.imports.get(binding.name) : undefined;
    if (origin !== undefined && binding.writes.length === 0) return importedSymbol(project, analysis.file, origin.source, origin.imported);
  }
  return { kind: 'local', analysis, binding };
}

/**
 * What an expression names when it is a name or a member of a module object
 * (`task`, `cl.task`, `kit.Context`, `require('cloacina').task`); undefined for anything else.
 */
export function expressionSymbol(project: ProjectIndex, analysis: FileAnalysis, node: t.Node): Symbol | undefined {
  const inner = unwrap(node);
  if (inner.type === 'Identifier') {
    const binding = analysis.scopes.bindingOf(inner);
    if (binding === undefined) return { kind: 'unknown', why: `${inner.name} is not declared in this file` };
    return bindingSymbol(project, analysis, binding);
  }
  if ((inner.type === 'MemberExpression' || inner.type === 'OptionalMemberExpression') && staticName(inner) !== undefined) {
    const object = expressionSymbol(project, analysis, inner.object) ?? requiredModule(project, analysis, inner.object);
    const name = staticName(inner)!;
    if (object?.kind === 'cloacina-module') return { kind: 'cloacina', name };
    if (object?.kind === 'module') return exportedSymbol(project, object.file, name);
    if (object?.kind === 'package') return object;
  }
  return undefined;
}

function requiredModule(project: ProjectIndex, analysis: FileAnalysis, node: t.Node): Symbol | undefined {
  if (node.type !== 'CallExpression' || node.callee.type !== 'Identifier' || node.callee.name !== 'require') return undefined;
  const argument = node.arguments[0];
  if (argument?.type !== 'StringLiteral') return undefined;
  return importedSymbol(project, analysis.file, argument.value, '*');
}

/** Parentheses, TypeScript assertions and non-null marks do not change a value. */
export function unwrap(node: t.Node): t.Node {
  let current = node;
  for (;;) {
    switch (current.type) {
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
      case 'TSTypeAssertion':
      case 'TSNonNullExpression':
      case 'TSInstantiationExpression':
      case 'ParenthesizedExpression':
        current = current.expression;
        break;
      default:
        return current;
    }
  }
}

/** The member's name when it is written out: `a.b`, `a['b']`, ``a[`b`]``, `a?.b`. */
export function staticName(member: t.MemberExpression | t.OptionalMemberExpression): string | undefined {
  const property = member.property;
  if (!member.computed) return property.type === 'Identifier' ? property.name : undefined;
  return literalString(property);
}

/** A string known from the text alone: a literal, or a template without substitutions. */
export function literalString(node: t.Node | null | undefined): string | undefined {
  if (!node) return undefined;
  const inner = unwrap(node);
  if (inner.type === 'StringLiteral') return inner.value;
  if (inner.type === 'TemplateLiteral' && inner.expressions.length === 0) return inner.quasis[0]!.value.cooked ?? undefined;
  return undefined;
}
