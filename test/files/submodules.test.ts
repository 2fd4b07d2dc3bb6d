// A .gitmodules written the way git writes it is read here; anything else is left to git.
// Where it is read here, the paths must be the ones git itself reads from the same file.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { askedSubmodulePaths, plainSubmodulePaths } from '../../src/files/git.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'submodules-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The submodule paths git reads from `text` (the fallback's own reading). */
function gitPaths(text: string): string[] {
  writeFileSync(join(dir, '.gitmodules'), text);
  return askedSubmodulePaths(dir);
}

const PLAIN = [
  '',
  '[submodule "test/cases"]\n\tpath = test/cases\n\turl = https://example.com/cases\n',
  '[submodule "a"]\n\tpath = vendor/a\n\turl = ../a.git\n\tbranch = main\n[submodule "b c"]\n\tpath = vendor/b c\n\turl = ../b.git\n',
  '# made by hand\r\n[submodule "x"]\r\n  Path=lib/x  \r\n; other\r\n\turl = u\r\n',
  '[submodule "no-path"]\n\turl = u\n',
];

const UNUSUAL = [
  '[submodule "q"]\n\tpath = "quoted path"\n',
  '[submodule "c"]\n\tpath = lib/c # trailing comment\n',
  '[include]\n\tpath = other.config\n',
  '[submodule "e"]\n\tpath = lib\\\\e\n',
  '[submodule "s"]\n\tpath = a \\\n b\n',
  'path = outside/any/section\n',
  '[submodule.old "x"]\n\tpath = y\n',
];

it('reads the paths of a plainly written .gitmodules as git does', () => {
  for (const text of PLAIN) expect(plainSubmodulePaths(text), JSON.stringify(text)).toEqual(gitPaths(text));
});

it('reads a submodule whose name holds a space when git is asked', () => {
  expect(gitPaths('[submodule "b c"]\n\tpath = "vendor/b c"\n')).toEqual(['vendor/b c']);
});

it('leaves every other .gitmodules to git', () => {
  for (const text of UNUSUAL) expect(plainSubmodulePaths(text), JSON.stringify(text)).toBeUndefined();
});
