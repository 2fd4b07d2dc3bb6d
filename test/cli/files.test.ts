// The built command on real files that must stay whole: killed runs, files edited while it
// runs, permissions, owners, symbolic and hard links, encodings; and the git safety net.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/cloacina-migrate.js', import.meta.url));
let dir: string;

beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'cloacina-migrate-files-')));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(files: Record<string, string | Buffer>, root = dir): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

function run(args: string[], cwd = dir) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=dev@example.com', '-c', 'user.name=dev', ...args], { cwd, stdio: 'pipe' });
}

function commitAll(cwd = dir): void {
  git(cwd, 'init', '-q');
  git(cwd, 'add', '-A');
  git(cwd, 'commit', '-qm', 'v1');
}

const V1 = "import { task } from 'cloacina';\nexport const a = task;\n";
const V2 = "import { task } from 'cloacina-workflow';\nexport const a = task;\n";
const read = (path: string) => readFileSync(join(dir, path), 'utf8');
const temps = (folder: string) => readdirSync(folder).filter((n) => n.includes('.cloacina-migrate-'));

describe('files stay whole', () => {
  it('reports a file that is not UTF-8 and never rewrites it (exit 1)', () => {
    const latin1 = Buffer.from("import { task } from 'cloacina';\n// d\xe9j\xe0 vu\nexport const a = task;\n", 'latin1');
    write({ 'src/latin1.ts': latin1, 'src/ok.ts': V1 });
    const result = run(['.', '--json']);
    expect(result.code).toBe(1);
    expect(readFileSync(join(dir, 'src/latin1.ts')).equals(latin1)).toBe(true);
    expect(read('src/ok.ts')).toBe(V2);
    const report = JSON.parse(result.stdout);
    expect(report.files.find((f: { file: string }) => f.file === join('src', 'latin1.ts'))).toMatchObject({ status: 'not-written', reason: expect.stringContaining('not valid UTF-8') });
    expect(report.summary.notWritten).toBe(1);
    expect(result.stderr).toContain(`not written: ${join('src', 'latin1.ts')}: not valid UTF-8`);
  });

  it('leaves a read-only file as it is and reports it (exit 1)', () => {
    write({ 'src/locked.ts': V1 });
    chmodSync(join(dir, 'src/locked.ts'), 0o444);
    const result = run(['.']);
    expect(result.code).toBe(1);
    expect(read('src/locked.ts')).toBe(V1);
    expect(statSync(join(dir, 'src/locked.ts')).mode & 0o777).toBe(0o444);
    expect(result.stdout).toContain(`not written: ${join('src', 'locked.ts')}: read-only`);
  });

  it.runIf(process.getuid?.() === 0)('keeps the mode and the owner of a rewritten file', () => {
    write({ 'src/flow.ts': V1 });
    chmodSync(join(dir, 'src/flow.ts'), 0o640);
    chownSync(join(dir, 'src/flow.ts'), 4242, 4343);
    expect(run(['.']).code).toBe(0);
    expect(read('src/flow.ts')).toBe(V2);
    expect(statSync(join(dir, 'src/flow.ts'))).toMatchObject({ uid: 4242, gid: 4343 });
    expect(statSync(join(dir, 'src/flow.ts')).mode & 0o777).toBe(0o640);
  });

  it('writes through a symbolic link to its target inside the given paths, and keeps the link', () => {
    write({ 'src/real/flow.ts': V1 });
    symlinkSync('real/flow.ts', join(dir, 'src/link.ts'));
    expect(run(['src']).code).toBe(0);
    expect(lstatSync(join(dir, 'src/link.ts')).isSymbolicLink()).toBe(true);
    expect(read('src/real/flow.ts')).toBe(V2);
    // A link given as the path itself is written through too.
    write({ 'lib/flow.ts': V1 });
    symlinkSync('../lib/flow.ts', join(dir, 'src/given.ts'));
    expect(run(['src/given.ts']).code).toBe(0);
    expect(lstatSync(join(dir, 'src/given.ts')).isSymbolicLink()).toBe(true);
    expect(read('lib/flow.ts')).toBe(V2);
  });

  it('reports a symbolic link whose target lies outside the given paths and changes neither', () => {
    write({ 'shared/flow.ts': V1 });
    mkdirSync(join(dir, 'src'));
    symlinkSync('../shared/flow.ts', join(dir, 'src/flow.ts'));
    const result = run(['src']);
    expect(result.code).toBe(1);
    expect(lstatSync(join(dir, 'src/flow.ts')).isSymbolicLink()).toBe(true);
    expect(read('shared/flow.ts')).toBe(V1);
    expect(result.stdout).toContain(`not written: ${join('src', 'flow.ts')}: a symbolic link to ${join('shared', 'flow.ts')}, outside the given paths`);
  });

  it('writes a package.json that is a symbolic link within its package through to its target, and reports one to elsewhere', () => {
    write({ 'pkg/src/flow.ts': V1, 'pkg/config/package.json': '{ "dependencies": { "cloacina": "^1.0.0" } }\n', 'shared/package.json': '{ "dependencies": { "cloacina": "^1.0.0" } }\n' });
    symlinkSync('config/package.json', join(dir, 'pkg/package.json'));
    const result = run(['pkg']);
    expect(result.code).toBe(0);
    expect(lstatSync(join(dir, 'pkg/package.json')).isSymbolicLink()).toBe(true);
    expect(read('pkg/config/package.json')).toBe('{ "dependencies": { "cloacina-workflow": "^1.0.0" } }\n');
    write({ 'app/src/flow.ts': V1 });
    symlinkSync('../shared/package.json', join(dir, 'app/package.json'));
    const other = run(['app']);
    expect(other.code).toBe(1);
    expect(read('shared/package.json')).toBe('{ "dependencies": { "cloacina": "^1.0.0" } }\n');
    expect(other.stdout).toContain(`review: ${join('app', 'package.json')}: not written: a symbolic link to ${join('shared', 'package.json')}, outside its folder`);
  });

  it('never rewrites a package.json that is not UTF-8, and says so (exit 1)', () => {
    const latin1 = Buffer.from('{ "description": "caf\xe9", "dependencies": { "cloacina": "^1.0.0" } }\n', 'latin1');
    write({ 'src/flow.ts': V1, 'package.json': latin1 });
    const result = run(['.']);
    expect(result.code).toBe(1);
    expect(readFileSync(join(dir, 'package.json')).equals(latin1)).toBe(true);
    expect(result.stdout).toContain('review: package.json: not valid UTF-8');
  });

  it('leaves hard-linked files as they are, still one file, and reports them', () => {
    write({ 'src/flow.ts': V1 });
    linkSync(join(dir, 'src/flow.ts'), join(dir, 'backup.ts'));
    const result = run(['src']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`not written: ${join('src', 'flow.ts')}: has 2 hard links`);
    expect(statSync(join(dir, 'src/flow.ts')).ino).toBe(statSync(join(dir, 'backup.ts')).ino);
    expect(read('src/flow.ts')).toBe(V1);
  });

  // Two runs over 400 files: on a loaded two-core machine they take more than the default minute.
  it('removes the temp files a killed run left, and a killed run leaves every file whole', { timeout: 180_000 }, async () => {
    const files: Record<string, string> = { 'package.json': '{ "name": "big", "dependencies": { "cloacina": "^1.3.0" } }\n' };
    const body = Array.from({ length: 200 }, (_, i) => `export const v${i} = ${i};`).join('\n');
    for (let i = 0; i < 400; i++) files[`src/f${i}.ts`] = `import { task, Runner } from 'cloacina';\n${body}\nexport const t${i} = [task, Runner];\n`;
    write(files);
    writeFileSync(join(dir, 'src/.f1.ts.cloacina-migrate-999999999.tmp'), 'partial');
    const migrated = (i: number) => `import { Runner } from 'cloacina';\nimport { task } from 'cloacina-workflow';\n${body}\nexport const t${i} = [task, Runner];\n`;

    const child = spawn(process.execPath, [BIN, '.', '--workers', '2'], { cwd: dir, stdio: 'ignore' });
    // Kill it as soon as it has written something.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (child.exitCode !== null || [0, 1, 2, 3].some((i) => read(`src/f${i * 100}.ts`) !== files[`src/f${i * 100}.ts`])) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        }
      }, 2);
    });
    await new Promise((resolve) => child.once('exit', resolve));
    for (let i = 0; i < 400; i++) expect([files[`src/f${i}.ts`], migrated(i)]).toContain(read(`src/f${i}.ts`));

    const again = run(['.', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).removedTempFiles).toContain(join('src', '.f1.ts.cloacina-migrate-999999999.tmp'));
    expect(temps(join(dir, 'src'))).toEqual([]);
    for (let i = 0; i < 400; i++) expect(read(`src/f${i}.ts`)).toBe(migrated(i));
  });

  it('never overwrites an edit saved while it runs', async () => {
    const files: Record<string, string> = {};
    const body = Array.from({ length: 100 }, (_, i) => `export const v${i} = ${i};`).join('\n');
    for (let i = 0; i < 300; i++) files[`src/f${i}.ts`] = `import { task } from 'cloacina';\n${body}\nexport const t${i} = task;\n`;
    write(files);
    const child = spawn(process.execPath, [BIN, '.', '--json', '--workers', '2'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // The user keeps saving files (appending a line to each in turn) until the run ends.
    const edits = new Map<number, string[]>();
    let round = 0;
    while (child.exitCode === null) {
      for (let i = 0; i < 300 && child.exitCode === null; i += 7) {
        const file = (i + round) % 300;
        const line = `// edit ${round}\n`;
        appendFileSync(join(dir, `src/f${file}.ts`), line);
        edits.set(file, [...(edits.get(file) ?? []), line]);
        await new Promise((resolve) => setImmediate(resolve));
      }
      round++;
    }
    await exited;
    expect(edits.size).toBeGreaterThan(0);
    const lost = [...edits].filter(([i, lines]) => lines.some((line) => !read(`src/f${i}.ts`).includes(line)));
    expect(lost.map(([i]) => `src/f${i}.ts`)).toEqual([]);
    const report = JSON.parse(stdout) as { files: Array<{ file: string; status: string; reason?: string }> };
    for (const f of report.files.filter((x) => x.status === 'not-written')) {
      expect(f.reason).toContain('changed during migration');
      expect(read(f.file)).toContain("from 'cloacina';");
    }
  });
});

