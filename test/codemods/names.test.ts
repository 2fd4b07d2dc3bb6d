// The codemods' list of authoring names must be exactly what cloacina-workflow exports.
import { expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ts from 'typescript';
import * as authoring from 'cloacina-workflow';
import { AUTHORING_TYPES, AUTHORING_VALUES } from '../../src/imports/names.js';
import { TARGET_AUTHORING_VERSION, TARGET_RUNTIME_VERSION } from '../../src/manifest/versions.js';

it('lists every value export of cloacina-workflow, and nothing else', () => {
  expect([...AUTHORING_VALUES].sort()).toEqual(Object.keys(authoring).sort());
});

it('lists every type-only export of cloacina-workflow, and nothing else', () => {
  const require = createRequire(import.meta.url);
  const dts = require.resolve('cloacina-workflow').replace(/index\.js$/, 'index.d.ts');
  const source = ts.createSourceFile(dts, readFileSync(dts, 'utf8'), ts.ScriptTarget.Latest, true);
  const typeNames = new Set<string>();
  source.forEachChild((node) => {
    if (ts.isExportDeclaration(node) && node.exportClause && ts.isNamedExports(node.exportClause) && node.isTypeOnly) {
      for (const el of node.exportClause.elements) typeNames.add(el.name.text);
    }
  });
  for (const value of AUTHORING_VALUES) typeNames.delete(value);
  expect([...AUTHORING_TYPES].sort()).toEqual([...typeNames].sort());
});

it('targets the versions the packages carry', () => {
  const version = (pkg: string) => (JSON.parse(readFileSync(new URL(`../../packages/${pkg}/package.json`, import.meta.url), 'utf8')) as { version: string }).version;
  expect(TARGET_AUTHORING_VERSION).toBe(version('cloacina-workflow'));
  expect(TARGET_RUNTIME_VERSION).toBe(version('cloacina'));
});
