// The contents rule the release check applies to every tarball, on real `npm pack` listings.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentProblems } from '../../scripts/lib/package-contents.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'cloacina-contents-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** What `npm pack` would put in the package at `dir`, checked as the release check does. */
function problemsOf(dir: string, required: string[] = []): string[] {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--loglevel=error'], { cwd: dir, encoding: 'utf8' }));
  const files = (packed.files as Array<{ path: string }>).map((f) => f.path);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return contentProblems(manifest, files, { required, read: (file) => readFileSync(join(dir, file), 'utf8') });
}

/** A copy of a package's publishable parts, to break one file of. */
function copyPackage(from: string, parts: string[]): string {
  const to = join(work, 'package');
  for (const part of parts) cpSync(join(from, part), join(to, part), { recursive: true });
  return to;
}

describe('package contents', () => {
  it('each of the three packages ships what its bin and exports load, and no tests, fixtures or sources', () => {
    expect(problemsOf(ROOT, ['README.md', 'LICENSE', 'MIGRATION.md', 'dist/codemods/move-authoring-imports.js', 'dist/codemods/rewrite-context-loaders.js'])).toEqual([]);
    expect(problemsOf(join(ROOT, 'packages', 'cloacina'), ['README.md', 'LICENSE'])).toEqual([]);
    expect(problemsOf(join(ROOT, 'packages', 'cloacina-workflow'), ['README.md', 'LICENSE'])).toEqual([]);
  });

  it('names an exports target the package does not contain', () => {
    const dir = copyPackage(join(ROOT, 'packages', 'cloacina-workflow'), ['package.json', 'README.md', 'dist']);
    rmSync(join(dir, 'dist', 'testing', 'index.js'));
    expect(problemsOf(dir, ['README.md', 'LICENSE'])).toEqual([
      'exports["./testing"]["default"] points at dist/testing/index.js, which the package does not contain',
      'LICENSE is missing',
    ]);
  });

  it('names a file that a bin loads and the package does not contain', () => {
    const dir = copyPackage(join(ROOT, 'packages', 'cloacina'), ['package.json', 'bin', 'dist']);
    rmSync(join(dir, 'dist', 'cli', 'main.js'));
    expect(problemsOf(dir)).toEqual(['bin/cloacina.js loads ../dist/cli/main.js, which the package does not contain']);
  });

  it('follows the loads of the bundled command and of the transforms down to their chunks and bundles', () => {
    const dir = copyPackage(ROOT, ['package.json', 'bin', 'dist/cli', 'dist/codemods']);
    // A chunk main.js imports itself: which chunks exist, and which load which, is the bundler's choice.
    const chunk = /from\s*["']\.\/(chunk-[\w-]+\.js)["']/.exec(readFileSync(join(dir, 'dist', 'cli', 'main.js'), 'utf8'))![1]!;
    rmSync(join(dir, 'dist', 'cli', chunk));
    rmSync(join(dir, 'dist', 'cli', 'worker.js'));
    rmSync(join(dir, 'dist', 'codemods', 'move-authoring-imports.cjs'));
    const problems = problemsOf(dir, ['dist/codemods/move-authoring-imports.js']);
    expect(problems).toContain(`dist/cli/main.js loads ./worker.js, which the package does not contain`);
    expect(problems).toContain(`dist/cli/main.js loads ./${chunk}, which the package does not contain`);
    expect(problems).toContain(`dist/codemods/move-authoring-imports.js loads ./move-authoring-imports.cjs, which the package does not contain`);
  });

  it('refuses tests, fixtures, sources, maps and other packages', () => {
    const problems = contentProblems({ name: 'x' }, [
      'package.json',
      'dist/index.js',
      'dist/index.d.ts',
      'test/cli.test.ts',
      'compat-fixtures/etl/input/package.json',
      'src/cli/main.ts',
      'dist/index.js.map',
      'packages/cloacina/package.json',
      'tsconfig.json',
    ]);
    expect(problems.map((p) => p.split(' ')[0])).toEqual([
      'test/cli.test.ts',
      'compat-fixtures/etl/input/package.json',
      'src/cli/main.ts',
      'dist/index.js.map',
      'packages/cloacina/package.json',
      'tsconfig.json',
    ]);
  });
});
