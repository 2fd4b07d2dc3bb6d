// Parses one file, once, for every analysis and edit. Offsets (`node.start`, `node.end`,
// comment ranges) index the exact text given: nothing is normalised first (no BOM strip,
// no line-ending change), so an edit at an offset lands where the parse saw it.
//
// The parser is chosen by extension: TypeScript through Babel's TypeScript plugin (JSX only
// for .tsx), JavaScript with JSX and without Flow (so `a < b > c` is never a type). Both
// decorator syntaxes TypeScript accepts are tried: the legacy one (parameter decorators,
// `@a.b['c']`) and the standard one (`export @dec class`). A `@flow` file is retried with
// Flow, and plain JavaScript that JSX cannot read without it.
import type { ParserOptions, ParserPlugin } from '@babel/parser';
import type * as t from '@babel/types';
import { babelParse } from '../babel.js';

export interface ParsedFile {
  /** The path as given; only its extension matters to the parse. */
  path: string;
  /** The text parsed; every offset indexes it. */
  text: string;
  program: t.Program;
  /** Every comment, in source order. */
  comments: readonly t.Comment[];
}

/** A file whose syntax nests deeper than this thread's stack can parse (see transform-source). */
export class NestingTooDeepError extends Error {
  constructor(path: string) {
    super(`${path}: the code nests too deeply for the parser's stack`);
    this.name = 'NestingTooDeepError';
  }
}

/** Syntax TypeScript 5.9 or Node 20 accepts beyond the base grammar; no other proposals. */
const COMMON: ParserPlugin[] = [
  'decoratorAutoAccessors',
  'explicitResourceManagement',
  'importAttributes',
  'deprecatedImportAssert',
  'sourcePhaseImports',
  'deferredImportEvaluation',
];

const LEGACY_DECORATORS: ParserPlugin = 'decorators-legacy';
const DECORATORS: ParserPlugin = 'decorators';

const BASE: ParserOptions = {
  sourceType: 'unambiguous',
  allowImportExportEverywhere: true,
  allowReturnOutsideFunction: true,
  allowAwaitOutsideFunction: true,
  allowNewTargetOutsideFunction: true,
  allowSuperOutsideMethod: true,
  allowUndeclaredExports: true,
  createImportExpressions: true,
  errorRecovery: false,
  // Comments are read from `comments`; attaching them to nodes costs memory for nothing.
  attachComment: false,
};

type Dialect = 'ts' | 'dts' | 'tsx' | 'js';

export function dialectOf(path: string): Dialect {
  if (/\.d\.[mc]?ts$/.test(path)) return 'dts';
  if (/\.[mc]?ts$/.test(path)) return 'ts';
  if (path.endsWith('.tsx')) return 'tsx';
  return 'js';
}

/** The plugin sets to try, in order, for a dialect: the first that parses wins. */
function attempts(dialect: Dialect, text: string): ParserPlugin[][] {
  const decorated = text.includes('@');
  const withDecorators = (base: ParserPlugin[]) =>
    decorated ? [[...base, LEGACY_DECORATORS], [...base, DECORATORS]] : [[...base, LEGACY_DECORATORS]];
  switch (dialect) {
    case 'ts':
      return withDecorators([...COMMON, 'typescript']);
    case 'dts':
      return withDecorators([...COMMON, ['typescript', { dts: true }]]);
    case 'tsx':
      return withDecorators([...COMMON, 'typescript', 'jsx']);
    case 'js': {
      const list = withDecorators([...COMMON, 'jsx']);
      if (/@flow\b/.test(text)) list.push([...COMMON, 'jsx', ['flow', { all: true }], LEGACY_DECORATORS]);
      list.push([...COMMON, LEGACY_DECORATORS]);
      return list;
    }
  }
}

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

/**
 * Parses `text` as the file at `path`. Throws the parser's SyntaxError (with `loc`) of the
 * first dialect tried when none parses, and NestingTooDeepError when the stack runs out.
 */
export function parseFile(path: string, text: string): ParsedFile {
  // Node strips a byte-order mark before it reads a shebang; the parser wants `#!` first. The
  // same-length `//!` keeps every offset.
  const source = text.startsWith('\uFEFF#!') ? `//!${text.slice(3)}` : text;
  let first: unknown;
  for (const plugins of attempts(dialectOf(path), text)) {
    try {
      const ast = babelParse(source, { ...BASE, plugins });
      return { path, text, program: ast.program, comments: ast.comments ?? [] };
    } catch (error) {
      if (isStackOverflow(error)) throw new NestingTooDeepError(path);
      first ??= error;
    }
  }
  throw first;
}
