// Where the project's other files refer to an export of a file: import bindings resolving to
// it (through barrels, re-exports, an import exported again, requires anywhere in a file),
// `ns.name` members of namespace objects, and the namespace handed to a function of the
// project that only reads its members. What cannot be followed is reported, never skipped:
// a dynamic import, the module object used as a value that exposes the export.
import type * as t from '@babel/types';
import { callTarget, isCall, isMember, valuePosition } from './functions.js';
import type { FileAnalysis, ProjectIndex } from './project.js';
import type { Binding } from './scope.js';
import { bindingSymbol, exportedSymbol, staticName, unwrap, type Symbol } from './symbols.js';
import { pathTo } from './walk.js';

export type Fail = (why: string) => void;

export interface Reference {
  analysis: FileAnalysis;
  /** An import binding naming the export. */
  binding?: Binding;
  /** The binding's identifier, or the `ns.name` member expression naming the export. */
  node: t.Node;
}

type Same = (symbol: Symbol) => boolean;

/** A file as review markers name it: its base name (a marker must read the same wherever the project lies). */
const fileName = (file: string) => file.slice(file.lastIndexOf('/') + 1);

/** How many functions a namespace object is followed through. */
const MAX_HANDOVERS = 4;

/**
 * Where other files refer to an export of `analysis` (a module-level binding, or an exported
 * node such as `module.exports.x = function () {}`). Reports through `fail` what cannot be
 * followed (a dynamic import of the module, the module used as a value).
 */
export function importedReferences(project: ProjectIndex, analysis: FileAnalysis, binding: Binding | undefined, node: t.Node | undefined, fail: Fail): Reference[] {
  const found: Reference[] = [];
  if (exportNames(analysis, binding, node).length === 0) return found;
  const same: Same = (symbol) => (symbol.kind === 'local' && binding !== undefined && symbol.binding === binding) || (symbol.kind === 'node' && node !== undefined && symbol.node === node);
  const visited = new Set([analysis.file]);
  const queue = [...project.importersOf(analysis.file)];
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i]!;
    if (visited.has(file)) continue;
    visited.add(file);
    const importer = project.analysis(file);
    if (importer === undefined) {
      fail(`${fileName(file)} imports it and cannot be parsed`);
      continue;
    }
    if (exportsAgain(importer)) queue.push(...project.importersOf(file));
    if (dynamicallyImports(project, importer, analysis.file)) fail(`${fileName(file)} imports its module at run time`);
    for (const b of importer.scopes.bindings) {
      if (!isModuleImport(importer, b)) continue;
      const symbol = bindingSymbol(project, importer, b);
      if (same(symbol)) found.push({ analysis: importer, binding: b, node: b.id });
      else if (symbol.kind === 'module') namespaceReads(project, importer, b, symbol.file, same, found, fail, 0);
    }
    nestedRequires(project, importer, analysis.file, same, found, fail);
  }
  return found;
}

/** A module-level import (or top-level require) binding, as module-info.ts reads them. */
function isModuleImport(analysis: FileAnalysis, binding: Binding): boolean {
  return analysis.module.imports.get(binding.name) !== undefined && binding.scope.node === analysis.parsed.program;
}

/** The file re-exports (`export * from`, `export { x } from`, `import { x }; export { x }`): its importers reach the export too. */
function exportsAgain(analysis: FileAnalysis): boolean {
  if (analysis.module.starExports.length > 0) return true;
  for (const target of analysis.module.exports.values()) {
    if (target.kind === 'reexport') return true;
    if (target.kind === 'local' && analysis.module.imports.has(target.name)) return true;
  }
  return false;
}

/**
 * The reads of a binding holding the module object of `moduleFile`: `ns.name` naming the
 * export is a reference; the object handed to a function of the project is followed into
 * its parameter; any other use of it as a value, when it exposes the export, cannot be followed.
 */
function namespaceReads(project: ProjectIndex, where: FileAnalysis, binding: Binding, moduleFile: string, same: Same, found: Reference[], fail: Fail, depth: number): void {
  let exposed: boolean | undefined;
  const exposes = () => (exposed ??= moduleExposes(project, moduleFile, same, new Set()));
  for (const read of binding.reads) {
    const position = valuePosition(where, read);
    const parent = where.scopes.parentOf(position);
    if (isMember(parent) && parent.object === position) {
      const name = staticName(parent);
      if (name === undefined) {
        if (exposes()) fail(`${fileName(where.file)} picks a member of its module at run time`);
        continue;
      }
      const symbol = exportedSymbol(project, moduleFile, name);
      if (same(symbol)) found.push({ analysis: where, node: parent });
      else if (symbol.kind === 'module' && moduleExposes(project, symbol.file, same, new Set())) fail(`${fileName(where.file)} reaches it through a nested module object`);
      continue;
    }
    if (parent === undefined || isExportPosition(where, read) || harmlessUse(where, parent, position)) continue;
    if (!exposes()) continue;
    const receiving = depth < MAX_HANDOVERS ? parameterReceiving(project, where, parent, position) : undefined;
    if (receiving) namespaceReads(project, receiving.analysis, receiving.binding, moduleFile, same, found, fail, depth + 1);
    else fail(`${fileName(where.file)} uses its module as a value`);
  }
}

