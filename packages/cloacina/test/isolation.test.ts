// timeoutMs against synchronous work: a body on the runner's thread that overruns fails as
// timed out; a task with isolation: 'worker' runs in a worker thread that the timeout terminates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { packagedWorkflow, task } from 'cloacina-workflow';
import { executeInMemory, pack, Runner } from 'cloacina';
import { FIXTURES } from './packaging-helpers.js';
import { tempDir } from './helpers.js';

const spin = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy
  }
};

describe('timeoutMs on the runner thread', () => {
  it('a synchronous body that runs past its timeout fails with Timeout instead of completing', async () => {
    const wf = packagedWorkflow({
      name: 'sync-overrun',
      tasks: [task({ id: 'loop', timeoutMs: 100, retry: { maxAttempts: 1 } }, (ctx) => { spin(400); ctx.set('done', true); })],
    });
    const result = await executeInMemory(wf);
    expect(result.status).toBe('Failed');
    expect(result.tasks.loop!.error).toMatchObject({ kind: 'Timeout' });
    expect(result.tasks.loop!.error!.message).toMatch(/ran for \d+ ms, past its 100 ms timeout/);
  });

  it('a body within its timeout still completes', async () => {
    const wf = packagedWorkflow({ name: 'sync-ok', tasks: [task({ id: 'quick', timeoutMs: 5_000 }, (ctx) => { spin(20); ctx.set('done', true); })] });
    expect((await executeInMemory(wf)).status).toBe('Completed');
  });
});

describe("isolation: 'worker'", () => {
  let runner: Runner;
  let cleanup: () => void;
  beforeAll(async () => {
    const made = tempDir('cloacina-isolation-');
    cleanup = made.cleanup;
    runner = await Runner.open({ database: join(made.dir, 'isolation.db') });
    await runner.registry.register((await pack(join(FIXTURES, 'isolated.ts'))).archive);
  });
  afterAll(async () => {
    await runner.close();
    cleanup();
  });

  it('terminates a CPU loop at its timeout, while the runner thread stays free', async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    try {
      const result = await (await runner.executePackage('isolated-pkg', '1.0.0', { spinMs: 3_000, n: 1 })).result();
      expect(result.status).toBe('Failed');
      expect(result.tasks.work!.error).toEqual({ kind: 'Timeout', message: 'task "work" timed out after 500 ms (its worker thread was terminated)' });
      // The loop ran in the worker: this thread kept running its timers meanwhile.
      expect(ticks).toBeGreaterThan(5);
    } finally {
      clearInterval(ticker);
    }
  });

  it('runs the body on a copy of the context and keeps what it left, removals included', async () => {
    const result = await (await runner.executePackage('isolated-pkg', '1.0.0', { n: 21, drop: 'x', keep: [1, 2] })).result();
    expect(result.status).toBe('Completed');
    expect(result.tasks.work!.output).toEqual({ n: 21, keep: [1, 2], doubled: 42 });
  });

  it("reports the body's own error kind", async () => {
    const result = await (await runner.executePackage('isolated-pkg', '1.0.0', { n: 1, fail: true })).result();
    expect(result.tasks.work!.error).toEqual({ kind: 'ValidationFailed', message: 'input rejected in the worker' });
  });

  it('refuses a workflow defined in code, which has no package to run the task from', async () => {
    const wf = packagedWorkflow({ name: 'in-code', tasks: [task({ id: 'iso', isolation: 'worker' }, () => {})] });
    await expect(executeInMemory(wf)).rejects.toThrow(/task\(s\) iso ask for isolation: 'worker'.*register the package/);
    expect(() => task({ id: 'bad', isolation: 'thread' as 'worker' }, () => {})).toThrow(`task "bad" isolation must be 'inline' or 'worker', got "thread"`);
  });
});
