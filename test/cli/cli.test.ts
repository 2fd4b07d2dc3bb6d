// The built command, run as a real child process on projects in temp folders.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/cloacina-migrate.js', import.meta.url));
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cloacina-migrate-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function git(...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=dev@example.com', '-c', 'user.name=dev', ...args], { cwd: dir, stdio: 'pipe' });
}

function snapshot(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

const CLEAN_V1 = {
  'package.json': '{\n  "name": "app",\n  "dependencies": {\n    "cloacina": "^1.3.0"\n  }\n}\n',
  'src/flow.ts': "import { task, packagedWorkflow } from 'cloacina';\n\nexport const a = task({ id: 'a' }, (ctx) => ctx.set('x', ctx.loadFromDependenciesAndCache('x') ?? 1));\nexport default packagedWorkflow({ name: 'flow', tasks: [a] });\n",
  'src/util.ts': 'export const plain = 1;\n',
};

describe('cloacina-migrate', () => {
  it('counts an edited pnpm-workspace.yaml apart from the package.json files it edits', () => {
    write({
      'pnpm-workspace.yaml': "packages:\n  - 'p'\ncatalog:\n  cloacina: ^1.3.0\n",
      'p/package.json': '{ "name": "p", "dependencies": { "cloacina": "catalog:" } }\n',
      'p/src/flow.ts': CLEAN_V1['src/flow.ts'],
    });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'v1');
    const human = run('.', '--dry');
    expect(human.stdout).toContain('1 package.json would change, 1 pnpm-workspace.yaml would change');
    const json = run('.', '--dry', '--json');
    const report = JSON.parse(json.stdout);
    expect(report.summary).toMatchObject({ packagesChanged: 1, workspaceFilesChanged: 1 });
    expect(report.packages.map((p: { file: string }) => p.file).sort()).toEqual(['p/package.json', 'pnpm-workspace.yaml']);
    // Without a workspace file edited, the summary has no count for them.
    rmSync(join(dir, 'pnpm-workspace.yaml'));
    writeFileSync(join(dir, 'p/package.json'), '{ "name": "p", "dependencies": { "cloacina": "^1.3.0" } }\n');
    git('commit', '-qam', 'plain');
    expect(JSON.parse(run('.', '--dry', '--json').stdout).summary).not.toHaveProperty('workspaceFilesChanged');
  });

  it('migrates a project, edits package.json, and a second run changes nothing', () => {
    write(CLEAN_V1);
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'v1');
    const first = run('.');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('1 changed, 0 unchanged, 1 skipped (no cloacina), 0 failed, 0 site(s) for manual review, 1 package.json changed');
    expect(readFileSync(join(dir, 'src/flow.ts'), 'utf8')).toBe(
      "import { task, packagedWorkflow } from 'cloacina-workflow';\n\nexport const a = task({ id: 'a' }, (ctx) => ctx.set('x', ctx.get('x') ?? 1));\nexport default packagedWorkflow({ name: 'flow', tasks: [a] });\n",
    );
    // Only authoring names remain, so the runtime dependency goes.
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe('{\n  "name": "app",\n  "dependencies": {\n    "cloacina-workflow": "^1.0.0"\n  }\n}\n');
    git('commit', '-qam', 'migrated');
    const before = snapshot();
    const second = run('.');
    expect(second.code).toBe(0);
    expect(snapshot()).toEqual(before);
    expect(run('check', '.').code).toBe(0);
  });

  it('writes nothing in a dry run, and prints a diff', () => {
    write(CLEAN_V1);
    const before = snapshot();
    const result = run('.', '--dry', '--diff');
    expect(result.code).toBe(0);
    expect(snapshot()).toEqual(before);
    expect(result.stdout).toContain("-import { task, packagedWorkflow } from 'cloacina';");
    expect(result.stdout).toContain("+import { task, packagedWorkflow } from 'cloacina-workflow';");
    expect(result.stdout).toContain('+    "cloacina-workflow": "^1.0.0"');
    expect(result.stdout).toContain('1 would change');
  });

  it('refuses a dirty git tree unless forced', () => {
    write(CLEAN_V1);
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'v1');
    writeFileSync(join(dir, 'src/util.ts'), 'export const plain = 2;\n');
    const before = snapshot();
    const refused = run('.');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('uncommitted changes (src/util.ts)');
    expect(snapshot()).toEqual(before);
    expect(run('.', '--force').code).toBe(0);
    expect(readFileSync(join(dir, 'src/flow.ts'), 'utf8')).toContain('cloacina-workflow');
  });

  it('runs outside a git repository, saying so', () => {
    write(CLEAN_V1);
    const result = run('src');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('not inside a git repository');
    // Said once for a path given twice, in two spellings.
    expect(run('src', './src/').stderr.match(/not inside a git repository/g)).toHaveLength(1);
  });

  it('reports a file that does not parse and migrates the others (exit 1)', () => {
    write({ ...CLEAN_V1, 'src/broken.ts': "import { task } from 'cloacina';\nexport const = ;\n" });
    const result = run('.', '--json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    const broken = report.files.find((f: { file: string }) => f.file === join('src', 'broken.ts'));
    expect(broken.status).toBe('failed');
    // Relative path, one position (the parser's own "(2:13)" suffix is not repeated).
    expect(broken.error).toMatch(/^src\/broken\.ts:2:\d+: [^()]*$/);
    expect(readFileSync(join(dir, 'src/flow.ts'), 'utf8')).toContain('cloacina-workflow');
    expect(result.stderr).toContain('failed: ');
  });

  it('counts and locates the markers a file already holds from an earlier run', () => {
    // The call was removed then; only its marker is left, which nothing flags again.
    const flagged = "import { task } from 'cloacina-workflow';\n\nexport const t = task({ id: 't' }, (ctx) => {\n  // TODO(cloacina-migrate): removed setDependencyLoader(): v2 pre-injects dependency outputs\n  ctx.set('s', 1);\n});\n";
    write({ 'src/flagged.ts': flagged });
    const result = run('.', '--dry');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`review: ${join('src', 'flagged.ts')}:4  TODO(cloacina-migrate) marker left for review`);
    expect(result.stdout).toContain('1 site(s) for manual review');
  });

  it('emits a JSON report with a stable shape', () => {
    write({ ...CLEAN_V1, 'src/scope.ts': "import { task } from 'cloacina';\nexport const t = task({ id: 't' }, (ctx) => { ctx.set('s', ctx.executionScope()); });\n" });
    const result = run('.', '--dry', '--json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report).sort()).toEqual(['command', 'dry', 'files', 'packages', 'summary', 'tool', 'version']);
    expect(report).toMatchObject({ tool: 'cloacina-migrate', command: 'migrate', dry: true });
    expect(report.summary).toEqual({ changed: 2, unchanged: 0, skipped: 1, failed: 0, notWritten: 0, manualReview: 1, packagesChanged: 1, packageReview: 0 });
    const scope = report.files.find((f: { file: string }) => f.file.endsWith('scope.ts'));
    expect(scope).toEqual({
      file: join('src', 'scope.ts'),
      status: 'changed',
      applied: ['rewrite-context-loaders', 'move-authoring-imports'],
      flags: [{ reason: 'execution-scope-read', message: expect.stringContaining('executionScope()'), line: 3 }],
      markers: 1,
    });
    expect(report.packages).toEqual([
      {
        file: 'package.json',
        changes: [
          { key: 'dependencies.cloacina', from: '^1.3.0' },
          { key: 'dependencies.cloacina-workflow', to: '^1.0.0' },
        ],
        review: [],
      },
    ]);
  });

  it('respects .gitignore and never enters node_modules', () => {
    write({
      ...CLEAN_V1,
      '.gitignore': 'generated/\n',
      'generated/out.ts': "import { task } from 'cloacina';\n",
      'node_modules/lib/index.js': "import { task } from 'cloacina';\n",
    });
    const result = run('.', '--dry', '--json');
    const files = JSON.parse(result.stdout).files.map((f: { file: string }) => f.file);
    expect(files).toEqual([join('src', 'flow.ts')]);
  });

  it('migrates a folder named explicitly even when an enclosing .gitignore ignores it', () => {
    write({ ...CLEAN_V1, '.gitignore': 'src/\n', 'src/.gitignore': 'skip.ts\n', 'src/skip.ts': "import { task } from 'cloacina';\n" });
    const files = JSON.parse(run('src', '--dry', '--json').stdout).files.map((f: { file: string }) => f.file);
    expect(files).toEqual([join('src', 'flow.ts')]);
  });

  it('keeps cloacina (moved to v2) in each workspace that still uses the runtime', () => {
    write({
      'package.json': '{\n  "private": true,\n  "workspaces": ["packages/*"]\n}\n',
      'packages/flows/package.json': '{\n\t"name": "flows",\n\t"devDependencies": {\n\t\t"cloacina": "~1.2.0"\n\t}\n}',
      'packages/flows/src/flow.ts': "import { task } from 'cloacina';\nexport const a = task;\n",
      'packages/ops/package.json': '{\r\n  "name": "ops",\r\n  "dependencies": {\r\n    "cloacina": "1.2.3",\r\n    "zod": "3.0.0"\r\n  }\r\n}\r\n',
      'packages/ops/src/run.ts': "import { Runner, task } from 'cloacina';\nexport { Runner, task };\n",
    });
    expect(run('.', '--force').code).toBe(0);
    expect(readFileSync(join(dir, 'packages/flows/package.json'), 'utf8')).toBe('{\n\t"name": "flows",\n\t"devDependencies": {\n\t\t"cloacina-workflow": "~1.0.0"\n\t}\n}');
    expect(readFileSync(join(dir, 'packages/ops/package.json'), 'utf8')).toBe(
      '{\r\n  "name": "ops",\r\n  "dependencies": {\r\n    "cloacina": "2.0.0",\r\n    "cloacina-workflow": "1.0.0",\r\n    "zod": "3.0.0"\r\n  }\r\n}\r\n',
    );
  });

  it('counts a source toward its innermost package.json, even one that does not depend on cloacina', () => {
    write({
      'package.json': '{\n  "name": "root",\n  "dependencies": {\n    "cloacina": "^1.3.0"\n  }\n}\n',
      'src/flow.ts': "import { task } from 'cloacina';\nexport const a = task;\n",
      // Its own package: its use of the runtime says nothing about the root's dependencies.
      'tools/ops/package.json': '{\n  "name": "ops"\n}\n',
      'tools/ops/run.ts': "import { Runner } from 'cloacina';\nexport { Runner };\n",
    });
    expect(run('.', '--force').code).toBe(0);
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe('{\n  "name": "root",\n  "dependencies": {\n    "cloacina-workflow": "^1.0.0"\n  }\n}\n');
    expect(readFileSync(join(dir, 'tools/ops/package.json'), 'utf8')).toBe('{\n  "name": "ops"\n}\n');
  });

  it('check lists what still needs migrating and changes nothing (exit 1)', () => {
    write(CLEAN_V1);
    const before = snapshot();
    const result = run('check', '.');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('would change: src/flow.ts');
    expect(snapshot()).toEqual(before);
  }, 180_000);

  // The type-check takes a minute on a busy two-core machine.
  it('check type-checks workflow modules against cloacina-workflow alone, naming file and line', { timeout: 180_000 }, () => {
    write({
      ...CLEAN_V1,
      'src/flow.ts': "import { task } from 'cloacina-workflow';\n\nexport const a = task({ id: 'a' }, (ctx) => {\n  ctx.set('x', ctx.getWithDependencies('x') ?? 1);\n});\n",
      'package.json': '{ "name": "app", "dependencies": { "cloacina-workflow": "^1.0.0" } }\n',
    });
    // The loader call would be rewritten, so check says "would change"; the type error names the line.
    const result = run('check', '.', '--json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.typeErrors).toEqual([
      { file: join('src', 'flow.ts'), line: 4, message: expect.stringContaining("Property 'getWithDependencies' does not exist") },
    ]);
    run('.', '--force');
    const clean = run('check', '.', '--json');
    expect(JSON.parse(clean.stdout).typeErrors).toEqual([]);
    expect(clean.code).toBe(0);
  });

  it.each([
    [['--bogus'], 'unknown option --bogus'],
    [['--transforms', 'nope'], 'unknown transform nope'],
    [['missing-folder'], 'no such file or folder: missing-folder'],
  ])('exits 2 on usage errors: %j', (args, message) => {
    const result = run(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('runs only the selected transforms', () => {
    write(CLEAN_V1);
    run('.', '--force', '--transforms', 'rewrite-context-loaders');
    const text = readFileSync(join(dir, 'src/flow.ts'), 'utf8');
    expect(text).toContain("from 'cloacina';");
    expect(text).toContain("ctx.get('x')");
  });

  it('prints the version of its package.json with --version, and migrates nothing', () => {
    write(CLEAN_V1);
    const before = snapshot();
    const { version } = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8'));
    const result = run('--version');
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(snapshot()).toEqual(before);
  });

  it('spreads many files over worker threads with the same result', () => {
    const files: Record<string, string> = { 'package.json': '{ "name": "big" }\n' };
    for (let i = 0; i < 150; i++) files[`src/f${i}.ts`] = `import { task, Runner } from 'cloacina';\nexport const t${i} = [task, Runner];\n`;
    write(files);
    const result = run('.', '--force', '--json', '--workers', '2');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).summary.changed).toBe(150);
    expect(readFileSync(join(dir, 'src/f149.ts'), 'utf8')).toBe(
      "import { Runner } from 'cloacina';\nimport { task } from 'cloacina-workflow';\nexport const t149 = [task, Runner];\n",
    );
  });
});
