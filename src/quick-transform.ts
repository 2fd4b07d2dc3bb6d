// A fast path for the common case: files whose cloacina imports are plain named imports and
// whose loader calls are provably equivalent to get(). It parses with Babel alone (no
// tokens, no recast) and applies the same edits as text splices. Anything else, and every
// site that needs a review marker, returns undefined so the jscodeshift transforms handle
// it. A test holds both paths to byte-identical output on every case the fast path takes.
import type { ParserPlugin } from '@babel/parser';
import { extname } from 'node:path';
import { babelParse } from './babel.js';
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

/** Nodes from the program down to one node, that node last. */
type Path = readonly Node[];

/** What the loader proof reads: the text, the tree, and where the comments are. */
interface Parsed {
  text: string;
  program: Node;
  comments: readonly Node[];
}

const isNode = (value: unknown): value is Node => value !== null && typeof value === 'object' && typeof (value as Node).type === 'string';
const covers = (node: Node, offset: number) => node.start <= offset && offset < node.end;

function childAt(node: Node, offset: number): Node | undefined {
  for (const key of Object.keys(node)) {
    if (SKIP_KEYS.has(key)) continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const child of value) if (isNode(child) && covers(child, offset)) return child;
    } else if (isNode(value) && covers(value, offset)) return value;
  }
  return undefined;
}

/**
 * The path from `from` down to the innermost node whose range holds `offset`. Going down
 * by position visits a few dozen nodes where a walk of the whole tree visits thousands.
 */
function descend(from: Path, offset: number): Node[] {
  const path = [...from];
  for (let child = childAt(path[path.length - 1]!, offset); child; child = childAt(child, offset)) path.push(child);
  return path;
}

const ID_CHAR = '[\\p{ID_Continue}$\\u200c\\u200d]';

/** Offsets in [start, end) where `name` stands as a whole word. */
function occurrences(text: string, name: string, start: number, end: number): number[] {
  const pattern = new RegExp(`(?<!${ID_CHAR})${name.replace(/\$/g, '\\$')}(?!${ID_CHAR})`, 'gu');
  pattern.lastIndex = start;
  const found: number[] = [];
  for (let match = pattern.exec(text); match !== null && match.index < end; match = pattern.exec(text)) found.push(match.index);
  return found;
}

const inComment = (parsed: Parsed, offset: number) => parsed.comments.some((c) => covers(c, offset));

/** Nodes whose text may mention a name without being a use of it. */
const TEXT_NODES = new Set(['StringLiteral', 'TemplateElement', 'DirectiveLiteral', 'RegExpLiteral', 'JSXText']);

const isMember = (node: Node | undefined) => node?.type === 'MemberExpression' || node?.type === 'OptionalMemberExpression';

/** Index in `path` of the innermost function strictly above its last node, or -1. */
function enclosingFunctionIndex(path: Path): number {
  for (let i = path.length - 2; i >= 0; i--) if (FUNCTIONS.has(path[i]!.type)) return i;
  return -1;
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
  let parsed: Parsed;
  try {
    const ast = babelParse(text, { sourceType: 'unambiguous', attachComment: false, allowReturnOutsideFunction: true, allowImportExportEverywhere: true, plugins: plugins(file) });
    parsed = { text, program: ast.program as unknown as Node, comments: (ast.comments ?? []) as unknown as Node[] };
  } catch {
    return undefined; // the full path reports the error with its own parser
  }
  const splices: Splice[] = [];
  const applied: string[] = [];
  if ([...LOADERS].some((name) => text.includes(name))) {
    if (!transforms.includes('rewrite-context-loaders')) return undefined;
    const loaders = loaderSplices(parsed);
    if (loaders === undefined) return undefined;
    if (loaders.length > 0) applied.push('rewrite-context-loaders');
    splices.push(...loaders);
  }
  if (transforms.includes('move-authoring-imports')) {
    const imports = importSplices(parsed.program, text);
    if (imports === undefined) return undefined;
    if (imports.length > 0) applied.push('move-authoring-imports');
    splices.push(...imports);
  }
  splices.sort((a, b) => b.start - a.start);
  let output = text;
  for (const s of splices) output = output.slice(0, s.start) + s.text + output.slice(s.end);
  return { output, applied };
}

/**
 * Finds the loader calls by their text and reaches each through the tree by position. Any
 * occurrence that is not plainly a `receiver.loader(key)` call (outside comments) sends the
 * file to the full transforms.
 */
function loaderSplices(parsed: Parsed): Splice[] | undefined {
  // An escaped identifier (\u0063tx) would hide from the text search.
  if (/\\(?:u|x|[0-7])/.test(parsed.text)) return undefined;
  const splices: Splice[] = [];
  for (const name of LOADERS) {
    for (const offset of occurrences(parsed.text, name, 0, parsed.text.length)) {
      if (inComment(parsed, offset)) continue;
      const path = descend([parsed.program], offset);
      const [call, member, property] = path.slice(-3);
      if (property?.type !== 'Identifier' || property.name !== name || !isMember(member) || member!.property !== property || member!.computed) return undefined;
      if ((call!.type !== 'CallExpression' && call!.type !== 'OptionalCallExpression') || call!.callee !== member) return undefined;
      if (!isEquivalent(member!, path.slice(0, -2), parsed)) return undefined;
      splices.push({ start: property.start, end: property.end, text: 'get' });
    }
  }
  return splices;
}

/** Whether a loop strictly between `scopeIndex` and the use also holds the call. */
function inLoopWithin(usePath: Path, callPath: Path, scopeIndex: number): boolean {
  const callAncestors = callPath.slice(scopeIndex + 1, -1);
  for (let i = usePath.length - 2; i > scopeIndex; i--) if (LOOPS.has(usePath[i]!.type) && callAncestors.includes(usePath[i]!)) return true;
  return false;
}

/** The same proof as rewrite-context-loaders: no possible earlier removal of the key, no escape. */
function isEquivalent(member: Node, callPath: Path, parsed: Parsed): boolean {
  const call = callPath[callPath.length - 1]!;
  const receiver = member.object as Node;
  const args = call.arguments as Node[];
  if (receiver.type !== 'Identifier' || args.length !== 1) return false;
  const scopeIndex = enclosingFunctionIndex(callPath);
  if (scopeIndex < 0) return false;
  const scope = callPath[scopeIndex]!;
  const scopePath = callPath.slice(0, scopeIndex + 1);
  const ctx = receiver.name as string;
  const key = literalKey(args[0]);
  for (const offset of occurrences(parsed.text, ctx, scope.start, scope.end)) {
    if (inComment(parsed, offset)) continue;
    const usePath = descend(scopePath, offset);
    const use = usePath[usePath.length - 1]!;
    if (use.type !== 'Identifier' || use.name !== ctx) {
      if (TEXT_NODES.has(use.type)) continue;
      return false;
    }
    const parent = usePath[usePath.length - 2]!;
    const isReceiver = isMember(parent) && parent.object === use;
    if (!isReceiver) {
      if (isBindingOrProperty(use, parent)) continue;
      return false;
    }
    const method = propertyName(parent);
    if (method === undefined) return false;
    const callParent = usePath[usePath.length - 3];
    if (method !== 'remove' || callParent?.type !== 'CallExpression') continue;
    const removedKey = literalKey((callParent.arguments as Node[])[0]);
    if (key !== undefined && removedKey !== undefined && removedKey !== key) continue;
    const before = callParent.start < call.start || inLoopWithin(usePath, callPath, scopeIndex) || usePath[enclosingFunctionIndex(usePath)] !== scope;
    if (before) return false;
  }
  return true;
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
