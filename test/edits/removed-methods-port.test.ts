// The removed-method planner, through the splice engine, reproduces the rewrite-context-loaders
// fixtures: same rewrites, same flags, markers where they belong, and a second run adds nothing.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFile } from '../../src/analysis/parse.js';
import { planRemovedMethods } from '../../src/analysis/removed-methods.js';
import { applyEdits } from '../../src/edits/apply.js';

const DIR = new URL('../fixtures/rewrite-context-loaders/', import.meta.url).pathname;

function migrate(file: string, text: string) {
  const parsed = parseFile(file, text);
  const plan = planRemovedMethods(parsed);
  return applyEdits(parsed, plan.edits, plan.flags);
}

/** The flags each case raises (as the jscodeshift transform does); others raise none. */
const FLAGS: Record<string, string[]> = {
  'remove-same-key.ts': ['loader-after-remove'],
  'remove-dynamic-key.ts': ['loader-after-remove'],
  'remove-in-loop.ts': ['loader-after-remove'],
  'remove-in-closure.ts': ['loader-after-remove'],
  'context-escapes.ts': ['loader-context-escapes'],
  'this-context.ts': ['loader-context-escapes'],
  'not-called.ts': ['loader-not-called'],
  'set-dependency-loader.ts': ['dependency-loader-removed'],
  'set-execution-scope.ts': ['execution-scope-set-removed'],
  'setter-in-expression.ts': ['removed-method-in-expression'],
  'execution-scope-read.ts': ['execution-scope-read'],
  'receiver-unknown.ts': ['receiver-unknown'],
  'receiver-type-without-get.ts': ['receiver-type-without-get'],
  'method-name-computed.ts': ['method-name-computed'],
  'context-double.ts': ['context-double'],
  'method-name-from-config.ts': ['method-name-computed'],
  'removed-method-tested.ts': ['removed-method-tested', 'removed-method-tested', 'loader-context-escapes'],
  'loader-set-by-hand.ts': ['removed-method-in-expression', 'loader-set-by-hand', 'dependency-loader-read', 'loader-set-by-hand'],
  'removed-method-type.ts': ['removed-method-type', 'removed-method-type', 'removed-method-type', 'removed-method-type'],
  'loader-set-in-helper.ts': ['dependency-loader-read', 'dependency-loader-read', 'loader-set-by-hand', 'loader-set-by-hand', 'dependency-loader-removed'],
};

const cases = readdirSync(DIR).filter((f) => f.includes('.input.')).map((f) => f.replace('.input', ''));

describe('planRemovedMethods through the splice engine', () => {
  it.each(cases)('%s', (name) => {
    const input = readFileSync(join(DIR, name.replace(/\.(\w+)$/, '.input.$1')), 'utf8');
    const expected = readFileSync(join(DIR, name.replace(/\.(\w+)$/, '.output.$1')), 'utf8');
    const first = migrate(name, input);
    expect(first.output).toBe(expected);
    expect(first.flags.map((f) => f.reason)).toEqual(FLAGS[name] ?? []);
    // Each flag's line holds its marker or the site, in the text written.
    for (const flag of first.flags) {
      const lines = first.output.split('\n');
      const here = lines[flag.line - 1]!;
      const above = lines[flag.line - 2] ?? '';
      expect(here.includes('TODO(cloacina-migrate)') || above.includes('TODO(cloacina-migrate)'), `line ${flag.line}`).toBe(true);
    }
    const second = migrate(name, first.output);
    expect(second.output).toBe(first.output);
  });
});
