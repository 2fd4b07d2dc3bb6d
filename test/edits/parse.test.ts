// What TypeScript 5.9 and Node accept parses: both decorator placements, parameter
// decorators, U+2028/U+2029 in literals, current regular-expression syntax; offsets index
// the text as given (BOM, shebang and CRLF included).
import { describe, expect, it } from 'vitest';
import { NestingTooDeepError, parseFile } from '../../src/analysis/parse.js';

describe('parseFile', () => {
  it.each([
    ['export @dec', 'a.ts', 'export @dec class A {}\nexport default @dec class B {}'],
    ['@dec export', 'a.ts', '@dec export class A {}'],
    ['parameter decorators', 'a.ts', 'class A { constructor(@Inject() x: number) {} m(@P() y: string) {} }'],
    ['decorators in JS', 'a.js', 'export @dec class A { @x accessor y = 1 }'],
    ['U+2028 in literals', 'a.ts', 'const a = "x\u2028y"; const b = `a\u2029b`; const c = \'\u2028\';'],
    ['regex modifiers, duplicate named groups, v flag', 'a.mjs', 'const r = /(?i:a)b/; const s = /(?<y>a)|(?<y>b)/; const v = /[\\p{L}--[a-z]]/v;'],
    ['import attributes and assert', 'a.mts', 'import a from "./a.json" with { type: "json" };\nimport b from "./b.json" assert { type: "json" };'],
    ['using, satisfies, accessor', 'a.ts', '{ using x = y; }\nconst a = {} satisfies B;\nclass C { accessor z = 1 }'],
    ['JSX in .jsx, .js and .tsx', 'a.tsx', 'const a = <div>{b}</div>;'],
    ['Flow when the file says so', 'a.js', '// @flow\nfunction f(x: number): string { return "" }'],
    ['JS that reads better without JSX', 'a.js', 'const a = b < c > d;'],
  ])('%s', (_name, path, text) => {
    expect(() => parseFile(path, text)).not.toThrow();
  });

  it('keeps offsets on the text as given', () => {
    const text = '\uFEFF#!/usr/bin/env node\r\n"use strict";\r\nconst a = 1;\r\n';
    const file = parseFile('a.cjs', text);
    const declaration = file.program.body[0]!;
    expect(text.slice(declaration.start!, declaration.end!)).toBe('const a = 1;');
  });

  it('names the file when code nests deeper than the stack', () => {
    const deep = `const s = ${Array.from({ length: 20_000 }, (_, i) => `'a${i}'`).join(' + ')};`;
    expect(() => parseFile('deep.ts', deep)).toThrow(NestingTooDeepError);
  });

  it('reports a syntax error with its position', () => {
    expect(() => parseFile('bad.ts', 'const = 1;')).toThrow(expect.objectContaining({ loc: expect.objectContaining({ line: 1 }) }));
  });
});
