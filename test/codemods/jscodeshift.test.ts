// The public jscodeshift entry points, run by stock jscodeshift (its CLI and its testUtils),
// write byte for byte what the cloacina-migrate CLI writes: one engine behind both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CODEMODS } from '../../codemods/index.js';
import { transformSource } from '../../src/transform-source.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const FIXTURES = join(ROOT, 'test/fixtures');
const require = createRequire(import.meta.url);
const { applyTransform } = require('jscodeshift/src/testUtils.js') as {
  applyTransform: (module: object, options: object, input: { path: string; source: string }) => string;
};

interface Input {
  /** Path relative to the copy. */
  name: string;
  fixture: string;
  source: string;
}

const inputs: Input[] = readdirSync(FIXTURES).flatMap((dir) =>
  readdirSync(join(FIXTURES, dir))
    .filter((f) => f.includes('.input.'))
    .map((f) => ({ name: join(dir, f.replace('.input.', '.')), fixture: join(FIXTURES, dir, f), source: readFileSync(join(FIXTURES, dir, f), 'utf8') })),
);
const cli = (input: Input) => transformSource(input.name, input.source, CODEMODS).output;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jscodeshift-'));
  for (const input of inputs) cpSync(input.fixture, join(dir, input.name));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stock jscodeshift', () => {
  it('its CLI, given codemods/all, writes what cloacina-migrate writes, for every fixture', () => {
    const bin = join(ROOT, 'node_modules/jscodeshift/bin/jscodeshift.js');
    const result = spawnSync(process.execPath, [bin, '--no-babel', '--run-in-band', '--extensions=ts,tsx,mts,cts,js,jsx,mjs,cjs', '-t', join(ROOT, 'dist/codemods/all.js'), dir], {
      encoding: 'utf8',
    });
    expect(result.status, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toMatch(/0 errors/);
    let changed = 0;
    for (const input of inputs) {
      const written = readFileSync(join(dir, input.name), 'utf8');
      expect(written, input.name).toBe(cli(input));
      if (written !== input.source) changed++;
    }
    expect(changed).toBeGreaterThan(50);
  });

  it('its testUtils, given each transform, agree with the CLI running that transform (testUtils trims)', async () => {
    for (const codemod of CODEMODS) {
      const module = await import(join(ROOT, `dist/codemods/${codemod.name}.js`));
      for (const input of inputs) {
        const expected = transformSource(input.name, input.source, [codemod]);
        const output = applyTransform(module, {}, { path: input.name, source: input.source });
        expect(output, `${codemod.name} on ${input.name}`).toBe(expected.changed ? expected.output.trim() : '');
      }
    }
  });
});
