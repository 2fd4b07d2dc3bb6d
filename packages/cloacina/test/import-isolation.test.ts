// Package code that loops, exits the process or never settles at import is refused (imported
// first in a worker thread under a time limit), and `cloacina run` exits 0 only for a
// Completed execution.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packagedWorkflow, task } from 'cloacina-workflow';
import { Runner, writeArchive, type Manifest } from 'cloacina';
import { CLI, FIXTURES, packHello, sha, type Hello } from './packaging-helpers.js';

let hello: Hello;
let dir: string;
beforeAll(async () => {
  hello = await packHello();
  dir = hello.dir;
});
afterAll(() => hello.cleanup());

/** The hello package with `code` run first at import. */
function withTopLevel(code: string): Buffer {
  const bundle = Buffer.concat([Buffer.from(`${code}\n`), Buffer.from(hello.bundle)]);
  const manifest: Manifest = { ...hello.manifest, bundle: { ...hello.manifest.bundle, sha256: sha(bundle), bytes: bundle.length } };
  return writeArchive(manifest, bundle);
}

// The import limit: short where the limit is what refuses the bundle; long where the refusal
// comes from elsewhere (an exit, an emptied event loop), so a slow import on a busy machine
// cannot hit the limit first.
const BAD_IMPORTS: Array<[string, string, RegExp, number]> = [
  ['loops forever', 'for (;;) {}', /hello-pkg@1\.2\.0: bundle did not finish importing within 300 ms \(an endless loop in its top-level code\?\); refusing it/, 300],
  ['calls process.exit(0)', 'process.exit(0);', /hello-pkg@1\.2\.0: bundle called process\.exit\(0\) while being imported; refusing it/, 10_000],
  ['awaits forever', 'await new Promise(() => {});', /hello-pkg@1\.2\.0: bundle never finished importing: its top-level code awaits something that never settles; refusing it/, 10_000],
];

describe('the isolated first import', () => {
  it.each(BAD_IMPORTS)('register refuses a package that %s at import, nothing stored, this process unharmed', async (_, code, message, limitMs) => {
    const runner = await Runner.open({ database: join(dir, `probe-${Math.random()}.db`), registry: { importTimeoutMs: limitMs } });
    try {
      await expect(runner.registry.register(withTopLevel(code))).rejects.toThrow(message);
      expect(await runner.registry.list()).toEqual([]);
      // The runner still works (a workflow it already holds runs; registering is not retried
      // here, as 300 ms is too short for a real import on a busy machine).
      const wf = packagedWorkflow({ name: 'after-refusal', tasks: [task({ id: 'ok' }, (ctx) => ctx.set('ran', true))] });
      expect((await (await runner.execute(wf)).result()).status).toBe('Completed');
    } finally {
      await runner.close();
    }
  });

  it.each(BAD_IMPORTS)('cloacina run refuses a package file that %s at import, exit 1', (_, code, message, limitMs) => {
    const file = join(dir, `bad-${BAD_IMPORTS.findIndex((b) => b[1] === code)}.cloacina`);
    writeFileSync(file, withTopLevel(code));
    const run = spawnSync(process.execPath, [CLI, 'run', file, '--db', join(dir, 'bad.db'), '--import-timeout', String(limitMs)], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });
});

describe('cloacina run exit status', () => {
  it('a task that calls process.exit(0) fails the run', () => {
    const run = spawnSync(process.execPath, [CLI, 'run', join(FIXTURES, 'exits-in-task.ts'), '--db', join(dir, 'exits.db')], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('cloacina: the process was ended (exit code 0) before the run finished; failing it');
  });

  it('an event loop that empties while a task has not settled fails, naming the task', () => {
    // The runner's own timers keep the loop alive while a task runs; the guard is the last line
    // for whatever empties it anyway (here: a promise that never settles and no timers at all).
    const guard = fileURLToPath(new URL('../dist/cli/run-guard.js', import.meta.url));
    const script = `
      import { RunGuard } from ${JSON.stringify(guard)};
      const guard = new RunGuard();
      guard.listener({ type: 'taskStarted', executionId: 'e1', taskId: 'fetch', attempt: 1, at: 0 });
      guard.listener({ type: 'taskStarted', executionId: 'e1', taskId: 'stuck', attempt: 1, at: 0 });
      guard.listener({ type: 'taskCompleted', executionId: 'e1', taskId: 'fetch', attempt: 1, at: 1 });
      await new Promise(() => {});
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('cloacina: the run cannot finish: nothing is left to wait for, yet task(s) stuck (execution e1) never settled');
  });

  it('exits 1 for a Failed execution and 0 for a Completed one', () => {
    const failing = join(dir, 'fails.ts');
    writeFileSync(
      failing,
      `import { packagedWorkflow, task } from 'cloacina-workflow';\n` +
        `export default packagedWorkflow({ name: 'fails', tasks: [task({ id: 'boom', retry: { maxAttempts: 1 } }, () => { throw new Error('no'); })] });\n`,
    );
    const failed = spawnSync(process.execPath, [CLI, 'run', failing, '--db', join(dir, 'ok.db')], { encoding: 'utf8', timeout: 30_000 });
    expect(failed.status, failed.stderr).toBe(1);
    expect(failed.stdout).toMatch(/^fails Failed \(execution/m);
    const ok = spawnSync(process.execPath, [CLI, 'run', join(FIXTURES, 'hello.ts'), '--db', join(dir, 'ok.db')], { encoding: 'utf8', timeout: 30_000 });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stderr).toBe('');
  });
});
