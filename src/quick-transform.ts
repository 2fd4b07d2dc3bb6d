// A fast path for the common case: files whose cloacina imports are plain named imports and
// whose loader calls are provably equivalent to get(). It parses with Babel alone (no
// tokens, no recast) and applies the same edits as text splices. Anything else, and every
// site that needs a review marker, returns undefined so the jscodeshift transforms handle
// it. A test holds both paths to byte-identical output on every case the fast path takes.
import { createRequire } from 'node:module';
import type { ParserPlugin } from '@babel/parser';
import { extname } from 'node:path';

// Loaded with require: through the ESM loader Node would first lex this large CommonJS file
// for its export names, a cost paid on every run.
const { parse } = createRequire(import.meta.url)('@babel/parser') as typeof import('@babel/parser');
import { authoringName, AUTHORING_PACKAGE, isCloacinaSource, LEGACY_ONLY, LEGACY_PACKAGE, LEGACY_RENAMES, RUNTIME_PACKAGE } from '../codemods/lib/names.js';
import { detectQuote } from '../codemods/lib/print.js';

type Node = { type: string; start: number; end: number; [key: string]: unknown };

const LOADERS = new Set(['loadFromDependenciesAndCache', 'getWithDependencies']);
const OTHER_REMOVED = ['setDependencyLoader', 'setExecutionScope', 'executionScope'];
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ObjectMethod', 'ClassMethod', 'ClassPrivateMethod']);
const LOOPS = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);
const SKIP_KEYS = new Set(['loc', 'start', 'end', 'extra', 'leadingComments', 'trailingComments', 'innerComments', 'range']);

function plugins(file: string): ParserPlugin[] {
  const ext = extname(file);
  if (file.endsWith('.d.ts')) return [['typescript', { dts: true }]];
  if (ext === '.ts' || ext === '.mts' || ext === '.cts') return ['typescript', 'decoratorAutoAccessors', ['decorators', { decoratorsBeforeExport: true }]];
  if (ext === '.tsx') return ['typescript', 'jsx', 'decoratorAutoAccessors', ['decorators', { decoratorsBeforeExport: true }]];
  return ['jsx', 'decoratorAutoAccessors', ['decorators', { decoratorsBeforeExport: true }]];
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

/** Walks every node once, recording each node's parent. */
function indexParents(root: Node): Map<Node, Node> {
  const parents = new Map<Node, Node>();
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const key of Object.keys(node)) {
      if (SKIP_KEYS.has(key)) continue;
      const value = node[key];
      const children = Array.isArray(value) ? value : [value];
      for (const child of children) {
        if (child !== null && typeof child === 'object' && typeof (child as Node).type === 'string') {
          parents.set(child as Node, node);
          stack.push(child as Node);
        }
      }
    }
  }
  return parents;
}

function propertyName(member: Node): string | undefined {
  const property = member.property as Node;
  if (!member.computed && property.type === 'Identifier') return property.name as string;
  if (member.computed && property.type === 'StringLiteral') return property.value as string;
  return undefined;
}

function literalKey(node: Node | undefined): string | undefined {
  if (node?.type === 'StringLiteral') return node.value as string;
  if (node?.type === 'TemplateLiteral' && (node.expressions as unknown[]).length === 0) return ((node.quasis as Node[])[0]!.value as { cooked: string }).cooked;
  return undefined;
}

/**
 * The fast-path rewrite of a file, or undefined when the file needs the full transforms
 * (an unusual import form, a site to flag, or anything this path does not handle).
 */
