// Real files from packages installed from the npm registry (their licences sit beside them in
// node_modules), with v1 cloacina code planted into them: after the migration not one byte
// outside the planted code differs, every output parses as the input did, and a second run
// changes nothing. Where no installed package has a shape (BOM, U+2028 in a literal,
// decorators after `export`, mixed line endings), it is made from a real file by a fixed rule.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { CODEMODS } from '../../codemods/index.js';
import { parseFile } from '../../src/analysis/parse.js';
import { cutRegions, plant, regionText } from './plant.js';
import { transformSource } from '../../src/transform-source.js';
import { MARKER } from '../../src/edits/flags.js';

interface RealFile {
  /** Package name and path inside it. */
  pkg: string;
  file: string;
  covers: string;
  /** A fixed rule that gives the real text a shape no installed package has. */
  make?: (text: string) => string;
}

const toCrlf = (text: string) => text.replace(/\r?\n/g, '\r\n');
/** Every third line ends with CRLF, the others with LF. */
const toMixed = (text: string) => {
  let n = 0;
  return text.replace(/\r?\n/g, () => (++n % 3 === 0 ? '\r\n' : '\n'));
};
/** U+2028 and U+2029 into the first template literal and the first single-quoted string. */
const withLineSeparators = (text: string) => text.replace(/`([^`$\n]{3})/, '`$1\u2028').replace(/'([^'\\\n]{3,})'/, "'$1\u2029'");
/** Decorators on exported classes, after `export` and before it. */
const decorated = (text: string) => {
  let n = 0;
  return text.replace(/^export (abstract )?class /gm, (_m, abstract: string | undefined) =>
    ++n % 2 === 1 ? `export @sealed ${abstract ?? ''}class ` : `@sealed\nexport ${abstract ?? ''}class `,
  );
};

const CORPUS: RealFile[] = [
  { pkg: 'semver', file: 'bin/semver.js', covers: 'shebang, CommonJS' },
  { pkg: 'publint', file: 'src/cli.js', covers: 'shebang, ESM, no semicolons' },
  { pkg: 'jscodeshift', file: 'bin/jscodeshift.js', covers: "shebang, 'use strict'" },
  { pkg: '@babel/parser', file: 'lib/index.js', covers: "'use strict' and a blank line, big classes (14,000 lines)" },
  { pkg: 'pg', file: 'lib/client.js', covers: 'no semicolons, a big class' },
  { pkg: 'write-file-atomic', file: 'lib/index.js', covers: "'use strict', no semicolons" },
  { pkg: 'publint', file: 'src/shared/core.js', covers: 'ESM, no semicolons' },
  { pkg: 'color-name', file: 'index.js', covers: 'CRLF' },
  { pkg: 'tslib', file: 'tslib.js', covers: 'CRLF, a UMD wrapper' },
  { pkg: 'pg-protocol', file: 'src/parser.ts', covers: 'TypeScript, a class' },
  { pkg: '@jridgewell/trace-mapping', file: 'src/trace-mapping.ts', covers: 'TypeScript, a big class' },
  { pkg: '@tanstack/react-query', file: 'src/QueryClientProvider.tsx', covers: 'JSX' },
  { pkg: '@tanstack/react-query', file: 'src/HydrationBoundary.tsx', covers: 'JSX, directives' },
  { pkg: '@tanstack/query-core', file: 'src/queryClient.ts', covers: 'decorators before and after export', make: decorated },
  { pkg: 'pg-protocol', file: 'src/serializer.ts', covers: 'BOM', make: (t) => `\uFEFF${t}` },
  { pkg: 'publint', file: 'src/shared/message.js', covers: 'U+2028/U+2029 in literals', make: withLineSeparators },
  { pkg: 'pg', file: 'lib/query.js', covers: 'CRLF without semicolons', make: toCrlf },
  { pkg: 'semver', file: 'bin/semver.js', covers: 'shebang with CRLF', make: toCrlf },
  { pkg: 'pg', file: 'lib/utils.js', covers: 'mixed line endings', make: toMixed },
];

const NODE_MODULES = new URL('../../node_modules/', import.meta.url).pathname;

function parseDiagnostics(path: string, text: string): number {
  const kind = path.endsWith('x') ? ts.ScriptKind.TSX : /\.[mc]?ts$/.test(path) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, kind);
  return (source as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length;
}

// ---------------------------------------------------------------- the suite

describe('real files with planted v1 code', () => {
  it('cover every shape the issue names', () => {
    const covered = CORPUS.map((c) => c.covers).join(' ');
    for (const shape of ['shebang', "'use strict'", 'no semicolons', 'CRLF', 'mixed line endings', 'BOM', 'U+2028', 'JSX', 'decorators', 'big class']) {
      expect(covered, shape).toContain(shape);
    }
  });

  it.each(CORPUS.map((c) => [`${c.pkg}/${c.file} (${c.covers})`, c] as const))('%s', (_label, entry) => {
    const path = join(NODE_MODULES, entry.pkg, entry.file);
    const original = readFileSync(path, 'utf8');
    const real = entry.make ? entry.make(original) : original;
    if (entry.make) expect(real, 'the rule changed the file').not.toBe(original);
    const { planted, regions } = plant(path, real);

    const first = transformSource(path, planted, CODEMODS);
    expect(first.changed).toBe(true);
    // Zero changed bytes outside the planted code.
    expect(cutRegions(first.output, regions)).toBe(real);
    // The planted code was migrated.
    expect(first.output).toContain('cloacina-workflow');
    expect(first.output).not.toContain('.loadFromDependenciesAndCache(');
    expect(first.output).not.toContain('.setDependencyLoader(');
    // The output parses, with Babel and with TypeScript, as the planted input did.
    expect(() => parseFile(path, first.output)).not.toThrow();
    expect(parseDiagnostics(path, first.output)).toBe(parseDiagnostics(path, planted));
    // New lines take the line ending of where they are, and no semicolon where the file has none.
    regions.forEach((region) => {
      const n = region.n;
      const migrated = regionText(first.output, n);
      const endings = migrated.match(/\r\n|\n|\r/g) ?? [];
      expect(new Set(endings), `line endings of region ${n}`).toEqual(new Set([region.eol]));
      if (!region.text.includes(';')) {
        const code = migrated.split(/\r\n|\n|\r/).filter((l) => !l.trim().startsWith('//'));
        expect(code.join('\n'), `semicolons in region ${n}`).not.toContain(';');
      }
    });
    // Each flag's line (in the written text) holds its marker or the site below it.
    const lines = first.output.split(/\r\n|\n|\r/);
    for (const flag of first.flags) {
      expect(`${lines[flag.line - 2]}\n${lines[flag.line - 1]}`, `${flag.reason} at ${flag.line}`).toContain(MARKER);
    }
    // A second run changes nothing.
    const second = transformSource(path, first.output, CODEMODS);
    expect(second.output).toBe(first.output);
  });
});
