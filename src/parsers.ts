// The parser for each file extension: TypeScript files through Babel's TypeScript
// plugin (with JSX only for .tsx), JavaScript through Babel with JSX and without Flow,
// so `a < b > c` in plain JS is never read as a type.
import type { ParserOptions, ParserPlugin } from '@babel/parser';
import { extname } from 'node:path';
import { babelParse } from './babel.js';

export const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

const COMMON: ParserPlugin[] = [
  'decoratorAutoAccessors',
  ['decorators', { decoratorsBeforeExport: true }],
  'explicitResourceManagement',
  'importAttributes',
  'sourcePhaseImports',
  'deferredImportEvaluation',
];

function parser(plugins: ParserPlugin[], dts = false) {
  const options: ParserOptions = {
    sourceType: 'unambiguous',
    allowImportExportEverywhere: true,
    allowReturnOutsideFunction: true,
    allowUndeclaredExports: true,
    errorRecovery: false,
    startLine: 1,
    tokens: true,
    plugins: [...COMMON, ...plugins],
  };
  return {
    parse(source: string) {
      return babelParse(source, dts ? { ...options, plugins: [...options.plugins!.filter((p) => p !== 'typescript'), ['typescript', { dts: true }]] } : options);
    },
  };
}

const TS = parser(['typescript']);
const DTS = parser(['typescript'], true);
const TSX = parser(['typescript', 'jsx']);
const JS = parser(['jsx']);

/** The parser for a file, chosen by its extension. */
export function parserFor(file: string) {
  if (file.endsWith('.d.ts') || file.endsWith('.d.mts') || file.endsWith('.d.cts')) return DTS;
  switch (extname(file)) {
    case '.ts':
    case '.mts':
    case '.cts':
      return TS;
    case '.tsx':
      return TSX;
    default:
      return JS;
  }
}
