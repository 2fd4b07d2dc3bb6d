// What a module imports and exports, read off its syntax tree: ES modules, TypeScript's
// `import x = require()`, and the CommonJS forms real code uses (`require` bindings,
// `module.exports = { ... }`, `exports.name = ...`).
import type * as t from '@babel/types';

/** Where an imported binding comes from: `imported` is a name, 'default', or '*' (the module object). */
export interface ImportOrigin {
  source: string;
  imported: string;
}

/** What an exported name is: a local binding or node of this module, or a name of another module. */
export type ExportTarget =
  | { kind: 'local'; name: string }
  | { kind: 'node'; node: t.Node }
  | { kind: 'reexport'; source: string; imported: string };

export interface ModuleInfo {
  /** Local name -> origin, for every import binding (type-only ones included). */
  imports: Map<string, ImportOrigin>;
  /** Exported name -> what it is. */
  exports: Map<string, ExportTarget>;
  /** `export * from '...'` sources. */
  starExports: string[];
  /** It exports through `module.exports` / `exports.x`: its default import is the exports object. */
  commonJs: boolean;
}

const stringOf = (node: t.Node | null | undefined): string | undefined => {
  if (node?.type === 'StringLiteral') return node.value;
  if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0]!.value.cooked ?? undefined;
  return undefined;
};

const nameOf = (node: t.Identifier | t.StringLiteral): string => (node.type === 'Identifier' ? node.name : node.value);

/** `require('x')` (possibly `await import('x')`): the specifier, else undefined. */
export function requiredSource(node: t.Node | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'AwaitExpression') return requiredSource(node.argument);
  if (node.type === 'ImportExpression') return stringOf(node.source);
  if (node.type !== 'CallExpression' || node.arguments.length !== 1) return undefined;
  if (node.callee.type === 'Identifier' && node.callee.name === 'require') return stringOf(node.arguments[0]);
  if (node.callee.type === 'Import') return stringOf(node.arguments[0]);
  return undefined;
}

export function moduleInfo(program: t.Program): ModuleInfo {
  const info: ModuleInfo = { imports: new Map(), exports: new Map(), starExports: [], commonJs: false };
  for (const statement of program.body) readStatement(statement, info);
  return info;
}

