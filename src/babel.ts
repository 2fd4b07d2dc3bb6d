// @babel/parser, loaded on first use and with require: through the ESM loader Node would
// first lex this large CommonJS file for its export names, and a run whose files all go
// to worker threads never needs it on the main thread.
import { createRequire } from 'node:module';
import type { ParseResult, ParserOptions } from '@babel/parser';
import type { File } from '@babel/types';

let babel: typeof import('@babel/parser') | undefined;

export function babelParse(source: string, options: ParserOptions): ParseResult<File> {
  babel ??= createRequire(import.meta.url)('@babel/parser') as typeof import('@babel/parser');
  return babel.parse(source, options);
}