describe('the git safety net', () => {
  it('counts untracked files in the given paths as uncommitted (ignored ones do not count)', () => {
    write({ '.gitignore': 'build/\n', 'src/flow.ts': V1 });
    commitAll();
    write({ 'src/new.ts': V1, 'build/out.ts': V1, 'elsewhere/notes.ts': 'x' });
    const refused = run(['src']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`uncommitted changes (${join('src', 'new.ts')})`);
    expect(read('src/new.ts')).toBe(V1);
    expect(read('src/flow.ts')).toBe(V1);
    expect(run(['src', '--force']).code).toBe(0);
    expect(read('src/new.ts')).toBe(V2);
  });

  it('asks the repository that holds each path, not the one of the working folder', () => {
    const repo = join(dir, 'repo');
    write({ 'src/flow.ts': V1, 'src/util.ts': 'export const x = 1;\n' }, repo);
    commitAll(repo);
    writeFileSync(join(repo, 'src/util.ts'), 'export const x = 2;\n');
    // The working folder is in no repository at all.
    const refused = run([join('repo', 'src')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`uncommitted changes (${join('repo', 'src', 'util.ts')})`);
    expect(readFileSync(join(repo, 'src/flow.ts'), 'utf8')).toBe(V1);
    // And a clean repository elsewhere runs, whatever the working folder's own state.
    git(repo, 'commit', '-qam', 'util');
    const outside = join(dir, 'outside');
    write({ 'dirty.txt': 'x' }, outside);
    commitAll(outside);
    writeFileSync(join(outside, 'dirty.txt'), 'y');
    expect(run([join(repo, 'src')], outside).code).toBe(0);
    expect(readFileSync(join(repo, 'src/flow.ts'), 'utf8')).toBe(V2);
  });

  it('lists files through git in a repository: untracked ones included, ignored and node_modules ones not', () => {
    write({ '.gitignore': 'gen/\n', 'src/flow.ts': V1, 'gen/out.ts': V1, 'node_modules/lib/index.ts': V1, 'vendor/node_modules/x.ts': V1 });
    // Tracked files in node_modules folders are not entered either.
    commitAll();
    write({ 'src/new.ts': V1 });
    const report = JSON.parse(run(['.', '--dry', '--json']).stdout);
    expect(report.files.map((f: { file: string }) => f.file)).toEqual([join('src', 'flow.ts'), join('src', 'new.ts')]);
    // A folder git ignores is still migrated when it is named explicitly.
    const named = JSON.parse(run(['gen', '--dry', '--json']).stdout);
    expect(named.files.map((f: { file: string }) => f.file)).toEqual([join('gen', 'out.ts')]);
  });
});
