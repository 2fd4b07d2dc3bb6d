// Random combinations of import forms, comments, quotes and line endings through the
// import transform: the output parses, keeps every binding, leaves no unflagged cloacina
// specifier that only carries authoring names, and a second run changes nothing.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { parse } from '@babel/parser';
import ts from 'typescript';
import { CODEMODS } from '../../codemods/index.js';
import { AUTHORING_VALUES, AUTHORING_TYPES } from '../../src/imports/names.js';
import { MARKER } from '../../src/edits/flags.js';
import { transformSource } from '../../src/transform-source.js';

const AUTHORING = ['task', 'packagedWorkflow', 'Context', 'TaskError', 'RetryPolicy', 'when'];
const TYPES = ['Task', 'TaskOptions', 'JsonValue'];
const RUNTIME = ['Runner', 'executeInMemory', 'SqliteStore'];

type Form =
  | { form: 'named'; names: string[]; types: string[]; typeOnly: boolean }
  | { form: 'namespace'; members: string[] }
  | { form: 'require'; names: string[] }
  | { form: 'requireMember'; name: string }
  | { form: 'dynamic'; names: string[] }
  | { form: 'reexport'; names: string[] }
  | { form: 'existing'; names: string[] };

const someOf = (pool: string[]) => fc.subarray(pool, { minLength: 1, maxLength: 3 });
const valueNames = someOf([...AUTHORING, ...RUNTIME]);

const formArb: fc.Arbitrary<Form> = fc.oneof(
  fc.record({ form: fc.constant('named' as const), names: valueNames, types: fc.subarray(TYPES, { maxLength: 2 }), typeOnly: fc.boolean() }),
  fc.record({ form: fc.constant('namespace' as const), members: valueNames }),
  fc.record({ form: fc.constant('require' as const), names: valueNames }),
  fc.record({ form: fc.constant('requireMember' as const), name: fc.constantFrom(...AUTHORING, ...RUNTIME) }),
  fc.record({ form: fc.constant('dynamic' as const), names: valueNames }),
  fc.record({ form: fc.constant('reexport' as const), names: valueNames }),
  fc.record({ form: fc.constant('existing' as const), names: someOf(AUTHORING) }),
);

interface Rendered {
  lines: string[];
  locals: string[];
}

/** Renders one import form; every local name is unique thanks to the index suffix. */
function render(form: Form, i: number, q: string): Rendered {
  const local = (n: string) => `${n}_${i}`;
  switch (form.form) {
    case 'named': {
      if (form.typeOnly) {
        const names = [...form.types, ...form.names.filter((n) => !RUNTIME.includes(n))];
        if (names.length === 0) return { lines: [], locals: [] };
        return { lines: [`import type { ${names.map((n) => `${n} as ${local(n)}`).join(', ')} } from ${q}cloacina${q};`], locals: names.map(local) };
      }
      const specs = [...form.names.map((n) => `${n} as ${local(n)}`), ...form.types.map((t) => `type ${t} as ${local(t)}`)];
      return { lines: [`import { ${specs.join(', ')} } from ${q}cloacina${q};`], locals: [...form.names, ...form.types].map(local) };
    }
    case 'namespace':
      return {
        lines: [`import * as ns_${i} from ${q}cloacina${q};`, ...form.members.map((m) => `export const use_${i}_${m} = ns_${i}.${m};`)],
        locals: [`ns_${i}`],
      };
    case 'require':
      return { lines: [`const { ${form.names.map((n) => `${n}: ${local(n)}`).join(', ')} } = require(${q}cloacina${q});`], locals: form.names.map(local) };
    case 'requireMember':
      return { lines: [`const ${local(form.name)} = require(${q}cloacina${q}).${form.name};`], locals: [local(form.name)] };
    case 'dynamic':
      return { lines: [`const { ${form.names.map((n) => `${n}: ${local(n)}`).join(', ')} } = await import(${q}cloacina${q});`], locals: form.names.map(local) };
    case 'reexport':
      return { lines: [`export { ${form.names.map((n) => `${n} as ${local(n)}`).join(', ')} } from ${q}cloacina${q};`], locals: [] };
    case 'existing':
      return { lines: [`import { ${form.names.map((n) => `${n} as ${local(n)}`).join(', ')} } from ${q}cloacina-workflow${q};`], locals: form.names.map(local) };
  }
}

const fileArb = fc.record({
  forms: fc.array(formArb, { minLength: 1, maxLength: 6 }),
  comments: fc.array(fc.constantFrom('', '// note', '/* block */', '/** doc */'), { minLength: 6, maxLength: 6 }),
  header: fc.constantFrom('', "'use client';", '// SPDX-License-Identifier: MIT', '/* Copyright */'),
  quote: fc.constantFrom("'", '"'),
  crlf: fc.boolean(),
});

