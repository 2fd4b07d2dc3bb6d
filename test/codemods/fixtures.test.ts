// Every fixture: input -> expected output, expected output -> itself (idempotent), every
// TypeScript output parses with the TypeScript compiler, and the flags each case expects.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { CODEMODS } from '../../codemods/index.js';
import { transformSource } from '../../src/transform-source.js';

const ROOT = new URL('../fixtures/', import.meta.url).pathname;

interface Case {
  dir: string;
  name: string;
  ext: string;
  input: string;
  output: string;
}

function cases(): Case[] {
  const all: Case[] = [];
  for (const dir of readdirSync(ROOT)) {
    for (const file of readdirSync(join(ROOT, dir))) {
      const match = /^(.*)\.input\.(.*)$/.exec(file);
      if (!match) continue;
      const [, name, ext] = match as unknown as [string, string, string];
      all.push({
        dir,
        name,
        ext,
        input: readFileSync(join(ROOT, dir, file), 'utf8'),
        output: readFileSync(join(ROOT, dir, `${name}.output.${ext}`), 'utf8'),
      });
    }
  }
  return all;
}

const ALL = cases();
const transformsFor = (dir: string) => (dir === 'all' ? CODEMODS : CODEMODS.filter((c) => c.name === dir));

function parseErrors(file: string, text: string): string[] {
  const kind = file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const diagnostics = (source as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  return diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

/** The flags each case must raise; every other case must raise none. */
const EXPECTED_FLAGS: Record<string, string[]> = {
  'move-authoring-imports/namespace-as-value': ['namespace-as-value'],
  'move-authoring-imports/export-star': ['export-star'],
  'move-authoring-imports/dynamic-import-then': ['dynamic-import'],
  'move-authoring-imports/mock-legacy': ['mock-split'],
  'move-authoring-imports/legacy-barrel': ['legacy-barrel', 'legacy-barrel'],
  'move-authoring-imports/declare-module-mixed': ['augmentation-mixed'],
  'move-authoring-imports/legacy-only': ['legacy-only-name'],
  'rewrite-context-loaders/remove-same-key': ['loader-after-remove'],
  'rewrite-context-loaders/remove-dynamic-key': ['loader-after-remove'],
  'rewrite-context-loaders/remove-in-loop': ['loader-after-remove'],
  'rewrite-context-loaders/remove-in-closure': ['loader-after-remove'],
  'rewrite-context-loaders/context-escapes': ['loader-context-escapes'],
  'rewrite-context-loaders/this-context': ['loader-context-escapes'],
  'rewrite-context-loaders/not-called': ['loader-not-called'],
  'rewrite-context-loaders/set-dependency-loader': ['dependency-loader-removed'],
  'rewrite-context-loaders/set-execution-scope': ['execution-scope-set-removed'],
  'rewrite-context-loaders/setter-in-expression': ['removed-method-in-expression'],
  'rewrite-context-loaders/execution-scope-read': ['execution-scope-read'],
  'rewrite-context-loaders/receiver-unknown': ['receiver-unknown'],
  'rewrite-context-loaders/receiver-type-without-get': ['receiver-type-without-get'],
  'rewrite-context-loaders/method-name-computed': ['method-name-computed'],
  'rewrite-context-loaders/context-double': ['context-double'],
  'rewrite-context-loaders/method-name-from-config': ['method-name-computed'],
  'rewrite-context-loaders/removed-method-tested': ['removed-method-tested', 'removed-method-tested', 'loader-context-escapes'],
  'rewrite-context-loaders/loader-set-by-hand': ['removed-method-in-expression', 'loader-set-by-hand', 'dependency-loader-read', 'loader-set-by-hand'],
  'rewrite-context-loaders/loader-set-in-helper': ['dependency-loader-read', 'dependency-loader-read', 'loader-set-by-hand', 'loader-set-by-hand', 'dependency-loader-removed'],
  'rewrite-context-loaders/removed-method-type': ['removed-method-type', 'removed-method-type', 'removed-method-type', 'removed-method-type'],
  'all/legacy-subpath': ['loader-after-remove', 'execution-scope-read'],
  'all/legacy-unit-test': ['dependency-loader-read'],
};

describe('codemod fixtures', () => {
  it('cover at least 60 cases, every extension and every flag reason', async () => {
    expect(ALL.length).toBeGreaterThanOrEqual(60);
    const exts = new Set(ALL.map((c) => c.ext.replace(/^(test|d)\./, '')));
    for (const ext of ['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs']) expect(exts, ext).toContain(ext);
    const { REASONS } = await import('../../src/edits/flags.js');
    const raised = new Set(Object.values(EXPECTED_FLAGS).flat());
    for (const reason of Object.keys(REASONS)) expect(raised, reason).toContain(reason);
  });

  describe.each(ALL.map((c) => [`${c.dir}/${c.name}.${c.ext}`, c] as const))('%s', (_label, c) => {
    const file = `${c.name}.${c.ext}`;
    const transforms = transformsFor(c.dir);

    it('transforms the input into the expected output, with the expected flags', () => {
      const result = transformSource(file, c.input, transforms);
      expect(result.output).toBe(c.output);
      expect(result.changed).toBe(c.input !== c.output);
      expect(result.flags.map((f) => f.reason)).toEqual(EXPECTED_FLAGS[`${c.dir}/${c.name}`] ?? []);
    });

    it('leaves the expected output as it is (idempotent)', () => {
      const again = transformSource(file, c.output, transforms);
      expect(again.output).toBe(c.output);
      expect(again.changed).toBe(false);
    });

    if (/\.(ts|tsx|mts|cts)$/.test(file)) {
      it('produces TypeScript that parses', () => {
        expect(parseErrors(file, c.output)).toEqual([]);
      });
    }
  });
});
