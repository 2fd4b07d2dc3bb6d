// `cloacina-migrate check` on a real-shaped project: its own tsconfig (legacy decorators,
// JSX with a custom factory, node types, path aliases) decides how it is type-checked, and
// only errors the migration is responsible for are reported.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import { typecheckAgainstAuthoringApi } from '../../src/typecheck.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = join(ROOT, 'test', 'check', 'fixtures', 'decorated-app');
// Inside the repository, so the project finds node types and cloacina-workflow as an installed project would.
let dir: string;
let counter = 0;

beforeEach(() => {
  dir = join(ROOT, '.tmp', `check-${process.pid}-${counter++}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(FIXTURE, dir, { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  typeErrors: Array<{ file: string; line: number; message: string }>;
  remainingUses: Array<{ file: string; line: number; action: string }>;
  typeCheck: { projects: Array<{ config: string | null; errors: number; baselineErrors: number; reported: number; workflowModules: number }> };
  summary: { changed: number; manualReview: number };
}

async function cli(...args: string[]): Promise<{ code: number; report: Report; human: string }> {
  let out = '';
  let err = '';
  const stream = (append: (s: string) => void) => ({ write: (chunk: unknown) => (append(String(chunk)), true) }) as unknown as NodeJS.WritableStream;
  const code = await main([...args, '--json', '--workers', '1'], { stdout: stream((s) => (out += s)), stderr: stream((s) => (err += s)), cwd: dir });
  return { code, report: JSON.parse(out) as Report, human: err };
}

const write = (file: string, text: string) => writeFileSync(join(dir, file), text);
const read = (file: string) => readFileSync(join(dir, file), 'utf8');

describe('cloacina-migrate check', () => {
  it('passes a cleanly migrated project that uses decorators, JSX, node globals and path aliases', async () => {
    expect((await cli('--force', '.')).code).toBe(0);
    expect(read('src/workflow.ts')).toContain("from 'cloacina-workflow'");
    const { code, report } = await cli('check', '.');
    expect(report.typeErrors).toEqual([]);
    expect(report.typeCheck.projects).toEqual([expect.objectContaining({ config: 'tsconfig.json', workflowModules: 1, reported: 0 })]);
    expect(code).toBe(0);
  }, 120_000);

  it('is needed: with fixed compiler options the same project shows errors that are not the migration\'s', async () => {
    expect((await cli('--force', '.')).code).toBe(0);
    const errors = typecheckAgainstAuthoringApi([join(dir, 'src', 'workflow.ts')], { strict: false });
    expect(errors.length).toBeGreaterThan(0);
  }, 120_000);

  it('does not report an error the project had before migrating', async () => {
    write('src/workflow.ts', `${read('src/workflow.ts')}\nexport const port: number = 'not a number';\n`);
    expect((await cli('--force', '.')).code).toBe(0);
    const { code, report } = await cli('check', '.');
    expect(report.typeErrors).toEqual([]);
    expect(report.typeCheck.projects[0]).toMatchObject({ errors: 1, baselineErrors: 1, reported: 0 });
    expect(code).toBe(0);
  }, 120_000);

  it('fails while a removed Context method is still used, even with its review marker deleted', async () => {
    const flow = read('src/workflow.ts').replace("  const user = ctx.loadFromDependenciesAndCache('user');", "  ctx.remove('user');\n  const user = ctx.loadFromDependenciesAndCache('user');");
    write('src/workflow.ts', flow);
    expect((await cli('--force', '.')).code).toBe(1);
    // The user deletes the marker but keeps the call.
    write('src/workflow.ts', read('src/workflow.ts').replace(/^\s*\/\/ TODO\(cloacina-migrate\).*\n/m, ''));
    const { code, report } = await cli('check', '.');
    expect(code).toBe(1);
    expect(report.summary.manualReview).toBeGreaterThan(0);
    expect(report.remainingUses).toEqual([expect.objectContaining({ file: join('src', 'workflow.ts'), line: 13 })]);
    expect(report.typeErrors).toEqual([
      { file: join('src', 'workflow.ts'), line: 13, message: expect.stringContaining("Property 'loadFromDependenciesAndCache' does not exist") },
    ]);
  }, 120_000);

  it("passes with the project's own objects whose methods share the removed names", async () => {
    write(
      'src/services/container.ts',
      'export class Container {\n  executionScope = "app";\n  getWithDependencies(key: string): string {\n    return `${this.executionScope}:${key}`;\n  }\n}\n',
    );
    write('src/workflow.ts', `import { Container } from '@app/services/container';\n${read('src/workflow.ts')}\nexport const db = new Container().getWithDependencies('db');\n`);
    expect((await cli('--force', '.')).code).toBe(0);
    expect(read('src/workflow.ts')).toContain("new Container().getWithDependencies('db')");
    const { code, report } = await cli('check', '.');
    expect(report.remainingUses).toEqual([]);
    expect(report.typeErrors).toEqual([]);
    expect(code).toBe(0);
  }, 120_000);

  it('fails when a workflow module pulls in a local module that needs the runtime', async () => {
    expect((await cli('--force', '.')).code).toBe(0);
    write('src/runner.ts', "import { Runner } from 'cloacina';\n\nexport const openRunner = () => Runner.open({ database: ':memory:' });\n");
    write('src/workflow.ts', `import { openRunner } from './runner';\n${read('src/workflow.ts')}\nexport const open = openRunner;\n`);
    const { code, report } = await cli('check', '.');
    expect(code).toBe(1);
    expect(report.typeErrors).toEqual([{ file: join('src', 'runner.ts'), line: 1, message: expect.stringContaining("Cannot find module 'cloacina'") }]);
  }, 120_000);
});
