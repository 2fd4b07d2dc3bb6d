// Moves authoring names from `cloacina` (and `cloacina/legacy`) to `cloacina-workflow`,
// in every import form; names only the runtime has stay on `cloacina`.
import type { API, ASTPath, Collection, FileInfo, JSCodeshift, Options } from 'jscodeshift';
import { flag, type FlagSink } from './lib/flags.js';
import {
  authoringName,
  AUTHORING_PACKAGE,
  isCloacinaSource,
  LEGACY_ONLY,
  LEGACY_PACKAGE,
  RUNTIME_PACKAGE,
} from './lib/names.js';
import { moveComments, printFile, type AnyNode } from './lib/print.js';

type Kind = 'value' | 'type';

/** Where the names that stay go: the runtime, for both v1 specifiers. */
const runtimeSource = (_source: string) => RUNTIME_PACKAGE;

/** A cheap text check: files without a quoted cloacina specifier are left alone. */
export function relevant(source: string): boolean {
  return /['"`]cloacina(\/legacy)?['"`]/.test(source);
}

/** Rewrites an already parsed file; true when it changed anything. */
export function apply(j: JSCodeshift, root: Collection, source: string, sink: FlagSink): boolean {
  const marked = sink.marked ?? 0;
  let changed = rewriteImports(j, root, sink);
  changed = rewriteExports(j, root, sink) || changed;
  // Deep walks only when the text says they can find something.
  if (/\b(require|import)\s*\(/.test(source)) changed = rewriteRequiresAndDynamicImports(j, root, sink) || changed;
  if (source.includes('declare module')) changed = rewriteAugmentations(j, root, sink) || changed;
  if (/\b(vi|jest)\.\w+\(/.test(source)) changed = rewriteMocks(j, root, sink) || changed;
  return changed || (sink.marked ?? 0) > marked;
}

export default function transform(file: FileInfo, api: API, options: Options & FlagSink): string | undefined {
  if (!relevant(file.source)) return undefined;
  const j = api.jscodeshift;
  const root = j(file.source);
  return apply(j, root, file.source, options) ? printFile(root, file.source) : undefined;
}

/** Paths of the program's top-level statements, where imports and exports live. */
function topLevel(root: Collection): ASTPath[] {
  const body = (root.get() as ASTPath).get('program', 'body') as ASTPath & { value: unknown[] };
  return body.value.map((_, i) => body.get(i) as ASTPath);
}

function sourceOf(node: { source?: { value?: unknown } | null }): string | undefined {
  const value = node.source?.value;
  return typeof value === 'string' ? value : undefined;
}

function importedName(spec: AnyNode): string {
  const imported = spec.imported as AnyNode;
  return (imported.name as string | undefined) ?? (imported.value as string);
}

/** Member names used on a module binding, or undefined when it is used as a value. */
function memberUses(j: JSCodeshift, root: Collection, local: string): Set<string> | undefined {
  const members = new Set<string>();
  let opaque = false;
  root.find(j.Identifier, { name: local }).forEach((path) => {
    const parent = path.parent.node as AnyNode;
    if (parent.type === 'ImportDefaultSpecifier' || parent.type === 'ImportNamespaceSpecifier') return;
    if (parent.type === 'VariableDeclarator' && parent.id === path.node) return;
    if ((parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.object === path.node && !parent.computed) {
      members.add((parent.property as AnyNode).name as string);
      return;
    }
    if ((parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.property === path.node && !parent.computed) return;
    if (parent.type === 'TSQualifiedName' && parent.left === path.node) {
      members.add((parent.right as AnyNode).name as string);
      return;
    }
    if (parent.type === 'TSQualifiedName' && parent.right === path.node) return;
    if ((parent.type === 'ObjectProperty' || parent.type === 'Property') && parent.key === path.node && !parent.computed && !parent.shorthand) return;
    if (parent.type === 'ClassProperty' || parent.type === 'ClassMethod' || parent.type === 'TSPropertySignature') {
      if (parent.key === path.node) return;
    }
    opaque = true;
  });
  return opaque ? undefined : members;
}

function allAuthoring(members: Set<string>, source: string): boolean {
  return [...members].every((m) => authoringName(m, source) === m);
}

/** An existing `import { … } from 'cloacina-workflow'` of the given kind to merge into. */
function findMergeTarget(j: JSCodeshift, root: Collection, kind: Kind): AnyNode | undefined {
  return root
    .find(j.ImportDeclaration, { source: { value: AUTHORING_PACKAGE } })
    .filter((p) => ((p.node as unknown as AnyNode).importKind ?? 'value') === kind)
    .filter((p) => (p.node.specifiers ?? []).every((s) => s.type === 'ImportSpecifier'))
    .nodes()[0] as unknown as AnyNode | undefined;
}

function sameSpecifier(a: AnyNode, b: AnyNode): boolean {
  return importedName(a) === importedName(b) && (a.local as AnyNode)?.name === (b.local as AnyNode)?.name &&
    (a.importKind ?? 'value') === (b.importKind ?? 'value');
}

function rewriteImports(j: JSCodeshift, root: Collection, sink: FlagSink): boolean {
  let changed = false;
  for (const path of topLevel(root)) {
    const node = path.node as unknown as AnyNode;
    if (node.type !== 'ImportDeclaration') continue;
    const source = sourceOf(node as never);
    if (!isCloacinaSource(source)) continue;
    const specifiers = (node.specifiers as AnyNode[] | undefined) ?? [];
    const kind: Kind = (node.importKind as Kind | undefined) ?? 'value';

    if (specifiers.length === 0) {
      // Side-effect import: v1 registered nothing globally; keep it pointing at the runtime.
      if (source === LEGACY_PACKAGE) {
        (node.source as AnyNode).value = RUNTIME_PACKAGE;
        changed = true;
      }
      continue;
    }

    const whole = specifiers.find((s) => s.type === 'ImportNamespaceSpecifier' || s.type === 'ImportDefaultSpecifier');
    if (whole) {
      const local = (whole.local as AnyNode).name as string;
      const members = memberUses(j, root, local);
      if (members === undefined) {
        flag(j, path, 'namespace-as-value', sink);
      } else if (allAuthoring(members, source)) {
        // cloacina-workflow has no default export: a default import becomes a namespace import.
        if (whole.type === 'ImportDefaultSpecifier') node.specifiers = [j.importNamespaceSpecifier(j.identifier(local))];
        (node.source as AnyNode).value = AUTHORING_PACKAGE;
        changed = true;
        continue;
      }
      if (source !== runtimeSource(source)) {
        (node.source as AnyNode).value = runtimeSource(source);
        changed = true;
      }
      continue;
    }

    const moving: AnyNode[] = [];
    const staying: AnyNode[] = [];
    for (const spec of specifiers) {
      const name = importedName(spec);
      const target = authoringName(name, source);
      if (target === undefined) {
        if (source === LEGACY_PACKAGE && LEGACY_ONLY.has(name)) flag(j, path, 'legacy-only-name', sink);
        staying.push(spec);
        continue;
      }
      if (target !== name) {
        const local = (spec.local as AnyNode | undefined)?.name ?? name;
        const renamed = j.importSpecifier(j.identifier(target), j.identifier(local as string)) as unknown as AnyNode;
        if (spec.importKind) renamed.importKind = spec.importKind;
        moving.push(renamed);
      } else {
        moving.push(spec);
      }
    }
    const legacyStays = staying.some((s) => LEGACY_ONLY.has(importedName(s)));
    const stayingSource = legacyStays ? source : runtimeSource(source);
    if (moving.length === 0) {
      if (source !== stayingSource) {
        (node.source as AnyNode).value = stayingSource;
        changed = true;
      }
      continue;
    }
    changed = true;
    const merge = findMergeTarget(j, root, kind);
    if (merge !== undefined && merge !== node) {
      const existing = merge.specifiers as AnyNode[];
      for (const spec of moving) if (!existing.some((e) => sameSpecifier(e, spec))) existing.push(spec);
      if (staying.length === 0) {
        const body = path.parent.node.body as AnyNode[];
        const next = body[body.indexOf(node) + 1];
        if (next) moveComments(node, next);
        path.prune();
        continue;
      }
      node.specifiers = staying;
      (node.source as AnyNode).value = stayingSource;
      continue;
    }
    if (staying.length === 0) {
      node.specifiers = moving;
      (node.source as AnyNode).value = AUTHORING_PACKAGE;
      continue;
    }
    // Split: both declarations written as text, so they print as the author would.
    const quote = quoteOf(node.source as AnyNode);
    const keyword = kind === 'type' ? 'import type' : 'import';
    const declare = (specs: AnyNode[], pkg: string) => `${keyword} { ${specs.map((sp) => j(sp as never).toSource()).join(', ')} } from ${quote}${pkg}${quote};`;
    const [kept, added] = statementsFromText(j, `${takeLeadingComments(node)}${declare(staying, stayingSource)}\n${declare(moving, AUTHORING_PACKAGE)}\n`);
    path.replace(kept as never, added as never);
  }
  return changed;
}

/** The quote character a string literal was written with. */
function quoteOf(literal: AnyNode): string {
  const raw = (literal.extra as { raw?: string } | undefined)?.raw ?? (literal.raw as string | undefined);
  return raw?.startsWith('"') ? '"' : "'";
}

function rewriteExports(j: JSCodeshift, root: Collection, sink: FlagSink): boolean {
  let changed = false;
  for (const path of topLevel(root)) {
    const node = path.node as unknown as AnyNode;
    const source = sourceOf(node as never);
    if (!isCloacinaSource(source)) continue;
    if (node.type === 'ExportAllDeclaration') {
      flag(j, path, 'export-star', sink);
      if (source === LEGACY_PACKAGE) {
        (node.source as AnyNode).value = RUNTIME_PACKAGE;
        changed = true;
      }
      continue;
    }
    if (node.type !== 'ExportNamedDeclaration') continue;
    const specifiers = (node.specifiers as AnyNode[]) ?? [];
    const moving: AnyNode[] = [];
    const staying: AnyNode[] = [];
    for (const spec of specifiers) {
      if (spec.type !== 'ExportSpecifier') {
        staying.push(spec); // export * as ns from 'cloacina'
        flag(j, path, 'export-star', sink);
        continue;
      }
      const local = spec.local as AnyNode;
      const name = (local.name as string | undefined) ?? (local.value as string);
      const target = authoringName(name, source);
      if (target === undefined) {
        staying.push(spec);
      } else if (target !== name) {
        const exported = spec.exported as AnyNode;
        moving.push(j.exportSpecifier.from({ local: j.identifier(target), exported: j.identifier((exported.name as string) ?? name) }) as unknown as AnyNode);
      } else {
        moving.push(spec);
      }
    }
    if (moving.length === 0) {
      if (source === LEGACY_PACKAGE) {
        (node.source as AnyNode).value = RUNTIME_PACKAGE;
        changed = true;
      }
      continue;
    }
    changed = true;
    if (staying.length === 0) {
      (node.source as AnyNode).value = AUTHORING_PACKAGE;
      continue;
    }
    const quote = quoteOf(node.source as AnyNode);
    const keyword = node.exportKind === 'type' ? 'export type' : 'export';
    const declare = (specs: AnyNode[], pkg: string) => `${keyword} { ${specs.map((sp) => j(sp as never).toSource()).join(', ')} } from ${quote}${pkg}${quote};`;
    const [added, kept] = statementsFromText(j, `${takeLeadingComments(node)}${declare(moving, AUTHORING_PACKAGE)}\n${declare(staying, RUNTIME_PACKAGE)}\n`);
    path.replace(added as never, kept as never);
  }
  return changed;
}

/** `require('cloacina')` and `import('cloacina')`, by how their result is used. */
function rewriteRequiresAndDynamicImports(j: JSCodeshift, root: Collection, sink: FlagSink): boolean {
  let changed = false;
  const loaders: ASTPath[] = [];
  root.find(j.CallExpression).forEach((path) => {
    const callee = path.node.callee as AnyNode;
    const isRequire = callee.type === 'Identifier' && callee.name === 'require';
    const isImport = callee.type === 'Import';
    if ((isRequire || isImport) && path.node.arguments.length >= 1) loaders.push(path);
  });
  root.find(j.Node, { type: 'ImportExpression' }).forEach((path) => loaders.push(path as ASTPath));

  for (const path of loaders) {
    const node = path.node as AnyNode;
    const arg = (node.type === 'ImportExpression' ? node.source : (node.arguments as AnyNode[])[0]) as AnyNode;
    const source = arg?.value;
    if (!isCloacinaSource(source)) continue;
    const setSource = (value: string) => {
      if (arg.value !== value) {
        arg.value = value;
        changed = true;
      }
    };
    // The expression whose value is the module: skip one `await`.
    let valuePath: ASTPath = path;
    if ((valuePath.parent.node as AnyNode).type === 'AwaitExpression') valuePath = valuePath.parent;
    const parent = valuePath.parent.node as AnyNode;

    // `require('cloacina').task`; a member of `import()` is a promise method, not an export.
    if (isRequire(node) && parent.type === 'MemberExpression' && parent.object === valuePath.node && !parent.computed) {
      const name = (parent.property as AnyNode).name as string;
      setSource(authoringName(name, source) === name ? AUTHORING_PACKAGE : RUNTIME_PACKAGE);
      continue;
    }
    if (parent.type === 'VariableDeclarator' && parent.init === valuePath.node) {
      const id = parent.id as AnyNode;
      if (id.type === 'Identifier') {
        const members = memberUses(j, root, id.name as string);
        if (members === undefined) flag(j, path, 'namespace-as-value', sink);
        else if (allAuthoring(members, source)) {
          setSource(AUTHORING_PACKAGE);
          continue;
        }
        setSource(RUNTIME_PACKAGE);
        continue;
      }
      if (id.type === 'ObjectPattern') {
        changed = splitPattern(j, path, valuePath, id, source, sink) || changed;
        continue;
      }
    }
    flag(j, path, 'dynamic-import', sink);
    if (source === LEGACY_PACKAGE) setSource(RUNTIME_PACKAGE);
  }
  return changed;
}

/** `const { task, Runner } = require('cloacina')` -> one destructuring per package. */
function splitPattern(j: JSCodeshift, loader: ASTPath, valuePath: ASTPath, pattern: AnyNode, source: string, sink: FlagSink): boolean {
  const node = loader.node as AnyNode;
  const arg = (node.type === 'ImportExpression' ? node.source : (node.arguments as AnyNode[])[0]) as AnyNode;
  const properties = pattern.properties as AnyNode[];
  if (properties.some((p) => p.type === 'RestElement' || p.type === 'RestProperty' || p.computed)) {
    flag(j, loader, 'namespace-as-value', sink);
    arg.value = RUNTIME_PACKAGE;
    return source !== RUNTIME_PACKAGE;
  }
  const keyName = (p: AnyNode) => ((p.key as AnyNode).name as string | undefined) ?? ((p.key as AnyNode).value as string);
  const moving: AnyNode[] = [];
  const staying: AnyNode[] = [];
  for (const property of properties) {
    const name = keyName(property);
    const target = authoringName(name, source);
    if (target === undefined) staying.push(property);
    else if (target !== name) {
      const value = property.value as AnyNode;
      moving.push(j.objectProperty.from({ key: j.identifier(target), value: j.identifier(value.name as string) }) as unknown as AnyNode);
    } else moving.push(property);
  }
  if (moving.length === 0) {
    const was = arg.value;
    arg.value = RUNTIME_PACKAGE;
    return was !== RUNTIME_PACKAGE;
  }
  if (staying.length === 0) {
    arg.value = AUTHORING_PACKAGE;
    return true;
  }
  // Mixed: one declaration per package, written as text so they print as one-liners.
  const declarator = valuePath.parent as ASTPath;
  const declaration = declarator.parent as ASTPath;
  const declNode = declaration.node as AnyNode;
  if (declNode.type !== 'VariableDeclaration' || (declNode.declarations as AnyNode[]).length !== 1) {
    flag(j, loader, 'dynamic-import', sink);
    return false;
  }
  const text = (n: AnyNode) => j(n as never).toSource();
  const loaderText = (pkg: string) => {
    const quote = typeof arg.extra === 'object' && String((arg.extra as { raw?: string }).raw ?? "'").startsWith('"') ? '"' : "'";
    const call = node.type === 'ImportExpression' || (node.callee as AnyNode).type === 'Import' ? 'import' : 'require';
    const awaited = (valuePath.node as AnyNode).type === 'AwaitExpression' ? 'await ' : '';
    return `${awaited}${call}(${quote}${pkg}${quote})`;
  };
  const declare = (props: AnyNode[], pkg: string) =>
    `${declNode.kind as string} { ${props.map(text).join(', ')} } = ${loaderText(pkg)};`;
  const [runtime, authoring] = statementsFromText(j, `${takeLeadingComments(declNode)}${declare(staying, RUNTIME_PACKAGE)}\n${declare(moving, AUTHORING_PACKAGE)}\n`);
  declaration.replace(runtime as never, authoring as never);
  return true;
}

/**
 * Removes a node's leading comments and returns them as source text, so they can be
 * written into replacement statements (recast cannot print a comment taken from one
 * source next to nodes parsed from another).
 */
function takeLeadingComments(node: AnyNode): string {
  const comments = (node.comments as Array<AnyNode & { leading?: boolean; value: string }> | undefined) ?? [];
  const leading = comments.filter((c) => c.leading !== false);
  node.comments = comments.filter((c) => c.leading === false);
  return leading.map((c) => (c.type === 'CommentLine' || c.type === 'Line' ? `//${c.value}\n` : `/*${c.value}*/\n`)).join('');
}

/** Parses statements with the file's parser, so recast reprints them exactly as written. */
function statementsFromText(j: JSCodeshift, source: string): AnyNode[] {
  const program = (j(source).get().node as AnyNode).program as AnyNode;
  return program.body as AnyNode[];
}

function isRequire(node: AnyNode): boolean {
  const callee = node.callee as AnyNode | undefined;
  return callee?.type === 'Identifier' && callee.name === 'require';
}

/** `declare module 'cloacina' { … }` augmentations follow the names they declare. */
function rewriteAugmentations(j: JSCodeshift, root: Collection, sink: FlagSink): boolean {
  let changed = false;
  for (const path of topLevel(root)) {
    if ((path.node as AnyNode).type !== 'TSModuleDeclaration') continue;
    const id = (path.node as AnyNode).id as AnyNode;
    if (!isCloacinaSource(id.value)) continue;
    const body = ((path.node as AnyNode).body as AnyNode | undefined)?.body as AnyNode[] | undefined;
    const declared = (body ?? []).map((statement) => {
      const decl = (statement.type === 'ExportNamedDeclaration' ? statement.declaration : statement) as AnyNode | undefined;
      return ((decl?.id as AnyNode | undefined)?.name as string | undefined) ?? '';
    });
    const authoring = declared.filter((name) => authoringName(name, id.value as string) !== undefined);
    if (authoring.length === 0) continue;
    if (authoring.length < declared.length) {
      flag(j, path, 'augmentation-mixed', sink);
      continue;
    }
    id.value = AUTHORING_PACKAGE;
    changed = true;
  }
  return changed;
}

/** `vi.mock('cloacina')` / `jest.mock('cloacina')` follow the imports they mock. */
function rewriteMocks(j: JSCodeshift, root: Collection, sink: FlagSink): boolean {
  let changed = false;
  const usesRuntime = root.find(j.StringLiteral).filter((p) => isCloacinaSource(p.node.value) && !isMockArgument(p)).size() > 0 ||
    root.find(j.Literal).filter((p) => isCloacinaSource((p.node as unknown as AnyNode).value) && !isMockArgument(p)).size() > 0;
  const usesAuthoring = root.find(j.ImportDeclaration, { source: { value: AUTHORING_PACKAGE } }).size() > 0 ||
    root.find(j.StringLiteral, { value: AUTHORING_PACKAGE }).size() > 0;
  root.find(j.CallExpression).forEach((path) => {
    if (!isMockCall(path.node as unknown as AnyNode)) return;
    const arg = (path.node.arguments as unknown as AnyNode[])[0]!;
    if (!isCloacinaSource(arg.value)) return;
    if (usesAuthoring && usesRuntime) flag(j, path, 'mock-split', sink);
    else if (usesAuthoring) {
      arg.value = AUTHORING_PACKAGE;
      changed = true;
    }
  });
  return changed;
}

const MOCKERS = new Set(['vi', 'jest']);
const MOCK_METHODS = new Set(['mock', 'doMock', 'unmock', 'importActual', 'requireActual', 'importMock', 'requireMock']);

function isMockCall(node: AnyNode): boolean {
  const callee = node.callee as AnyNode;
  return callee?.type === 'MemberExpression' && (callee.object as AnyNode).type === 'Identifier' &&
    MOCKERS.has((callee.object as AnyNode).name as string) && MOCK_METHODS.has((callee.property as AnyNode).name as string) &&
    (node.arguments as AnyNode[]).length > 0;
}

function isMockArgument(path: ASTPath): boolean {
  const parent = path.parent?.node as AnyNode | undefined;
  return parent?.type === 'CallExpression' && isMockCall(parent);
}
