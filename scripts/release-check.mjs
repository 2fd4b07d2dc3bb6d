#!/usr/bin/env node
// `npm run release:check`: what users install is what is tested. Packs the three packages
// (running their prepare/prepack builds), checks each tarball holds every file its bin and
// exports point at and nothing else, installs only the tarballs into a fresh project outside
// the repository, and walks the v1-user, author and operator journeys with the installed
// commands; publint --strict and attw run on the tarballs meanwhile. Exits 1 on the first
// failed step. `--keep` leaves the temporary folder for inspection.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify, isDeepStrictEqual } from 'node:util';
import semver from 'semver';
import { buildAndRun, commitAll, compareRuns, copyProject, DEMO, DEMO_REVIEWED, pointAtLegacy } from './lib/demo-project.mjs';
import { contentProblems } from './lib/package-contents.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const JOURNEYS = join(ROOT, 'scripts', 'release-check');
const keep = process.argv.includes('--keep');
const started = performance.now();
const execFileAsync = promisify(execFile);

class StepError extends Error {}

const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
function ok(what, since) {
  console.log(`  ok  ${what}${since === undefined ? '' : ` (${seconds(since)})`}`);
}
function assert(condition, message) {
  if (!condition) throw new StepError(message);
}

/** Runs a command to completion; its output, or a StepError naming the command and its output. */
async function sh(command, args, options = {}) {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
    return { code: 0, stdout, stderr };
  } catch (error) {
    if (options.allowExit?.includes(error.code)) return { code: error.code, stdout: error.stdout, stderr: error.stderr };
    throw new StepError(`${[command, ...args].join(' ')} exited ${error.code}${options.cwd ? ` in ${options.cwd}` : ''}:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  }
}

// The child npm works on the temporary project, not on the package that runs this script.
const childEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^(npm_(package|lifecycle)_|npm_config_(local_prefix|workspaces?|include_workspace_root|call)$|INIT_CWD$|npm_command$)/.test(key)),
);

const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'cloacina-release-'));
const tarballDir = join(work, 'tarballs');
const project = join(work, 'project');
const bin = (name) => join(project, 'node_modules', '.bin', name);
/** Every transform in codemods/, as its built file name. */
const codemodFiles = readdirSync(join(ROOT, 'codemods')).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.replace(/\.ts$/, '.js'));

async function main() {
  assert(semver.satisfies(process.versions.node, rootManifest.engines.node), `Node ${process.versions.node} does not satisfy ${rootManifest.engines.node}`);

  console.log('pack');
  let since = performance.now();
  mkdirSync(tarballDir);
  const packed = JSON.parse(
    (await sh('npm', ['pack', '--workspaces', '--include-workspace-root', '--pack-destination', tarballDir, '--json', '--loglevel=error'], { cwd: ROOT })).stdout,
  );
  const tarballs = Object.fromEntries(packed.map((p) => [p.name, { ...p, file: join(tarballDir, p.filename) }]));
  assert(['cloacina-migrate', 'cloacina-workflow', 'cloacina'].every((n) => tarballs[n]), `npm pack made ${packed.map((p) => p.name).join(', ')}`);
  for (const p of packed) console.log(`  ${p.filename.padEnd(30)} ${String(p.entryCount).padStart(3)} files  ${(p.size / 1024).toFixed(1).padStart(6)} kB packed  ${(p.unpackedSize / 1024).toFixed(1).padStart(6)} kB unpacked`);
  ok('three tarballs', since);

  console.log('contents');
  const codemods = codemodFiles.map((f) => `dist/codemods/${f}`);
  const required = {
    'cloacina-migrate': ['package.json', 'README.md', 'LICENSE', 'MIGRATION.md', ...codemods],
    'cloacina-workflow': ['package.json', 'README.md', 'LICENSE'],
    cloacina: ['package.json', 'README.md', 'LICENSE'],
  };
  for (const [name, t] of Object.entries(tarballs)) {
    const unpacked = join(work, 'unpacked', name);
    mkdirSync(unpacked, { recursive: true });
    execFileSync('tar', ['-xzf', t.file, '-C', unpacked]);
    const files = execFileSync('tar', ['-tzf', t.file], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, ''));
    const read = (file) => readFileSync(join(unpacked, 'package', file), 'utf8');
    const problems = contentProblems(JSON.parse(read('package.json')), files, { required: required[name] ?? [], read });
    assert(problems.length === 0, `${t.filename}:\n    ${problems.join('\n    ')}`);
    ok(`${name}: every file that bin and exports point at, and every file those load; README, LICENSE; no tests, fixtures or sources`);
  }

  // The linters need no install: they run beside the install and the journeys.
  const lint = Promise.all(
    Object.entries(tarballs).map(async ([name, t]) => {
      const publint = await sh(join(ROOT, 'node_modules', '.bin', 'publint'), ['run', t.file, '--strict']);
      // ESM-only packages: the CommonJS require() path is walked for real in the author journey
      // (attw's bundled TypeScript predates require(esm)).
      const attw = await sh(join(ROOT, 'node_modules', '.bin', 'attw'), [t.file, '--profile', 'esm-only', '--format', 'ascii', '--no-color']);
      return { name, publint: publint.stdout.trim().split('\n').at(-1), attw: /does not contain types/.test(attw.stdout) ? 'no typed entry points (a command)' : 'no problems' };
    }),
  );
  lint.catch(() => {});

  console.log('install the tarballs into a fresh project');
  since = performance.now();
  mkdirSync(project);
  const dep = (name) => `file:${tarballs[name].file}`;
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify(
      {
        name: 'cloacina-release-check',
        private: true,
        type: 'module',
        dependencies: { 'cloacina-migrate': dep('cloacina-migrate'), 'cloacina-workflow': dep('cloacina-workflow'), cloacina: dep('cloacina') },
        devDependencies: { '@types/node': rootManifest.devDependencies['@types/node'], typescript: rootManifest.dependencies.typescript, vitest: rootManifest.devDependencies.vitest },
        // Every dependent takes the tarball, never a registry package of the same name.
        overrides: { 'cloacina-workflow': '$cloacina-workflow', cloacina: '$cloacina' },
        allowScripts: rootManifest.allowScripts,
      },
      null,
      2,
    )}\n`,
  );
  await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, env: childEnv });
  for (const [name, t] of Object.entries(tarballs)) {
    const installed = JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8'));
    assert(installed.version === t.version, `node_modules/${name} is ${installed.version}, not the tarball's ${t.version}`);
  }
  ok('npm install of the three tarballs (better-sqlite3 built from source), typescript, vitest and @types/node', since);

  await v1UserJourney(tarballs);
  await authorJourney();
  await operatorJourney(tarballs);

  console.log('lint');
  for (const r of await lint) ok(`${r.name}: publint --strict: ${r.publint}; attw: ${r.attw}`);
}

