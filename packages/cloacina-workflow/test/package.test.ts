// The published artifact: lint the packed tarball, then load it as second and third
// copies of the package beside the workspace copy and check they recognise each other.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as here from 'cloacina-workflow';
import * as hereTesting from 'cloacina-workflow/testing';

type Api = typeof here;
type TestingApi = typeof hereTesting;

const root = new URL('../../../', import.meta.url).pathname;
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
let work: string;
let tarball: string;

/** Unpacks the tarball into `dir` with its version set to `version`. */
function unpack(dir: string, version: string): string {
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', dir]);
  const pkgDir = join(dir, 'package');
  const pkgFile = join(pkgDir, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  const original = pkg.version as string;
  pkg.version = version;
  writeFileSync(pkgFile, JSON.stringify(pkg));
  // The version constant is bundled into a shared chunk; rewrite it wherever it is.
  let rewritten = 0;
  for (const file of readdirSync(join(pkgDir, 'dist'), { recursive: true }) as string[]) {
    if (!file.endsWith('.js')) continue;
    const path = join(pkgDir, 'dist', file);
    const text = readFileSync(path, 'utf8');
    const next = text.replace(`API_VERSION = "${original}"`, `API_VERSION = "${version}"`);
    if (next !== text) rewritten++;
    writeFileSync(path, next);
  }
  expect(rewritten).toBe(1);
  return pkgDir;
}

async function load(pkgDir: string): Promise<[Api, TestingApi]> {
  const api = (await import(pathToFileURL(join(pkgDir, 'dist', 'index.js')).href)) as Api;
  const testing = (await import(pathToFileURL(join(pkgDir, 'dist', 'testing', 'index.js')).href)) as TestingApi;
  return [api, testing];
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'cloacina-workflow-pack-'));
  execFileSync('npm', ['pack', '-w', 'cloacina-workflow', '--ignore-scripts', '--pack-destination', work], {
    cwd: root,
    stdio: 'pipe',
  });
  tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed tarball', () => {
  it('passes publint and @arethetypeswrong/cli', () => {
    const publint = execFileSync(bin('publint'), ['run', join(root, 'packages', 'cloacina-workflow'), '--strict'], { encoding: 'utf8' });
    expect(publint).toContain('All good');
    // Throws (non-zero exit) on any problem for the ESM-only profile.
    execFileSync(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii'], { encoding: 'utf8' });
  });

  it('has zero runtime dependencies and ships only built files and docs', () => {
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
    expect(listing.every((f) => /^package\/(dist\/.*\.(js|d\.ts)|package\.json|README\.md|LICENSE)$/.test(f))).toBe(true);
    const pkg = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.peerDependencies ?? {}).toEqual({});
    expect(pkg.optionalDependencies ?? {}).toEqual({});
  });
});

describe('two copies of the package', () => {
  let other: Api;
  let otherTesting: TestingApi;

  beforeAll(async () => {
    [other, otherTesting] = await load(unpack(join(work, 'minor'), '1.3.0'));
  });

  it('are distinct module instances of compatible versions', () => {
    expect(other.Context).not.toBe(here.Context);
    expect(other.API_VERSION).toBe('1.3.0');
    expect(here.isCompatibleApiVersion(other.API_VERSION)).toBe(true);
  });

  it('accept each other\'s contexts', () => {
    const mine = new here.Context({ a: [1] });
    const theirs = new other.Context({ b: { c: 2 } });
    expect(theirs instanceof here.Context).toBe(true);
    expect(mine instanceof other.Context).toBe(true);
    expect(here.isContext(theirs) && other.isContext(mine)).toBe(true);
    expect(new here.Context(theirs).toJSON()).toEqual({ b: { c: 2 } });
    expect(here.mergeContexts([mine, theirs]).toJSON()).toEqual({ a: [1], b: { c: 2 } });
  });

  it('accept each other\'s tasks in workflows and in the testing helper', async () => {
    const load = other.task({ id: 'load' }, (ctx) => ctx.set('rows', [1, 2]));
    const sum = here.task({ id: 'sum', dependencies: [load] }, (ctx) => {
      ctx.set('total', (ctx.get('rows') as number[]).reduce((x, y) => x + y, 0));
    });
    const wf = here.packagedWorkflow({ name: 'mixed', tasks: [load, sum] });
    expect(wf.executionOrder).toEqual(['load', 'sum']);
    const wf2 = other.packagedWorkflow({ name: 'mixed', tasks: [sum, load] });
    expect(wf2.tasks.map((t) => t.provenance?.version)).toEqual(['1.3.0', '1.3.0']);
    expect(here.isPackagedWorkflow(wf2) && other.isPackagedWorkflow(wf)).toBe(true);

    const loaded = await otherTesting.runTask(load, { initialContext: new here.Context({}) });
    const summed = await hereTesting.runTask(sum, { dependencyOutputs: { load: loaded.context } });
    expect(summed.status).toBe('Completed');
    expect(summed.context.get('total')).toBe(3);
  });

  it('recognise each other\'s errors by kind, without a subclass matching every base error', async () => {
    const theirs = other.TaskError.validationFailed('bad');
    expect(theirs instanceof here.TaskError).toBe(true);
    expect(theirs instanceof here.ContextError).toBe(false);
    expect(new other.ContextError('KeyExists', 'x') instanceof here.ContextError).toBe(true);
    expect(here.TaskError.from(theirs).kind).toBe('ValidationFailed');

    class QuotaError extends here.TaskError {}
    expect(new QuotaError('ExecutionFailed', 'quota') instanceof QuotaError).toBe(true);
    expect(new QuotaError('ExecutionFailed', 'quota') instanceof here.TaskError).toBe(true);
    expect(theirs instanceof QuotaError).toBe(false);
    expect(new here.TaskError('ExecutionFailed', 'x') instanceof QuotaError).toBe(false);

    const failing = other.task({ id: 'f' }, () => { throw new other.TaskError('Timeout', 'slow upstream'); });
    const result = await hereTesting.runTask(failing);
    expect(result.status === 'Failed' && result.error.kind).toBe('Timeout');
  });

  it('warns loudly when two majors are loaded at once', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const [major2] = await load(unpack(join(work, 'major'), '2.0.0'));
      expect(major2.API_VERSION).toBe('2.0.0');
      expect(here.isCompatibleApiVersion('2.0.0')).toBe(false);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/two major versions are loaded at once \(1\.\d+\.\d+ and 2\.0\.0\)/);
    } finally {
      warn.mockRestore();
    }
  });
});
