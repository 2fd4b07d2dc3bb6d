// What a TypeScript type annotation says about a value: it is a cloacina Context, it cannot
// be one, or it does not tell. `Context`/`LegacyContext` of cloacina (through barrels and
// namespaces) are Contexts. A type that asks for a member no Context has (or a class with
// private members, or a type of another package) cannot hold one. `any`, `unknown`, generic
// parameters, and types whose members a Context also has (an interface with just
// `getWithDependencies`) do not tell: TypeScript types are structural.
import type * as t from '@babel/types';
import { CONTEXT_MEMBERS } from './names.js';
import { isCloacinaSpecifier, type FileAnalysis, type ProjectIndex } from './project.js';

export type TypeVerdict = { kind: 'context' } | { kind: 'other'; why: string } | undefined;

const CONTEXT_TYPES = new Set(['Context', 'LegacyContext']);
const OTHER_KEYWORDS = new Set([
  'TSStringKeyword', 'TSNumberKeyword', 'TSBooleanKeyword', 'TSBigIntKeyword', 'TSSymbolKeyword', 'TSNullKeyword', 'TSUndefinedKeyword',
  'TSNeverKeyword', 'TSVoidKeyword', 'TSArrayType', 'TSTupleType', 'TSFunctionType', 'TSConstructorType', 'TSLiteralType', 'TSTemplateLiteralType',
]);
const NOTHING = new Set(['TSNullKeyword', 'TSUndefinedKeyword', 'TSVoidKeyword']);
/** Global types whose values are never a Context. */
const OTHER_GLOBALS = new Set(['Array', 'ReadonlyArray', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Promise', 'Date', 'RegExp', 'Error', 'Function', 'String', 'Number', 'Boolean']);
const MAX_DEPTH = 12;

type TypeSymbol =
  | { kind: 'cloacina'; name: string }
  | { kind: 'package'; specifier: string }
  | { kind: 'declaration'; analysis: FileAnalysis; node: t.Node }
  | undefined;

export function classifyType(project: ProjectIndex, analysis: FileAnalysis, node: t.Node | null | undefined, depth = 0): TypeVerdict {
  if (!node || depth > MAX_DEPTH) return undefined;
  switch (node.type) {
    case 'TSTypeAnnotation':
    case 'TSParenthesizedType':
      return classifyType(project, analysis, node.typeAnnotation, depth + 1);
    case 'TSTypeReference': {
      const symbol = typeNameSymbol(project, analysis, node.typeName, depth);
      return classifySymbol(project, symbol, node.typeName, depth);
    }
    case 'TSUnionType': {
      const parts = node.types.filter((p) => !NOTHING.has(p.type)).map((p) => classifyType(project, analysis, p, depth + 1));
      if (parts.length > 0 && parts.every((p) => p?.kind === 'context')) return { kind: 'context' };
      if (parts.length > 0 && parts.every((p) => p?.kind === 'other')) return parts[0];
      return undefined;
    }
    case 'TSIntersectionType': {
      const parts = node.types.map((p) => classifyType(project, analysis, p, depth + 1));
      return parts.some((p) => p?.kind === 'context') ? { kind: 'context' } : undefined;
    }
    case 'TSTypeLiteral':
      return structural(node.members, 'this object type');
    default:
      return OTHER_KEYWORDS.has(node.type) ? { kind: 'other', why: 'its type is not an object type' } : undefined;
  }
}

function classifySymbol(project: ProjectIndex, symbol: TypeSymbol, name: t.Node, depth: number): TypeVerdict {
  const text = name.type === 'Identifier' ? name.name : 'the type';
  if (symbol === undefined) return name.type === 'Identifier' && OTHER_GLOBALS.has(name.name) ? { kind: 'other', why: `its type is ${name.name}` } : undefined;
  if (symbol.kind === 'cloacina') return CONTEXT_TYPES.has(symbol.name) ? { kind: 'context' } : { kind: 'other', why: `its type is cloacina's ${symbol.name}` };
  if (symbol.kind === 'package') return { kind: 'other', why: `its type ${text} comes from ${symbol.specifier}` };
  const { analysis, node } = symbol;
  switch (node.type) {
    case 'TSTypeAliasDeclaration':
      return classifyType(project, analysis, node.typeAnnotation, depth + 1);
    case 'TSInterfaceDeclaration': {
      for (const heritage of node.extends ?? []) {
        const base = classifySymbol(project, typeNameSymbol(project, analysis, heritage.expression, depth + 1), heritage.expression, depth + 1);
        if (base?.kind === 'context') return base;
        if (base?.kind === 'other') return { kind: 'other', why: `its type ${text} extends a type a Context does not have` };
      }
      return structural(node.body.body, `your type ${text}`);
    }
    case 'ClassDeclaration':
    case 'ClassExpression': {
      if (node.superClass) {
        const base = node.superClass.type === 'Identifier' || node.superClass.type === 'MemberExpression' ? superSymbol(project, analysis, node.superClass, depth) : undefined;
        if (base?.kind === 'context') return base;
      }
      const nominal = node.body.body.some(
        (m) => m.type === 'ClassPrivateProperty' || m.type === 'ClassPrivateMethod' || ('accessibility' in m && (m.accessibility === 'private' || m.accessibility === 'protected')),
      );
      if (nominal) return { kind: 'other', why: `its type is your class ${text}` };
      return structural(node.body.body, `your class ${text}`);
    }
    case 'TSEnumDeclaration':
      return { kind: 'other', why: `its type is the enum ${text}` };
    default:
      return undefined;
  }
}

function superSymbol(project: ProjectIndex, analysis: FileAnalysis, node: t.Node, depth: number): TypeVerdict {
  const name = node.type === 'MemberExpression' ? qualifiedFromMember(node) : node;
  return name ? classifySymbol(project, typeNameSymbol(project, analysis, name, depth + 1), name, depth + 1) : undefined;
}

function qualifiedFromMember(node: t.MemberExpression): t.Node | undefined {
  if (node.computed || node.property.type !== 'Identifier' || node.object.type !== 'Identifier') return undefined;
  return { type: 'TSQualifiedName', left: node.object, right: node.property } as unknown as t.Node;
}

/** A type with a member no Context has cannot hold one. */
function structural(members: readonly t.Node[], what: string): TypeVerdict {
  for (const member of members) {
    const key = (member as { key?: t.Node; computed?: boolean }).key;
    if (!key || (member as { computed?: boolean }).computed) continue;
    const name = key.type === 'Identifier' ? key.name : key.type === 'StringLiteral' ? key.value : undefined;
    if (member.type === 'ClassMethod' && (member as t.ClassMethod).kind === 'constructor') continue;
    if ((member as { static?: boolean }).static) continue;
    // An optional member a Context lacks does not keep a Context out (`size?: number`).
    if ((member as { optional?: boolean | null }).optional) continue;
    if (name !== undefined && !CONTEXT_MEMBERS.has(name)) return { kind: 'other', why: `${what} has ${name}, which a Context does not have` };
  }
  return undefined;
}

/** What a type name refers to: an import (followed through re-exports), or a declaration of the file. */
function typeNameSymbol(project: ProjectIndex, analysis: FileAnalysis, name: t.Node, depth: number): TypeSymbol {
  if (depth > MAX_DEPTH) return undefined;
  if (name.type === 'TSQualifiedName') {
    if (name.left.type !== 'Identifier') return undefined;
    const origin = analysis.module.imports.get(name.left.name);
    if (origin === undefined || origin.imported !== '*') return undefined;
    return importedType(project, analysis.file, origin.source, name.right.name, depth + 1);
  }
  if (name.type !== 'Identifier') return undefined;
  const origin = analysis.module.imports.get(name.name);
  if (origin !== undefined) return importedType(project, analysis.file, origin.source, origin.imported, depth + 1);
  const declaration = localTypeDeclaration(analysis.parsed.program, name.name);
  return declaration ? { kind: 'declaration', analysis, node: declaration } : undefined;
}

function importedType(project: ProjectIndex, from: string, specifier: string, name: string, depth: number): TypeSymbol {
  if (isCloacinaSpecifier(specifier)) return { kind: 'cloacina', name: specifier === 'cloacina/legacy' && name === 'Context' ? 'LegacyContext' : name };
  const file = project.resolve(from, specifier);
  if (file === undefined) return specifier.startsWith('.') ? undefined : { kind: 'package', specifier };
  return exportedType(project, file, name, depth + 1);
}

function exportedType(project: ProjectIndex, file: string, name: string, depth: number): TypeSymbol {
  if (depth > MAX_DEPTH) return undefined;
  const analysis = project.analysis(file);
  if (analysis === undefined) return undefined;
  const target = analysis.module.exports.get(name);
  if (target?.kind === 'reexport') return importedType(project, file, target.source, target.imported, depth + 1);
  if (target?.kind === 'local') return typeNameSymbol(project, analysis, { type: 'Identifier', name: target.name } as t.Identifier, depth + 1);
  for (const source of analysis.module.starExports) {
    const found = importedType(project, file, source, name, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function localTypeDeclaration(program: t.Program, name: string): t.Node | undefined {
  for (const statement of program.body) {
    const declaration = statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration' ? statement.declaration : statement;
    if (!declaration) continue;
    if (
      (declaration.type === 'TSInterfaceDeclaration' || declaration.type === 'TSTypeAliasDeclaration' || declaration.type === 'ClassDeclaration' || declaration.type === 'TSEnumDeclaration') &&
      declaration.id?.name === name
    ) {
      return declaration;
    }
  }
  return undefined;
}

/** Whether a class (of the project) extends cloacina's Context, directly or through its own classes. */
export function extendsContext(project: ProjectIndex, analysis: FileAnalysis, cls: t.Class): boolean {
  if (!cls.superClass) return false;
  return superSymbol(project, analysis, cls.superClass, 0)?.kind === 'context';
}

/**
 * Whether the instances of a class that extends Context are plain Contexts: neither it nor
 * any class between it and Context has a constructor or an instance member (a field, a
 * method, an accessor), so nothing sets a loader on them, removes keys from them or replaces
 * what a call runs. Static members and declarations of types only are allowed.
 */
export function addsNothingToContext(project: ProjectIndex, analysis: FileAnalysis, cls: t.Class, depth = 0): boolean {
  if (depth > MAX_DEPTH || !cls.superClass || !cls.body.body.every(staticOrTypeOnly)) return false;
  const name = cls.superClass.type === 'MemberExpression' ? qualifiedFromMember(cls.superClass) : cls.superClass.type === 'Identifier' ? cls.superClass : undefined;
  const symbol = name && typeNameSymbol(project, analysis, name, depth + 1);
  if (symbol?.kind === 'cloacina') return CONTEXT_TYPES.has(symbol.name);
  if (symbol?.kind === 'declaration' && (symbol.node.type === 'ClassDeclaration' || symbol.node.type === 'ClassExpression')) {
    return addsNothingToContext(project, symbol.analysis, symbol.node, depth + 1);
  }
  return false;
}

function staticOrTypeOnly(member: t.Node): boolean {
  if (member.type === 'TSIndexSignature' || member.type === 'TSDeclareMethod') return true;
  if (member.type === 'ClassProperty' && member.declare && !member.value) return true;
  return member.type !== 'StaticBlock' && (member as { static?: boolean }).static === true;
}

/**
 * The member names a declared type lists, when it is the project's own object type (an
 * interface, a type literal, an alias of one; not a class, not cloacina's): undefined otherwise.
 */
export function declaredMembers(project: ProjectIndex, analysis: FileAnalysis, node: t.Node | null | undefined, depth = 0): Set<string> | undefined {
  if (!node || depth > MAX_DEPTH) return undefined;
  switch (node.type) {
    case 'TSTypeAnnotation':
    case 'TSParenthesizedType':
      return declaredMembers(project, analysis, node.typeAnnotation, depth + 1);
    case 'TSTypeLiteral':
      return memberNames(node.members);
    case 'TSTypeReference': {
      const symbol = typeNameSymbol(project, analysis, node.typeName, depth);
      if (symbol?.kind !== 'declaration') return undefined;
      if (symbol.node.type === 'TSTypeAliasDeclaration') return declaredMembers(project, symbol.analysis, symbol.node.typeAnnotation, depth + 1);
      if (symbol.node.type === 'TSInterfaceDeclaration' && !symbol.node.extends?.length) return memberNames(symbol.node.body.body);
      return undefined;
    }
    default:
      return undefined;
  }
}

function memberNames(members: readonly t.Node[]): Set<string> | undefined {
  const names = new Set<string>();
  for (const member of members) {
    const key = (member as { key?: t.Node }).key;
    if (member.type === 'TSIndexSignature' || !key) return undefined; // any name goes
    if (key.type === 'Identifier') names.add(key.name);
    else if (key.type === 'StringLiteral') names.add(key.value);
  }
  return names;
}