function build(file: fc.Arbitrary<unknown> extends never ? never : { forms: Form[]; comments: string[]; header: string; quote: string; crlf: boolean }) {
  const parts: string[] = [];
  const locals: string[] = [];
  if (file.header) parts.push(file.header);
  file.forms.forEach((form, i) => {
    const rendered = render(form, i, file.quote);
    if (rendered.lines.length === 0) return;
    if (file.comments[i]) parts.push(file.comments[i]!);
    parts.push(...rendered.lines);
    locals.push(...rendered.locals);
  });
  parts.push(`export const all = [${locals.filter((l) => !TYPES.some((t) => l.startsWith(`${t}_`)) && !isTypeOnlyLocal(l, file.forms)).join(', ')}];`);
  const text = parts.join('\n') + '\n';
  return { text: file.crlf ? text.replace(/\n/g, '\r\n') : text, locals };
}

function isTypeOnlyLocal(local: string, forms: Form[]): boolean {
  const index = Number(local.slice(local.lastIndexOf('_') + 1));
  const form = forms[index];
  return form?.form === 'named' && form.typeOnly;
}

/** Names bound at the top level by imports and requires. */
function boundNames(text: string): string[] {
  const ast = parse(text, { sourceType: 'module', plugins: ['typescript'], allowAwaitOutsideFunction: true });
  const names: string[] = [];
  for (const statement of ast.program.body) {
    if (statement.type === 'ImportDeclaration') for (const s of statement.specifiers) names.push(s.local.name);
    if (statement.type === 'VariableDeclaration') {
      for (const d of statement.declarations) {
        if (d.id.type === 'Identifier') names.push(d.id.name);
        if (d.id.type === 'ObjectPattern') for (const p of d.id.properties) if (p.type === 'ObjectProperty' && p.value.type === 'Identifier') names.push(p.value.name);
      }
    }
  }
  return names.filter((n) => !n.startsWith('use_') && n !== 'all').sort();
}

/** `cloacina` imports that carry authoring names only, with no review marker above them. */
function unflaggedAuthoringOnly(text: string): string[] {
  const ast = parse(text, { sourceType: 'module', plugins: ['typescript'], allowAwaitOutsideFunction: true });
  const offenders: string[] = [];
  for (const statement of ast.program.body) {
    if (statement.type !== 'ImportDeclaration' || statement.source.value !== 'cloacina') continue;
    const flagged = (statement.leadingComments ?? []).some((c) => c.value.includes(MARKER));
    const named = statement.specifiers.filter((s) => s.type === 'ImportSpecifier');
    if (named.length === 0 || flagged) continue;
    const onlyAuthoring = named.every((s) => {
      const name = s.imported.type === 'Identifier' ? s.imported.name : s.imported.value;
      return AUTHORING_VALUES.has(name) || AUTHORING_TYPES.has(name);
    });
    if (onlyAuthoring) offenders.push(text.slice(statement.start!, statement.end!));
  }
  return offenders;
}

const transforms = CODEMODS.filter((c) => c.name === 'move-authoring-imports');

describe('import transform properties', () => {
  test.prop([fileArb])('parses, keeps bindings, moves authoring names, and is idempotent', (file) => {
    const { text } = build(file);
    const once = transformSource('random.ts', text, transforms);
    const source = ts.createSourceFile('random.ts', once.output, ts.ScriptTarget.Latest, true);
    expect((source as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics).toEqual([]);
    // Babel refuses duplicate bindings, so parsing also proves none were introduced.
    expect(boundNames(once.output)).toEqual(boundNames(text));
    expect(unflaggedAuthoringOnly(once.output)).toEqual([]);
    expect(once.output.includes('\r\n')).toBe(file.crlf);
    if (file.crlf) expect(once.output.replace(/\r\n/g, '')).not.toContain('\n');
    if (file.header) expect(once.output.replace(/\r/g, '').startsWith(file.header)).toBe(true);
    const twice = transformSource('random.ts', once.output, transforms);
    expect(twice.output).toBe(once.output);
  });

  test.prop([fc.array(fc.constantFrom("import { z } from 'zod';", '// cloak', 'export const x = 1;', 'const y = "other";'), { maxLength: 8 }), fc.boolean()])(
    'returns files without cloacina byte-identical',
    (lines, crlf) => {
      const text = lines.join(crlf ? '\r\n' : '\n');
      const result = transformSource('plain.ts', text, CODEMODS);
      expect(result.output).toBe(text);
      expect(result.changed).toBe(false);
    },
  );
});
