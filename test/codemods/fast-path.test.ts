// The Babel-only fast path must produce exactly what the jscodeshift transforms produce,
// on every fixture and on random files, whenever it takes a file at all.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODEMODS } from '../../codemods/index.js';
import { quickTransform } from '../../src/quick-transform.js';
import { transformSource } from '../../src/transform-source.js';

const ROOT = new URL('../fixtures/', import.meta.url).pathname;
const names = CODEMODS.map((c) => c.name);

function samePaths(file: string, text: string): boolean {
  const fast = transformSource(file, text, CODEMODS);
  const full = transformSource(file, text, CODEMODS, { fastPath: false });
  expect(fast).toEqual(full);
  return quickTransform(file, text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n'), names) !== undefined;
}

describe('fast path', () => {
  it('agrees with the full transforms on every fixture input and output', () => {
    let taken = 0;
    for (const dir of readdirSync(ROOT)) {
      for (const fixture of readdirSync(join(ROOT, dir))) {
        const file = fixture.replace(/\.(input|output)\./, '.');
        if (samePaths(file, readFileSync(join(ROOT, dir, fixture), 'utf8'))) taken++;
      }
    }
    // It must actually take the common cases, or this test proves nothing.
    expect(taken).toBeGreaterThan(40);
  });

  const importLine = fc.record({
    names: fc.subarray(['task', 'packagedWorkflow', 'Context', 'Runner', 'executeInMemory', 'when'], { minLength: 1 }),
    typeOnly: fc.boolean(),
    source: fc.constantFrom('cloacina', 'cloacina/legacy', 'zod'),
    quote: fc.constantFrom("'", '"'),
  });
  const body = fc.array(
    fc.constantFrom(
      "ctx.set('a', ctx.loadFromDependenciesAndCache('a'));",
      "ctx.remove('b');",
      "ctx.set('v', ctx.getWithDependencies('b'));",
      "for (const k of ['x']) { ctx.getWithDependencies(k); ctx.remove(k); }",
      "helper(ctx);",
      "ctx.set('c', 1);",
      // The fast path finds names by their text: mentions that are not uses, and uses that are
      // not plain, must be told apart exactly as a walk of the tree would.
      "// ctx.remove('a') and ctx.loadFromDependenciesAndCache('a') in a comment",
      "/* ctx.remove('b') */ ctx.set('d', 2);",
      "const note = 'ctx.remove(\"a\")';",
      "const quoted = 'ctx.getWithDependencies(\"a\")';",
      "const t = `${ctx.loadFromDependenciesAndCache('a')} ctx`;",
      "const inner = (ctx: any) => ctx.remove('a');",
      "function later() { ctx.remove('a'); }",
      "const o = { ctx: 1, other: ctx.get('a') };",
      "other.ctx = ctx.get('c');",
      "const shorthand = { ctx };",
      "while (ctx.get('n')) { ctx.set('v', ctx.loadFromDependenciesAndCache('a')); ctx.remove('a'); }",
      "ctx?.loadFromDependenciesAndCache('a');",
      "ctx['loadFromDependenciesAndCache']('a');",
      "const ctxCopy = ctx; ctxCopy.remove('a');",
      "const f = ctx.loadFromDependenciesAndCache;",
      "label: for (;;) { ctx.getWithDependencies(`b`); break label; }",
    ),
    { maxLength: 5 },
  );
  // Each statement goes in its own block, so repeated declarations stay valid.
  const wrapper = fc.constantFrom(
    ['export const body = (ctx: any) => {', '};'],
    ['export async function body(ctx: any) {', '}'],
    ['export const body = { run(ctx: any) {', '} };'],
    ['export class Body { constructor(private ctx: any) {} run(ctx: any) {', '} }'],
  );

  test.prop([fc.array(importLine, { maxLength: 3 }), body, wrapper, fc.boolean()])('agrees on random files', (imports, statements, [open, close], crlf) => {
    const lines = imports.map((i, n) => `import ${i.typeOnly ? 'type ' : ''}{ ${i.names.map((x) => `${x} as ${x}${n}`).join(', ')} } from ${i.quote}${i.source}${i.quote};`);
    const text = [...lines, '', open, ...statements.flatMap((s) => ['  {', `    ${s}`, '  }']), close, ''].join(crlf ? '\r\n' : '\n');
    samePaths('random.ts', text);
  });
});