/** Whether the module object of `file` has the export among its members (own, re-exported, or under `export * as`). */
function moduleExposes(project: ProjectIndex, file: string, same: Same, seen: Set<string>): boolean {
  if (seen.has(file)) return false;
  seen.add(file);
  const analysis = project.analysis(file);
  if (analysis === undefined) return true;
  for (const name of analysis.module.exports.keys()) {
    const symbol = exportedSymbol(project, file, name);
    if (same(symbol)) return true;
    if (symbol.kind === 'module' && moduleExposes(project, symbol.file, same, seen)) return true;
    if (symbol.kind === 'unknown') return true;
  }
  for (const source of analysis.module.starExports) {
    const target = project.resolve(file, source);
    if (target !== undefined && moduleExposes(project, target, same, seen)) return true;
  }
  return false;
}

/** Uses of a module object that neither call nor change its members. */
function harmlessUse(analysis: FileAnalysis, parent: t.Node, position: t.Node): boolean {
  switch (parent.type) {
    case 'UnaryExpression':
      return parent.operator !== 'delete';
    case 'BinaryExpression':
      return parent.operator !== 'in' || parent.right === position;
    case 'ExpressionStatement':
      return true;
    case 'IfStatement':
    case 'ConditionalExpression':
      return parent.test === position;
    case 'CallExpression': {
      // `Object.keys(ns)`, `console.log(ns)`: globals that only look at it.
      const callee = unwrap(parent.callee);
      if (!isMember(callee) || callee.object.type !== 'Identifier' || analysis.scopes.bindingOf(callee.object)) return false;
      const name = `${callee.object.name}.${staticName(callee) ?? ''}`;
      return name === 'Object.keys' || (callee.object.name === 'console' && ['log', 'info', 'warn', 'error', 'debug', 'dir'].includes(staticName(callee) ?? ''));
    }
    default:
      return false;
  }
}

/** The parameter of a project function a call hands `position` to, when it can be matched. */
function parameterReceiving(project: ProjectIndex, analysis: FileAnalysis, call: t.Node, position: t.Node): { analysis: FileAnalysis; binding: Binding } | undefined {
  if (!isCall(call) || !(call.arguments as t.Node[]).includes(position)) return undefined;
  const target = callTarget(project, analysis, call);
  if (target.kind !== 'function' || target.invocation.argsUnknown) return undefined;
  const { invocation } = target;
  if (invocation.analysis.scopes.usesArguments.has(invocation.fn)) return undefined;
  const index = invocation.args.indexOf(position);
  const param = index < 0 ? undefined : invocation.fn.params[index];
  const id = param?.type === 'Identifier' ? param : param?.type === 'AssignmentPattern' && param.left.type === 'Identifier' ? param.left : undefined;
  const binding = id && invocation.analysis.scopes.bindingOf(id);
  return binding ? { analysis: invocation.analysis, binding } : undefined;
}

