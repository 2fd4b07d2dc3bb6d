// Files that TypeScript 5.9 and Node accept are migrated, whatever syntax surrounds the
// cloacina code: decorators after `export`, U+2028 in literals, current regular expressions,
// and nesting deeper than the parser's stack (retried on a thread with a larger one).
import { describe, expect, it } from 'vitest';
import { CODEMODS } from '../../codemods/index.js';
import { transformSource } from '../../src/transform-source.js';

const V1 = "import { task, Runner } from 'cloacina';\n";
const BODY = "export const t = task({ id: 't' }, async (ctx) => { ctx.set('v', ctx.getWithDependencies('v')); });\nexport { Runner };\n";

function migrated(path: string, middle: string) {
  const source = `${V1}${middle}\n${BODY}`;
  const result = transformSource(path, source, CODEMODS);
  expect(result.output).toBe(`import { Runner } from 'cloacina';\nimport { task } from 'cloacina-workflow';\n${middle}\n${BODY.replace('getWithDependencies', 'get')}`);
  return result;
}

describe('syntax around the cloacina code', () => {
  it.each([
    ['export @dec class', 'a.ts', 'export @sealed class A {}\n@sealed export class B {}'],
    ['parameter decorators', 'a.ts', 'class C { constructor(@Inject(T) private readonly t: T) {} }'],
    ['U+2028 and U+2029 in strings and templates', 'a.ts', 'const a = "x\u2028y";\nconst b = `p\u2029q`;'],
    ['regex modifiers, duplicate named groups, v flag', 'a.mjs', 'const r = /(?i:a)b/;\nconst s = /(?<y>a)|(?<y>b)/;\nconst v = /[\\p{L}--[a-z]]/v;'],
    ['JSX', 'a.jsx', 'const el = <div className="x">{"y"}</div>;'],
  ])('%s', (_name, path, middle) => {
    migrated(path, middle);
  });

  it('a 3,000-term concatenation (deeper than the default stack)', () => {
    const terms = Array.from({ length: 3000 }, (_, i) => `'a${i}'`).join(' + ');
    migrated('deep.ts', `export const s = ${terms};`);
  });

  it('a 20,000-term concatenation', () => {
    const terms = Array.from({ length: 20_000 }, (_, i) => `'a${i}'`).join(' + ');
    migrated('deeper.js', `export const s = ${terms};`);
  });
});

describe('code without semicolons', () => {
  it('keeps a semicolon where an import that goes held the one starting the next line', () => {
    const source = "import { task } from 'cloacina'\nconst a = [1]\nimport { Context } from 'cloacina'\n;(globalThis as any).seen = a\nexport const c = new Context({})\nexport const t = task({ id: 't' }, async () => {})\n";
    const result = transformSource('a.ts', source, CODEMODS);
    expect(result.output).toBe("import { task, Context } from 'cloacina-workflow'\nconst a = [1]\n;(globalThis as any).seen = a\nexport const c = new Context({})\nexport const t = task({ id: 't' }, async () => {})\n");
  });
});
