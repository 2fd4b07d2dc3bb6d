// A single folder is listed with every git question asked at once, in the folder itself;
// any other set of paths is listed one repository after another from its top. Both must
// find the same files, whatever the folder is: a repository's top, a folder inside one,
// a folder git ignores, one holding a repository of its own, or one outside any.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { discover, discoverSources } from '../../src/files/discover.js';
import { listEarly } from '../../src/cli/early.js';

let dir: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'discover-')));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'ignore' });

function repository(at: string): void {
  git(at, 'init', '-q');
  git(at, 'add', '-A');
  git(at, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'v1');
}

it('finds the same files for one folder as the listing from the top does, wherever the folder is', async () => {
  write({
    '.gitignore': 'build/\n*.gen.ts\n',
    'package.json': '{}\n',
    'src/flow.ts': 'x',
    'src/naïve/流.ts': 'x',
    'src/a.gen.ts': 'x',
    'src/[odd] *name?/task.ts': 'x',
    'src/[odd] *name?/notes.md': 'x',
    'build/out.js': 'x',
    'build/deep/more.ts': 'x',
    'node_modules/lib/index.ts': 'x',
    'src/node_modules/lib/index.js': 'x',
  });
  repository(dir);
  // A repository of its own inside, not known to the outer one.
  write({ 'vendor/nested/index.ts': 'x' });
  repository(join(dir, 'vendor', 'nested'));
  write({ 'src/untracked.ts': 'x', 'src/[odd] *name?/new.mts': 'x', 'build/new.ts': 'x' });
  mkdirSync(join(dir, 'outside'));
  const elsewhere = realpathSync(mkdtempSync(join(tmpdir(), 'discover-plain-')));
  writeFileSync(join(elsewhere, 'plain.ts'), 'x');
  try {
    for (const folder of ['.', 'src', 'src/[odd] *name?', 'build', 'build/deep', 'vendor', 'vendor/nested', elsewhere]) {
      const found = await discover([folder], dir);
      expect(found.sources, folder).toEqual(discoverSources([folder], dir));
      expect(found.sources.length, folder).toBeGreaterThan(0);
    }
    // Spot checks of what both must agree on.
    const all = (await discover(['.'], dir)).sources.map((f) => f.slice(dir.length + 1));
    expect(all).toContain('src/[odd] *name?/new.mts');
    expect(all).toContain('vendor/nested/index.ts');
    expect(all).toContain('src/naïve/流.ts');
    expect(all).not.toContain('src/a.gen.ts');
    expect(all).not.toContain('build/out.js');
    expect(all.some((f) => f.includes('node_modules'))).toBe(false);
    expect((await discover(['build'], dir)).sources.map((f) => f.slice(dir.length + 1))).toEqual(['build/deep/more.ts', 'build/new.ts', 'build/out.js']);
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
});

it('knows which repository holds a folder and which files in it are untracked', async () => {
  write({ 'pkg/src/flow.ts': 'x', 'pkg/package.json': '{}\n' });
  repository(dir);
  write({ 'pkg/src/new.ts': 'x' });
  const found = await discover(['pkg'], dir);
  expect(found.repositories).toEqual([{ top: dir, untracked: [join(dir, 'pkg/src/new.ts')] }]);
  expect(found.unguarded).toEqual([]);
  const outside = realpathSync(mkdtempSync(join(tmpdir(), 'discover-plain-')));
  try {
    const plain = await discover([outside], dir);
    expect(plain.repositories).toEqual([]);
    expect(plain.unguarded).toEqual([{ path: outside, repository: { kind: 'not-a-repo' } }]);
  } finally {
    rmSync(outside, { recursive: true, force: true });
  }
});

it('takes the listing asked before it was called for the folder asked about, and only for that one', async () => {
  write({ 'src/flow.ts': 'x' });
  repository(dir);
  // Asked before the file below exists: the answers are what git listed then.
  const early = listEarly(['--dry', dir], dir);
  expect(early?.folder).toBe(dir);
  await early!.answers.untracked;
  write({ 'src/later.ts': 'x' });
  const rel = (found: { sources: string[] }) => found.sources.map((f) => f.slice(dir.length + 1));
  expect(rel(await discover([dir], dir, { early }))).toEqual(['src/flow.ts']);
  // Another folder asks git itself.
  expect(rel(await discover([join(dir, 'src')], dir, { early }))).toEqual(['src/flow.ts', 'src/later.ts']);
  expect(rel(await discover([dir], dir))).toEqual(['src/flow.ts', 'src/later.ts']);
});

it('asks nothing early unless one folder is given to migrate or check', () => {
  write({ 'src/flow.ts': 'x' });
  expect(listEarly(['check', 'src'], dir)?.folder).toBe(join(dir, 'src'));
  expect(listEarly([], dir)?.folder).toBe(dir);
  for (const argv of [['src', '.'], ['src/flow.ts'], ['missing'], ['--list'], ['--help'], ['--version'], ['--workers', 'x', 'src']]) {
    expect(listEarly(argv, dir), argv.join(' ')).toBeUndefined();
  }
});

it('tells a folder holding a .git that is not a repository from a repository\'s top', async () => {
  // An empty .git folder outside any repository: git cannot list it, and says why.
  write({ 'flow.ts': 'x', '.git/.keep': '' });
  const found = await discover([dir], dir);
  expect(found.repositories).toEqual([]);
  expect(found.unguarded).toEqual([{ path: dir, repository: { kind: 'not-a-repo' } }]);
  expect(found.sources).toEqual([join(dir, 'flow.ts')]);
  // A real repository at the same place is known by its listing alone.
  rmSync(join(dir, '.git'), { recursive: true });
  repository(dir);
  const top = await discover([dir], dir);
  expect(top.repositories).toEqual([{ top: dir, untracked: [] }]);
  expect(top.sources).toEqual([join(dir, 'flow.ts')]);
});