const shop = join(project, 'acme-shop');
const legacyShop = join(project, 'acme-shop-legacy');
let migratedRuns;

async function v1UserJourney(tarballs) {
  console.log('v1 user: migrate the v1 demo project with the installed cloacina-migrate');
  let since = performance.now();
  const version = (await sh(bin('cloacina-migrate'), ['--version'])).stdout.trim();
  assert(version === tarballs['cloacina-migrate'].version, `cloacina-migrate --version printed ${version}`);
  ok(`cloacina-migrate --version: ${version}`);

  copyProject(DEMO, shop);
  copyProject(DEMO, legacyShop);
  commitAll(shop, 'v1');
  const migrate = await sh(bin('cloacina-migrate'), ['.', '--json'], { cwd: shop, allowExit: [1] });
  const report = JSON.parse(migrate.stdout);
  const { summary } = report;
  assert(summary.failed === 0 && summary.changed > 0 && summary.packagesChanged === 1, `unexpected migration summary ${JSON.stringify(summary)}`);
  const manifest = JSON.parse(readFileSync(join(shop, 'package.json'), 'utf8'));
  assert(semver.satisfies(tarballs.cloacina.version, manifest.dependencies.cloacina) && semver.satisfies(tarballs['cloacina-workflow'].version, manifest.dependencies['cloacina-workflow']),
    `package.json dependencies after migrating: ${JSON.stringify(manifest.dependencies)}`);
  ok(`cloacina-migrate .: ${summary.changed} files changed, ${summary.manualReview} site(s) for review, package.json -> ${JSON.stringify(manifest.dependencies)}`, since);

  since = performance.now();
  cpSync(DEMO_REVIEWED, shop, { recursive: true });
  await sh(bin('cloacina-migrate'), ['check', '.'], { cwd: shop });
  ok('review sites resolved; cloacina-migrate check . passes (no pending change, no marker, no type error against cloacina-workflow alone)', since);

  since = performance.now();
  const stock = join(project, 'stock-jscodeshift');
  // In the order the tool applies them (--list).
  const order = (await sh(bin('cloacina-migrate'), ['--list'])).stdout.trim().split('\n').map((line) => line.split(/\s/)[0]);
  // all.js runs every transform in one pass, as the command does.
  const shipped = codemodFiles.map((f) => f.replace(/\.js$/, '')).sort();
  assert(JSON.stringify([...order, 'all'].sort()) === JSON.stringify(shipped), `--list names ${order.join(', ')}; the package ships ${codemodFiles.join(', ')}`);
  const migrated = {};
  // Each transform in order, once through jscodeshift's default @babel/register loading and
  // once with --no-babel; then all.js alone.
  for (const [babel, names] of [[[], order], [['--no-babel'], order], [['--no-babel'], ['all']]]) {
    rmSync(stock, { recursive: true, force: true });
    copyProject(DEMO, stock);
    for (const name of names) {
      const transform = join('node_modules', 'cloacina-migrate', 'dist', 'codemods', `${name}.js`);
      const out = await sh(bin('jscodeshift'), ['-t', transform, ...babel, '--parser=tsx', '--extensions=ts', stock], { cwd: project });
      // jscodeshift colours its summary when it thinks it runs in CI (CI=true): read it plain.
      const summary = out.stdout.replace(/\x1b\[[0-9;]*m/g, '');
      const errors = /^(\d+) errors?$/m.exec(summary)?.[1];
      const changed = /^(\d+) ok$/m.exec(summary)?.[1];
      assert(errors === '0' && Number(changed) > 0, `jscodeshift -t ${transform} ${babel.join(' ')}:\n${out.stdout}${out.stderr}`);
    }
    const flow = readFileSync(join(stock, 'src', 'workflows', 'restock.ts'), 'utf8');
    assert(flow.includes("from 'cloacina-workflow'") && !flow.includes('loadFromDependenciesAndCache'), `stock jscodeshift ${babel.join(' ')} ${names.join(', ')} left restock.ts unmigrated`);
    const key = JSON.stringify(names);
    if (migrated[key] === undefined) migrated[key] = flow;
    assert(migrated[key] === flow, `stock jscodeshift ${babel.join(' ')} wrote restock.ts differently with and without babel`);
  }
  ok('stock jscodeshift -t node_modules/cloacina-migrate/dist/codemods/<name>.js (each in order, with and without --no-babel, and all.js) migrates the same project', since);
}

async function authorJourney() {
  console.log('author: cloacina-workflow as installed');
  const author = join(project, 'author');
  cpSync(join(JOURNEYS, 'author'), author, { recursive: true });
  let since = performance.now();
  const workflowManifest = JSON.parse(readFileSync(join(project, 'node_modules', 'cloacina-workflow', 'package.json'), 'utf8'));
  assert(Object.keys({ ...workflowManifest.dependencies, ...workflowManifest.peerDependencies }).length === 0, 'cloacina-workflow has runtime dependencies');
  const esm = JSON.parse((await sh(process.execPath, [join(author, 'esm.mjs')])).stdout);
  ok(`ESM import of cloacina-workflow and cloacina-workflow/testing (API ${esm.api}); a path outside the exports map is refused`, since);
  since = performance.now();
  const cjs = JSON.parse((await sh(process.execPath, ['--no-warnings', join(author, 'cjs.cjs')])).stdout);
  assert(cjs.greeting === 'hello cjs', `cjs.cjs printed ${JSON.stringify(cjs)}`);
  ok(`CommonJS require() of both entry points on Node ${process.versions.node}, the same instance as import`, since);

  since = performance.now();
  await Promise.all(['nodenext', 'bundler'].map((mode) => sh(process.execPath, [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(author, `tsconfig.${mode}.json`)])));
  ok('tsc --strict (skipLibCheck off) with NodeNext (ESM and CommonJS modules) and with Bundler resolution', since);

  since = performance.now();
  const vitest = await sh(bin('vitest'), ['run', '--root', shop, '--reporter=dot'], { cwd: shop });
  assert(/1 passed/.test(vitest.stdout), `vitest printed:\n${vitest.stdout}`);
  ok('vitest: the migrated project\'s unit test with runTask from cloacina-workflow/testing', since);
}

async function operatorJourney(tarballs) {
  console.log('operator: cloacina as installed, on SQLite');
  let since = performance.now();
  const version = (await sh(bin('cloacina'), ['--version'])).stdout.trim();
  assert(version === tarballs.cloacina.version, `cloacina --version printed ${version}`);
  ok(`cloacina --version: ${version}`);

  // The migrated project built with tsc and run by its own runner script (Runner.open), and
  // the v1 project on cloacina/legacy, as MIGRATION.md describes.
  pointAtLegacy(legacyShop);
  const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
  let legacyRuns;
  [migratedRuns, legacyRuns] = await Promise.all([
    buildAndRun(shop, { tsc, database: join(project, 'migrated.db') }),
    buildAndRun(legacyShop, { tsc, database: join(project, 'legacy.db') }),
  ]);
  const rows = compareRuns(legacyRuns, migratedRuns);
  const different = rows.filter((r) => !r.same);
  assert(rows.length > 0 && different.length === 0, `the migrated project ran differently from the v1 project on cloacina/legacy:\n${different.map((r) => `    ${r.workflow} ${r.task}: before ${r.before}, after ${r.after}`).join('\n')}`);
  ok(`Runner API: the migrated project (tsc, node dist/run.js) and the v1 project on cloacina/legacy run ${rows.length} tasks of ${Object.keys(migratedRuns).length} workflows the same`, since);

  since = performance.now();
  const archive = join(project, 'nightly-orders.cloacina');
  await sh(bin('cloacina'), ['pack', join(shop, 'src', 'workflows', 'nightly-orders.ts'), '-o', archive], { cwd: project });
  const context = JSON.stringify({ date: '2024-03-01' });
  const run = JSON.parse((await sh(bin('cloacina'), ['run', archive, '--db', join(project, 'cli.db'), '--context', context, '--json'], { cwd: project })).stdout);
  const expected = migratedRuns['nightly-orders'];
  const tasksOf = (result) => Object.fromEntries(Object.entries(result.tasks).map(([id, t]) => [id, { state: t.state, attempts: t.attempts, error: t.error?.kind ?? null, output: t.output ?? null }]));
  assert(run.status === expected.status && isDeepStrictEqual(tasksOf(run), expected.tasks), `cloacina run gave ${JSON.stringify(run, null, 2)}`);
  ok(`cloacina pack + cloacina run of the migrated nightly-orders workflow: ${run.status}, as the runner script`, since);

  since = performance.now();
  cpSync(join(JOURNEYS, 'operator'), join(project, 'operator'), { recursive: true });
  const registered = JSON.parse((await sh(process.execPath, [join(project, 'operator', 'registry.mjs'), archive, join(project, 'registry.db'), context])).stdout);
  assert(registered.status === expected.status && isDeepStrictEqual(tasksOf(registered), expected.tasks), `Runner registry run gave ${JSON.stringify(registered, null, 2)}`);
  ok('Runner API: registry.register() of the .cloacina package and executePackage() on SQLite', since);

  since = performance.now();
  await sh(process.execPath, ['--no-warnings', join(project, 'operator', 'require.cjs')]);
  ok('CommonJS require() of cloacina and cloacina/legacy; the runtime re-exports the same bindings as cloacina-workflow', since);
}

try {
  await main();
  console.log(`\nrelease check passed in ${seconds(started)}`);
} catch (error) {
  console.error(`\nrelease check FAILED after ${seconds(started)}: ${error instanceof StepError ? error.message : error.stack}`);
  process.exitCode = 1;
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
