// Small v1 projects, one per way the removed-method rewrite can go wrong (test/analysis/projects/).
// Each holds input/ (the v1 tree), expected/ (the tree after `cloacina-migrate`) and case.json:
// the sites that must be flagged, and how to run it. `run: "same"`: the v1 workflow under
// cloacina/legacy and the migrated one under cloacina compute the same thing. `run:
// "naive-differs"`: replacing the flagged loader calls with get() anyway changes what the
// workflow computes, so the flag is needed. UPDATE_PROJECTS=1 rewrites expected/ (review the diff).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Runner, type PackagedWorkflow } from 'cloacina';
import { main } from '../../src/cli/main.js';
import { importTree, LEGACY_URL } from '../../src/compat/bundle-import.js';
import { differences, outcomeOf } from '../../src/compat/outcome.js';
import { listTree } from '../../src/compat/fixture-projects.js';
import type { RunOutcome } from '../../src/compat/program.js';

const ROOT = fileURLToPath(new URL('./projects/', import.meta.url));
const UPDATE = process.env.UPDATE_PROJECTS === '1';
const V2 = { 'cloacina-workflow': import.meta.resolve('cloacina-workflow'), cloacina: import.meta.resolve('cloacina') };
const LOADER = /\b(loadFromDependenciesAndCache|getWithDependencies)\b/g;
/** A setDependencyLoader(...) statement on a line of its own. */
const SETTER = /^[ \t]*[\w$.]+\.setDependencyLoader\(.*\);[ \t]*\n/gm;

interface ExpectedFlag {
  file: string;
  line: number;
  reason: string;
}

interface Case {
  why: string;
  flags: ExpectedFlag[];
  run: 'same' | 'naive-differs' | 'none';
}

let work: string;
let runner: Runner;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cloacina-analysis-projects-'));
  runner = await Runner.open({ database: ':memory:' });
  process.noDeprecation = true;
});
afterAll(async () => {
  await runner.close();
  rmSync(work, { recursive: true, force: true });
});

function sink() {
  let text = '';
  return { write: (chunk: string) => ((text += chunk), true), text: () => text } as unknown as NodeJS.WritableStream & { text(): string };
}

async function migrate(dir: string) {
  const stdout = sink();
  const stderr = sink();
  const code = await main([dir, '--force', '--json', '--workers', '1'], { stdout, stderr, cwd: dir });
  const report = JSON.parse(stdout.text()) as { files: Array<{ file: string; status: string; error?: string; flags: Array<{ reason: string; line: number }> }> };
  return { code, report };
}

async function runTree(dir: string, externals: Record<string, string>): Promise<RunOutcome> {
  const module = await importTree(join(dir, 'src', 'workflow.ts'), externals);
  const handle = await runner.execute(module.default as PackagedWorkflow, (module.initialContext ?? {}) as never);
  return outcomeOf(await handle.result());
}

function writeTree(dir: string, tree: Record<string, string>): void {
  for (const [file, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
}

const names = readdirSync(ROOT).sort();

describe.each(names)('%s', (name) => {
  const project = join(ROOT, name);
  const spec = JSON.parse(readFileSync(join(project, 'case.json'), 'utf8')) as Case;

  it('migrates to expected/ with exactly the expected flags, and runs as v1 did', async () => {
    const dir = join(work, name);
    cpSync(join(project, 'input'), dir, { recursive: true });
    const { report } = await migrate(dir);
    expect(report.files.filter((f) => f.status === 'failed')).toEqual([]);
    const flags = report.files.flatMap((f) => f.flags.map((flag) => ({ file: f.file, line: flag.line, reason: flag.reason })));
    const byPlace = (a: ExpectedFlag, b: ExpectedFlag) => a.file.localeCompare(b.file) || a.line - b.line || a.reason.localeCompare(b.reason);
    const migrated = listTree(dir);
    if (UPDATE) {
      rmSync(join(project, 'expected'), { recursive: true, force: true });
      writeTree(join(project, 'expected'), migrated);
    }
    expect(flags.sort(byPlace)).toEqual([...spec.flags].sort(byPlace));
    expect(migrated).toEqual(listTree(join(project, 'expected')));
    // A second run over the migrated tree sees what the first left and changes nothing.
    await migrate(dir);
    expect(listTree(dir)).toEqual(migrated);

    if (spec.run === 'none') return;
    const legacy = await runTree(join(project, 'input'), { cloacina: LEGACY_URL });
    if (spec.run === 'same') {
      expect(differences(legacy, await runTree(dir, V2))).toEqual([]);
      return;
    }
    // The flags are needed: get() in place of the flagged loaders (and the kept setters
    // deleted, as for a setter nobody reads from) computes something else.
    const naive = join(work, `${name}-naive`);
    writeTree(naive, Object.fromEntries(Object.entries(migrated).map(([file, text]) => [file, text.replace(SETTER, '').replace(LOADER, 'get')])));
    expect(differences(legacy, await runTree(naive, V2))).not.toEqual([]);
  });
});

it('covers every class of issue 11 items 1-3', () => {
  expect(names.length).toBeGreaterThanOrEqual(18);
});
