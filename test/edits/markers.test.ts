// Markers as splices: own line, indented and ended like the statement's line, after a
// shebang or BOM, never inside a string or template, and never twice.
import { describe, expect, it } from 'vitest';
import { parseFile } from '../../src/analysis/parse.js';
import { applyEdits } from '../../src/edits/apply.js';
import type { PlannedFlag } from '../../src/edits/flags.js';

const M = '// TODO(cloacina-migrate): executionScope() has no v2 counterpart for tasks; pass what you need through the context';

function mark(text: string, needle: string, path = 'f.ts') {
  const at = text.indexOf(needle) + 4;
  expect(at).toBeGreaterThanOrEqual(0);
  const flags: PlannedFlag[] = [{ at, reason: 'execution-scope-read' }];
  const once = applyEdits(parseFile(path, text), [], flags);
  const twiceAt = once.output.indexOf(needle) + 4;
  const twice = applyEdits(parseFile(path, once.output), [], [{ at: twiceAt, reason: 'execution-scope-read' }]);
  expect(twice.output, 'a second run adds nothing').toBe(once.output);
  expect(twice.flags[0]!.line).toBe(once.flags[0]!.line);
  return once;
}

describe('markers', () => {
  it('go on their own line above the statement, indented like it', () => {
    const r = mark('function f(ctx) {\n    const s = ctx.executionScope();\n}\n', 'ctx.executionScope');
    expect(r.output).toBe(`function f(ctx) {\n    ${M}\n    const s = ctx.executionScope();\n}\n`);
    expect(r.flags[0]!.line).toBe(3);
  });

  it('keep CRLF and lone-CR line endings of the line they go above', () => {
    expect(mark('a();\r\nctx.executionScope();\r\n', 'ctx.executionScope').output).toBe(`a();\r\n${M}\r\nctx.executionScope();\r\n`);
    expect(mark('a();\nb();\r\nctx.executionScope();\n', 'ctx.executionScope').output).toBe(`a();\nb();\r\n${M}\nctx.executionScope();\n`);
  });

  it('go after a shebang and a BOM, never before them', () => {
    expect(mark('#!/usr/bin/env node\nctx.executionScope()\n', 'ctx.executionScope', 'f.js').output).toBe(`#!/usr/bin/env node\n${M}\nctx.executionScope()\n`);
    expect(mark('\uFEFFctx.executionScope();', 'ctx.executionScope').output).toBe(`\uFEFF${M}\nctx.executionScope();`);
  });

  it('go above the whole statement for one-line bodies, once', () => {
    const text = "export const t = task({ id: 'a' }, async (ctx) => { return ctx.executionScope(); });\n";
    const r = mark(text, 'ctx.executionScope');
    expect(r.output).toBe(`${M}\n${text}`);
    expect(r.flags[0]!.line).toBe(2);
  });

  it('never go inside a template literal that ends on the statement line', () => {
    const text = 'const s = `a\nb`; ctx.executionScope();\n';
    const r = mark(text, 'ctx.executionScope');
    expect(r.output).toBe(`const s = \`a\nb\`; ${M}\nctx.executionScope();\n`);
  });
});