function readStatement(statement: t.Statement, info: ModuleInfo): void {
  switch (statement.type) {
    case 'ImportDeclaration':
      for (const s of statement.specifiers) {
        const imported = s.type === 'ImportDefaultSpecifier' ? 'default' : s.type === 'ImportNamespaceSpecifier' ? '*' : nameOf(s.imported);
        info.imports.set(s.local.name, { source: statement.source.value, imported });
      }
      return;
    case 'TSImportEqualsDeclaration':
      if (statement.moduleReference.type === 'TSExternalModuleReference') {
        info.imports.set(statement.id.name, { source: statement.moduleReference.expression.value, imported: '*' });
        if (statement.isExport) info.exports.set(statement.id.name, { kind: 'local', name: statement.id.name });
      }
      return;
    case 'ExportNamedDeclaration': {
      const source = statement.source?.value;
      for (const s of statement.specifiers) {
        if (s.type === 'ExportSpecifier') {
          const exported = nameOf(s.exported);
          if (source !== undefined) info.exports.set(exported, { kind: 'reexport', source, imported: s.local.name });
          else info.exports.set(exported, { kind: 'local', name: s.local.name });
        } else if (s.type === 'ExportNamespaceSpecifier' && source !== undefined) {
          info.exports.set(s.exported.name, { kind: 'reexport', source, imported: '*' });
        } else if (s.type === 'ExportDefaultSpecifier' && source !== undefined) {
          info.exports.set(s.exported.name, { kind: 'reexport', source, imported: 'default' });
        }
      }
      const declaration = statement.declaration;
      if (declaration) for (const name of declaredNames(declaration)) info.exports.set(name, { kind: 'local', name });
      if (declaration?.type === 'VariableDeclaration') readRequires(declaration, info);
      return;
    }
    case 'ExportDefaultDeclaration': {
      const d = statement.declaration;
      if ((d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && d.id) info.exports.set('default', { kind: 'local', name: d.id.name });
      else if (d.type === 'Identifier') info.exports.set('default', { kind: 'local', name: d.name });
      else info.exports.set('default', { kind: 'node', node: d });
      return;
    }
    case 'ExportAllDeclaration':
      info.starExports.push(statement.source.value);
      return;
    case 'TSExportAssignment':
      exportAssigned(statement.expression, info);
      return;
    case 'VariableDeclaration':
      readRequires(statement, info);
      return;
    case 'ExpressionStatement':
      readCommonJsExport(statement.expression, info);
      return;
    default:
      return;
  }
}

/** `const x = require('m')`, `const { a, b: c } = require('m')`. */
function readRequires(declaration: t.VariableDeclaration, info: ModuleInfo): void {
  for (const d of declaration.declarations) {
    const source = requiredSource(d.init);
    if (source === undefined) {
      // `const a = require('m').a`
      if (d.id.type === 'Identifier' && d.init?.type === 'MemberExpression' && !d.init.computed && d.init.property.type === 'Identifier') {
        const from = requiredSource(d.init.object);
        if (from !== undefined) info.imports.set(d.id.name, { source: from, imported: d.init.property.name });
      }
      continue;
    }
    if (d.id.type === 'Identifier') info.imports.set(d.id.name, { source, imported: '*' });
    else if (d.id.type === 'ObjectPattern') {
      for (const p of d.id.properties) {
        if (p.type !== 'ObjectProperty' || p.computed) continue;
        const key = p.key.type === 'Identifier' ? p.key.name : p.key.type === 'StringLiteral' ? p.key.value : undefined;
        const local = p.value.type === 'Identifier' ? p.value : p.value.type === 'AssignmentPattern' && p.value.left.type === 'Identifier' ? p.value.left : undefined;
        if (key !== undefined && local !== undefined) info.imports.set(local.name, { source, imported: key });
      }
    }
  }
}

/** `module.exports = x`, `module.exports = { a, b }`, `exports.a = a`, `module.exports.a = a`. */
function readCommonJsExport(expression: t.Expression, info: ModuleInfo): void {
  if (expression.type !== 'AssignmentExpression' || expression.operator !== '=') return;
  const left = expression.left;
  if (left.type !== 'MemberExpression' || left.computed) return;
  const property = left.property.type === 'Identifier' ? left.property.name : undefined;
  if (isModuleExports(left)) {
    info.commonJs = true;
    exportAssigned(expression.right, info);
    return;
  }
  const target = left.object;
  if (property !== undefined && ((target.type === 'Identifier' && target.name === 'exports') || (target.type === 'MemberExpression' && isModuleExports(target)))) {
    info.commonJs = true;
    const right = expression.right;
    info.exports.set(property, right.type === 'Identifier' ? { kind: 'local', name: right.name } : { kind: 'node', node: right });
  }
}

function isModuleExports(node: t.MemberExpression): boolean {
  return node.object.type === 'Identifier' && node.object.name === 'module' && !node.computed && node.property.type === 'Identifier' && node.property.name === 'exports';
}

/** `module.exports = value` / `export = value`: an object literal exports its properties. */
function exportAssigned(value: t.Expression, info: ModuleInfo): void {
  if (value.type === 'ObjectExpression') {
    for (const p of value.properties) {
      if (p.type === 'ObjectProperty' && !p.computed && p.key.type === 'Identifier') {
        info.exports.set(p.key.name, p.value.type === 'Identifier' ? { kind: 'local', name: p.value.name } : { kind: 'node', node: p.value });
      } else if (p.type === 'ObjectMethod' && !p.computed && p.key.type === 'Identifier') {
        info.exports.set(p.key.name, { kind: 'node', node: p });
      }
    }
    return;
  }
  info.exports.set('default', value.type === 'Identifier' ? { kind: 'local', name: value.name } : { kind: 'node', node: value });
  const source = requiredSource(value);
  if (source !== undefined) info.starExports.push(source);
}

function declaredNames(declaration: t.Declaration): string[] {
  switch (declaration.type) {
    case 'FunctionDeclaration':
    case 'ClassDeclaration':
    case 'TSEnumDeclaration':
    case 'TSInterfaceDeclaration':
    case 'TSTypeAliasDeclaration':
      return declaration.id ? [declaration.id.name] : [];
    case 'TSModuleDeclaration':
      return declaration.id.type === 'Identifier' ? [declaration.id.name] : [];
    case 'VariableDeclaration':
      return declaration.declarations.flatMap((d) => patternNames(d.id));
    default:
      return [];
  }
}

export function patternNames(pattern: t.Node): string[] {
  switch (pattern.type) {
    case 'Identifier':
      return [pattern.name];
    case 'ObjectPattern':
      return pattern.properties.flatMap((p) => patternNames(p.type === 'RestElement' ? p.argument : p.value));
    case 'ArrayPattern':
      return pattern.elements.flatMap((e) => (e ? patternNames(e) : []));
    case 'AssignmentPattern':
      return patternNames(pattern.left);
    case 'RestElement':
      return patternNames(pattern.argument);
    default:
      return [];
  }
}