export function quickTransform(file: string, text: string, transforms: readonly string[]): { output: string; applied: string[] } | undefined {
  if (/\b(require|import)\s*\(|declare\s+module|\b(vi|jest)\.\w+\(/.test(text)) return undefined;
  if (OTHER_REMOVED.some((name) => text.includes(name))) return undefined;
  let program: Node;
  try {
    program = parse(text, { sourceType: 'unambiguous', allowReturnOutsideFunction: true, allowImportExportEverywhere: true, plugins: plugins(file) }).program as unknown as Node;
  } catch {
    return undefined; // the full path reports the error with its own parser
  }
  const splices: Splice[] = [];
  const applied: string[] = [];
  if ([...LOADERS].some((name) => text.includes(name))) {
    if (!transforms.includes('rewrite-context-loaders')) return undefined;
    const loaders = loaderSplices(program);
    if (loaders === undefined) return undefined;
    if (loaders.length > 0) applied.push('rewrite-context-loaders');
    splices.push(...loaders);
  }
  if (transforms.includes('move-authoring-imports')) {
    const imports = importSplices(program, text);
    if (imports === undefined) return undefined;
    if (imports.length > 0) applied.push('move-authoring-imports');
    splices.push(...imports);
  }
  splices.sort((a, b) => b.start - a.start);
  let output = text;
  for (const s of splices) output = output.slice(0, s.start) + s.text + output.slice(s.end);
  return { output, applied };
}

function loaderSplices(program: Node): Splice[] | undefined {
  const parents = indexParents(program);
  const splices: Splice[] = [];
  for (const [node, parent] of parents) {
    if (node.type !== 'MemberExpression' && node.type !== 'OptionalMemberExpression') continue;
    const name = propertyName(node);
    if (name === undefined || !LOADERS.has(name)) continue;
    if (node.computed) return undefined;
    const called = (parent.type === 'CallExpression' || parent.type === 'OptionalCallExpression') && parent.callee === node;
    if (!called || !isEquivalent(node, parent, parents)) return undefined;
    const property = node.property as Node;
    splices.push({ start: property.start, end: property.end, text: 'get' });
  }
  return splices;
}

function enclosingFunction(node: Node, parents: Map<Node, Node>): Node | undefined {
  for (let current = parents.get(node); current; current = parents.get(current)) if (FUNCTIONS.has(current.type)) return current;
  return undefined;
}

function inLoopWithin(a: Node, b: Node, scope: Node, parents: Map<Node, Node>): boolean {
  for (let current = parents.get(a); current && current !== scope; current = parents.get(current)) {
    if (!LOOPS.has(current.type)) continue;
    for (let other = parents.get(b); other && other !== scope; other = parents.get(other)) if (other === current) return true;
  }
  return false;
}

/** The same proof as rewrite-context-loaders: no possible earlier removal of the key, no escape. */
function isEquivalent(member: Node, call: Node, parents: Map<Node, Node>): boolean {
  const receiver = member.object as Node;
  const args = call.arguments as Node[];
  if (receiver.type !== 'Identifier' || args.length !== 1) return false;
  const scope = enclosingFunction(call, parents);
  if (scope === undefined) return false;
  const ctx = receiver.name as string;
  const key = literalKey(args[0]);
  for (const [use, parent] of parents) {
    if (use.type !== 'Identifier' || use.name !== ctx || !within(use, scope, parents)) continue;
    const isReceiver = (parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.object === use;
    if (!isReceiver) {
      if (isBindingOrProperty(use, parent)) continue;
      return false;
    }
    const method = propertyName(parent);
    if (method === undefined) return false;
    const callParent = parents.get(parent);
    if (method !== 'remove' || callParent?.type !== 'CallExpression') continue;
    const removedKey = literalKey((callParent.arguments as Node[])[0]);
    if (key !== undefined && removedKey !== undefined && removedKey !== key) continue;
    const before = callParent.start < call.start || inLoopWithin(use, call, scope, parents) || enclosingFunction(use, parents) !== scope;
    if (before) return false;
  }
  return true;
}

function within(node: Node, ancestor: Node, parents: Map<Node, Node>): boolean {
  for (let current = parents.get(node); current; current = parents.get(current)) if (current === ancestor) return true;
  return false;
}

function isBindingOrProperty(use: Node, parent: Node): boolean {
  if (FUNCTIONS.has(parent.type) && (parent.params as unknown[]).includes(use)) return true;
  if (parent.type === 'TSParameterProperty') return true;
  if ((parent.type === 'ObjectProperty' || parent.type === 'Property') && parent.key === use && !parent.shorthand) return true;
  if ((parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.property === use && !parent.computed) return true;
  if (parent.type === 'TSTypeAnnotation') return true;
  return false;
}

function importSplices(program: Node, text: string): Splice[] | undefined {
  const body = program.body as Node[];
  const splices: Splice[] = [];
  let movingImports = 0;
  if (body.some((s) => s.type === 'ImportDeclaration' && (s.source as Node).value === AUTHORING_PACKAGE)) return undefined; // merging
  for (const statement of body) {
    if ((statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportAllDeclaration') && isCloacinaSource((statement.source as Node | null)?.value)) return undefined;
    if (statement.type !== 'ImportDeclaration') continue;
    const source = (statement.source as Node).value as string;
    if (!isCloacinaSource(source)) continue;
    const specifiers = statement.specifiers as Node[];
    if (specifiers.length === 0 || specifiers.some((s) => s.type !== 'ImportSpecifier')) return undefined;
    const moving: Node[] = [];
    const staying: Node[] = [];
    for (const spec of specifiers) {
      const imported = spec.imported as Node;
      const name = (imported.name as string | undefined) ?? (imported.value as string);
      if (source === LEGACY_PACKAGE && (LEGACY_ONLY.has(name) || LEGACY_RENAMES.has(name))) return undefined;
      (authoringName(name, source) === undefined ? staying : moving).push(spec);
    }
    const literal = statement.source as Node;
    // A second import with authoring names is merged into the first by the full path.
    if (moving.length > 0 && ++movingImports > 1) return undefined;
    const fileQuote = detectQuote(text) === 'single' ? "'" : '"';
    if (moving.length === 0) {
      if (source !== RUNTIME_PACKAGE) splices.push({ start: literal.start, end: literal.end, text: `${fileQuote}${RUNTIME_PACKAGE}${fileQuote}` });
      continue;
    }
    if (staying.length === 0) {
      splices.push({ start: literal.start, end: literal.end, text: `${fileQuote}${AUTHORING_PACKAGE}${fileQuote}` });
      continue;
    }
    if (hasCommentNear(statement, text)) return undefined;
    const raw = text.slice(literal.start, literal.end);
    const q = raw.startsWith('"') ? '"' : "'";
    const keyword = statement.importKind === 'type' ? 'import type' : 'import';
    const list = (specs: Node[]) => specs.map((s) => text.slice(s.start, s.end)).join(', ');
    splices.push({
      start: statement.start,
      end: statement.end,
      text: `${keyword} { ${list(staying)} } from ${q}${RUNTIME_PACKAGE}${q};\n${keyword} { ${list(moving)} } from ${q}${AUTHORING_PACKAGE}${q};`,
    });
  }
  return splices;
}

/** Comments on a split import's lines or just above it move in the full path; leave those to it. */
function hasCommentNear(statement: Node, text: string): boolean {
  const lineStart = text.lastIndexOf('\n', statement.start - 1) + 1;
  const lineEnd = text.indexOf('\n', statement.end);
  const lines = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
  const previous = text.slice(text.lastIndexOf('\n', lineStart - 2) + 1, lineStart);
  return /\/\/|\/\*/.test(lines) || /^\s*(\/\/|\/\*|\*)/.test(previous);
}