const REQUIRE = /\brequire\s*\(\s*(['"`])([^'"`$]+)\1\s*\)/g;

/**
 * `require()` calls module-info.ts does not read (inside functions, `require('./t').name`):
 * followed as imports where their value is bound or a member is named, else not followed.
 */
function nestedRequires(project: ProjectIndex, importer: FileAnalysis, targetFile: string, same: Same, found: Reference[], fail: Fail): void {
  const text = importer.parsed.text;
  if (!text.includes('require')) return;
  const scopes = importer.scopes;
  for (const match of text.matchAll(REQUIRE)) {
    const file = project.resolve(importer.file, match[2]!);
    if (file === undefined || !moduleReaches(project, file, targetFile)) continue;
    // A match in a comment or a string finds no call.
    const call = pathTo(importer.parsed.program, match.index!).find((n) => n.type === 'CallExpression' && n.start === match.index && n.callee.type === 'Identifier' && n.callee.name === 'require');
    if (call === undefined) continue;
    const position = valuePosition(importer, call);
    const parent = scopes.parentOf(position);
    if (parent?.type === 'VariableDeclarator' && parent.init === position) {
      if (parent.id.type === 'Identifier') {
        const b = scopes.bindingOf(parent.id);
        if (b && !isModuleImport(importer, b)) namespaceReads(project, importer, b, file, same, found, fail, 0);
        else if (!b) fail(`${fileName(importer.file)} requires its module where it cannot be followed`);
        continue;
      }
      if (parent.id.type === 'ObjectPattern') {
        for (const p of parent.id.properties) {
          const key = p.type === 'ObjectProperty' && !p.computed ? (p.key.type === 'Identifier' ? p.key.name : p.key.type === 'StringLiteral' ? p.key.value : undefined) : undefined;
          const value = p.type === 'ObjectProperty' ? (p.value.type === 'AssignmentPattern' ? p.value.left : p.value) : undefined;
          if (key === undefined || value?.type !== 'Identifier') {
            if (moduleExposes(project, file, same, new Set())) fail(`${fileName(importer.file)} takes its module apart where it cannot be followed`);
            continue;
          }
          const b = scopes.bindingOf(value);
          if (b === undefined || isModuleImport(importer, b)) continue;
          if (same(exportedSymbol(project, file, key))) found.push({ analysis: importer, binding: b, node: b.id });
        }
        continue;
      }
    }
    if (isMember(parent) && parent.object === position) {
      const holder = scopes.parentOf(valuePosition(importer, parent));
      // `const a = require('m').a` at the top: read by module-info.ts.
      if (holder?.type === 'VariableDeclarator' && holder.id.type === 'Identifier') {
        const b = scopes.bindingOf(holder.id);
        if (b && isModuleImport(importer, b)) continue;
      }
      const name = staticName(parent);
      if (name === undefined) fail(`${fileName(importer.file)} picks a member of its module at run time`);
      else if (same(exportedSymbol(project, file, name))) found.push({ analysis: importer, node: parent });
      continue;
    }
    // `module.exports = require('./x')`: a re-export, followed through the importers.
    if (parent !== undefined && (isCommonJsExport(parent, position) || parent.type === 'ExpressionStatement')) continue;
    if (moduleExposes(project, file, same, new Set())) fail(`${fileName(importer.file)} uses the module it requires as a value`);
  }
}

/** Where a module-level name is exported: `export { x }`, `export default x`, `module.exports = { x }`, `exports.y = x`. */
export function isExportPosition(analysis: FileAnalysis, read: t.Node): boolean {
  const position = valuePosition(analysis, read);
  const parent = analysis.scopes.parentOf(position);
  if (!parent) return false;
  if (parent.type === 'ExportSpecifier' || parent.type === 'ExportDefaultDeclaration' || parent.type === 'TSExportAssignment' || isCommonJsExport(parent, position)) return true;
  if (parent.type === 'ObjectProperty' && parent.value === position) {
    const object = analysis.scopes.parentOf(parent);
    const objectPosition = object && valuePosition(analysis, object);
    const holder = objectPosition && analysis.scopes.parentOf(objectPosition);
    return object?.type === 'ObjectExpression' && holder !== undefined && (isCommonJsExport(holder, objectPosition!) || holder.type === 'TSExportAssignment');
  }
  return false;
}

/** `exports.x = value`, `module.exports.x = value`, `module.exports = value`: `position` is exported. */
export function isCommonJsExport(parent: t.Node, position: t.Node): boolean {
  if (parent.type !== 'AssignmentExpression' || parent.right !== position || !isMember(parent.left)) return false;
  const left = parent.left;
  return isModuleExports(left) || (left.object.type === 'Identifier' && left.object.name === 'exports') || isModuleExports(left.object);
}

export function isModuleExports(node: t.Node): boolean {
  return isMember(node) && node.object.type === 'Identifier' && node.object.name === 'module' && staticName(node) === 'exports';
}

/** The names under which the file exports the binding or node. */
export function exportNames(analysis: FileAnalysis, binding: Binding | undefined, node: t.Node | undefined): string[] {
  const names: string[] = [];
  for (const [name, target] of analysis.module.exports) {
    if (target.kind === 'local' && binding && target.name === binding.name) names.push(name);
    if (target.kind === 'node' && node && target.node === node) names.push(name);
  }
  return names;
}

/** Whether `module` is, or imports (directly or not), `target`: a coarse filter before a precise look. */
function moduleReaches(project: ProjectIndex, module: string, target: string): boolean {
  const seen = new Set<string>();
  const queue = [module];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (file === target) return true;
    if (seen.has(file)) continue;
    seen.add(file);
    queue.push(...project.localImports(file));
  }
  return false;
}

const DYNAMIC = /\bimport\s*\(\s*(['"`])([^'"`]+)\1/g;

function dynamicallyImports(project: ProjectIndex, importer: FileAnalysis, target: string): boolean {
  for (const match of importer.parsed.text.matchAll(DYNAMIC)) {
    const file = project.resolve(importer.file, match[2]!);
    if (file !== undefined && moduleReaches(project, file, target)) return true;
  }
  return false;
}
