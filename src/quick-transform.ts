// A fast path for the common case: files whose cloacina imports are plain named imports. It
// parses with Babel alone (no tokens, no recast) and applies the same edits as text splices.
// Anything else, and every site that needs a review marker, returns undefined so the
// jscodeshift transforms handle it. A test holds both paths to byte-identical output on every
// case the fast path takes. (The removed context methods are planned before either path runs,
// by src/analysis/removed-methods.ts.)
import type { ParserPlugin } from '@babel/parser';
import { extname } from 'node:path';
import { babelParse } from './babel.js';
import { authoringName, AUTHORING_PACKAGE, isCloacinaSource, LEGACY_ONLY, LEGACY_PACKAGE, LEGACY_RENAMES, RUNTIME_PACKAGE } from '../codemods/lib/names.js';
import { detectQuote } from '../codemods/lib/print.js';

type Node = { type: string; start: number; end: number; [key: string]: unknown };

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

/**
 * The fast-path rewrite of a file, or undefined when the file needs the full transforms
 * (an unusual import form, a site to flag, or anything this path does not handle).
 */
export function quickTransform(file: string, text: string, transforms: readonly string[]): { output: string; applied: string[] } | undefined {
  const quick = quickSplices(file, text, transforms);
  if (quick === undefined) return undefined;
  const splices = [...quick.splices].sort((a, b) => b.start - a.start);
  let output = text;
  for (const s of splices) output = output.slice(0, s.start) + s.text + output.slice(s.end);
  return { output, applied: quick.applied };
}

/** The fast path's edits as splices on `text` (parsed here unless its program is given), or undefined. */
export function quickSplices(file: string, text: string, transforms: readonly string[], parsed?: unknown): { splices: Splice[]; applied: string[] } | undefined {
  if (/\b(require|import)\s*\(|declare\s+module|\b(vi|jest)\.\w+\(/.test(text)) return undefined;
  let program = parsed as Node | undefined;
  if (program === undefined) {
    try {
      program = babelParse(text, { sourceType: 'unambiguous', attachComment: false, allowReturnOutsideFunction: true, allowImportExportEverywhere: true, plugins: plugins(file) }).program as unknown as Node;
    } catch {
      return undefined; // the full path reports the error with its own parser
    }
  }
  const splices: Splice[] = [];
  const applied: string[] = [];
  if (transforms.includes('move-authoring-imports')) {
    const imports = importSplices(program, text);
    if (imports === undefined) return undefined;
    if (imports.length > 0) applied.push('move-authoring-imports');
    splices.push(...imports);
  }
  return { splices, applied };
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
