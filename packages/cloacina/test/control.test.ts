// Execution control (cancel, pause, resume) and the default timeouts, on SQLite and on
// PostgreSQL: from the runner that runs the execution, from another runner sharing the
// database (in this process and in another one), and across restarts.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packagedWorkflow, Runner, task, type ExecutionEvent, type RunnerOptions } from 'cloacina';
import { bothBackends } from './support/backends.js';
import { gate, quickRetry, sleep, until } from './helpers.js';
// @ts-expect-error plain ESM fixture shared with the worker process
import { heldWorkflow } from './fixtures/held-workflow.mjs';

const WORKER = fileURLToPath(new URL('./fixtures/control-worker.mjs', import.meta.url));

const { backends, dir } = bothBackends('cloacina-control-');
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

const unique = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;
const types = (events: readonly ExecutionEvent[]) => events.map((e) => ('taskId' in e ? `${e.type}:${e.taskId}` : e.type));

/** A task that runs until its signal is aborted; `started` opens when it runs, `aborted` records the abort. */
function holdingTask(id: string, dependencies: string[] = []) {
  const started = gate();
  const state = { aborted: false, started };
  const t = task({ id, dependencies }, (_ctx, { signal }) => {
    started.open();
    return new Promise<void>((resolve) =>
      signal.addEventListener('abort', () => {
        state.aborted = true;
        resolve();
      }),
    );
  });
  return { task: t, state };
}

describe.each(backends)('execution control on %s', (_backend, database) => {
  it('cancel: the execution ends Cancelled, the running task sees its signal aborted, nothing new starts', async () => {
    const runner = await Runner.open({ database: database() });
    const hold = holdingTask('hold');
    let nextRan = false;
    const next = task({ id: 'next', dependencies: ['hold'] }, () => void (nextRan = true));
    const handle = await runner.execute(packagedWorkflow({ name: unique('cancel'), tasks: [hold.task, next] }));
    const id = handle.executionId;
    await hold.state.started.wait;

    expect(await runner.cancel(id)).toEqual({ executionId: id, status: 'Cancelled', pending: false });
    const result = await handle.result();
    expect(hold.state.aborted).toBe(true);
    expect(result).toMatchObject({ status: 'Cancelled', reason: 'execution cancelled' });
    expect(result.tasks.hold).toMatchObject({ state: 'Skipped', attempts: 1, reason: 'execution cancelled' });
    expect(result.tasks.next).toMatchObject({ state: 'Skipped', attempts: 0, reason: 'execution cancelled' });
    expect(await runner.execution(id)).toEqual(result);
    await sleep(50);
    expect(nextRan).toBe(false);
    // An ended execution stays as it is.
    expect(await runner.cancel(id)).toEqual({ executionId: id, status: 'Cancelled', pending: false });
    expect(await runner.resume(id)).toEqual({ executionId: id, status: 'Cancelled', pending: false });
    expect(types(await runner.events(id))).toEqual(['executionStarted', 'taskStarted:hold', 'executionCancelled']);
    await expect(runner.cancel(randomUUID())).rejects.toThrow(/^no execution /);
    await runner.close();
  });

  it('pause: running tasks finish, nothing new starts until resume', async () => {
    const runner = await Runner.open({ database: database() });
    const release = gate();
    const firstStarted = gate();
    let secondRan = false;
    const first = task({ id: 'first' }, async (ctx) => {
      firstStarted.open();
      await release.wait;
      ctx.set('first', true);
    });
    const second = task({ id: 'second', dependencies: [first] }, (ctx) => {
      secondRan = true;
      ctx.set('second', ctx.getRequired('first'));
    });
    const handle = await runner.execute(packagedWorkflow({ name: unique('pause'), tasks: [first, second] }));
    const id = handle.executionId;
    await firstStarted.wait;

    expect(await runner.pause(id)).toEqual({ executionId: id, status: 'Paused', pending: false });
    expect((await runner.execution(id))!.status).toBe('Paused');
    release.open();
    await until(async () => (await runner.execution(id))!.tasks.first!.state === 'Completed', 20_000, 'first to complete');
    await sleep(100);
    expect(secondRan).toBe(false);
    expect((await runner.execution(id))!.status).toBe('Paused');
    expect(await runner.pause(id)).toEqual({ executionId: id, status: 'Paused', pending: false });

    expect(await runner.resume(id)).toEqual({ executionId: id, status: 'Running', pending: false });
    const result = await handle.result();
    expect(result.status).toBe('Completed');
    expect(result.tasks.second!.output).toEqual({ first: true, second: true });
    expect(types(await runner.events(id))).toEqual([
      'executionStarted', 'taskStarted:first', 'executionPaused', 'taskCompleted:first', 'executionResumed',
      'taskStarted:second', 'taskCompleted:second', 'executionCompleted',
    ]);
    await runner.close();
  });

  it('holds a retry back while Paused', async () => {
    const runner = await Runner.open({ database: database() });
    const failed = gate();
    let attempts = 0;
    const flaky = task({ id: 'flaky', retry: { ...quickRetry(2), initialDelayMs: 150, maxDelayMs: 150 } }, () => {
      attempts++;
      if (attempts === 1) {
        failed.open();
        throw new Error('first attempt fails');
      }
    });
    const handle = await runner.execute(packagedWorkflow({ name: unique('retry-paused'), tasks: [flaky] }));
    await failed.wait;
    await runner.pause(handle.executionId);
    await sleep(300); // past the retry delay
    expect(attempts).toBe(1);
    await runner.resume(handle.executionId);
    expect((await handle.result()).tasks.flaky).toMatchObject({ state: 'Completed', attempts: 2 });
    await runner.close();
  });

  it('works from another runner sharing the database: the holder acts within one lease period', async () => {
    const db = database();
    const shared = { leaseMs: 300, pollMs: 20 };
    const hold = holdingTask('hold');
    const release = gate();
    const gated = task({ id: 'gated' }, () => release.wait);
    let afterRan = false;
    const after = task({ id: 'after', dependencies: ['gated'] }, () => void (afterRan = true));
    const cancelled = packagedWorkflow({ name: unique('cancel-shared'), tasks: [hold.task] });
    const paused = packagedWorkflow({ name: unique('pause-shared'), tasks: [gated, after] });
    const holder = await Runner.open({ database: db, workflows: [cancelled, paused], shared });
    // Knows neither workflow, so it never runs them; it only asks.
    const other = await Runner.open({ database: db, shared });

    const p = await holder.execute(paused);
    await until(async () => (await other.execution(p.executionId))?.tasks.gated!.state === 'Running', 20_000, 'gated to start');
    expect(await other.pause(p.executionId)).toEqual({ executionId: p.executionId, status: 'Running', pending: true });
    await until(async () => (await other.execution(p.executionId))!.status === 'Paused', 20_000, 'the holder to pause');
    release.open();
    await until(async () => (await other.execution(p.executionId))!.tasks.gated!.state === 'Completed', 20_000, 'gated to complete');
    await sleep(100);
    expect(afterRan).toBe(false);
    expect(await other.resume(p.executionId)).toEqual({ executionId: p.executionId, status: 'Paused', pending: true });
    expect((await other.wait(p.executionId)).status).toBe('Completed');
    expect(afterRan).toBe(true);

    const c = await holder.execute(cancelled);
    await hold.state.started.wait;
    expect(await other.cancel(c.executionId)).toEqual({ executionId: c.executionId, status: 'Running', pending: true });
    expect((await c.result()).status).toBe('Cancelled');
    expect(hold.state.aborted).toBe(true);
    await holder.close();
    await other.close();
  });

  it('works on an execution run by another process', async () => {
    const db = database();
    const log = join(dir(), `${randomUUID()}.log`);
    const submitter = await Runner.open({ database: db });
    const worker = spawn(process.execPath, [WORKER, db, log], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(worker);
    await new Promise((resolve) => worker.stdout!.once('data', resolve));
    const handle = await submitter.submit(heldWorkflow(log));
    await until(() => existsSync(log) && readFileSync(log, 'utf8').includes('started'), 10_000, 'the worker to start the task');
    expect(await submitter.cancel(handle.executionId)).toMatchObject({ status: 'Running', pending: true });
    const result = await handle.result();
    expect(result.status).toBe('Cancelled');
    expect(readFileSync(log, 'utf8')).toBe('started\naborted\n');
    worker.kill('SIGTERM');
    await new Promise((resolve) => worker.once('exit', resolve));
    await submitter.close();
  });

  it('a Paused execution stays Paused across a restart, and resumes there', async () => {
    const db = database();
    const release = gate();
    let secondRan = false;
    const first = task({ id: 'first' }, () => release.wait);
    const second = task({ id: 'second', dependencies: [first] }, () => void (secondRan = true));
    const wf = packagedWorkflow({ name: unique('restart-paused'), tasks: [first, second] });
    const before = await Runner.open({ database: db });
    const { executionId } = await before.execute(wf);
    await until(async () => (await before.execution(executionId))?.tasks.first!.state === 'Running', 20_000, 'first to start');
    await before.pause(executionId);
    release.open();
    await until(async () => (await before.execution(executionId))!.tasks.first!.state === 'Completed', 20_000, 'first to complete');
    await before.close();

    const after = await Runner.open({ database: db, workflows: [wf] });
    await sleep(100);
    expect(secondRan).toBe(false);
    expect((await after.execution(executionId))!.status).toBe('Paused');
    expect(await after.resume(executionId)).toEqual({ executionId, status: 'Running', pending: false });
    expect((await after.wait(executionId)).status).toBe('Completed');
    expect(secondRan).toBe(true);
    await after.close();
  });

  it('a request its holder never acted on is carried out by the runner that takes the execution over', async () => {
    const db = database();
    const hold = holdingTask('hold');
    const wf = packagedWorkflow({ name: unique('orphaned-request'), tasks: [hold.task] });
    // A long lease: the holder would not look at requests for 20 s.
    const holder = await Runner.open({ database: db, workflows: [wf], shared: { leaseMs: 60_000, pollMs: 20 } });
    const { executionId } = await holder.execute(wf);
    await hold.state.started.wait;
    const asker = await Runner.open({ database: db });
    expect(await asker.cancel(executionId)).toMatchObject({ status: 'Running', pending: true });
    await holder.close();

    const next = await Runner.open({ database: db, workflows: [wf] });
    expect(await next.wait(executionId)).toMatchObject({ status: 'Cancelled', reason: 'execution cancelled' });
    await next.close();
    await asker.close();
  });

  it('applies a request at once when no live runner holds the execution', async () => {
    const db = database();
    const wf = packagedWorkflow({ name: unique('unheld'), tasks: [task({ id: 'a' }, () => {}), task({ id: 'b', dependencies: ['a'] }, () => {})] });
    const submitter = await Runner.open({ database: db });
    const paused = await submitter.submit(wf);
    const cancelled = await submitter.submit(wf);
    expect(await submitter.pause(paused.executionId)).toEqual({ executionId: paused.executionId, status: 'Paused', pending: false });
    expect(await submitter.cancel(cancelled.executionId)).toEqual({ executionId: cancelled.executionId, status: 'Cancelled', pending: false });
    expect((await submitter.execution(cancelled.executionId))!.tasks).toMatchObject({
      a: { state: 'Skipped', reason: 'execution cancelled' },
      b: { state: 'Skipped', reason: 'execution cancelled' },
    });
    // A shared runner claims only Running executions: the Paused one waits for resume.
    const worker = await Runner.open({ database: db, workflows: [wf], shared: { leaseMs: 300, pollMs: 20 } });
    await sleep(150);
    expect((await worker.execution(paused.executionId))!.status).toBe('Paused');
    expect(await submitter.resume(paused.executionId)).toEqual({ executionId: paused.executionId, status: 'Running', pending: false });
    expect((await worker.wait(paused.executionId)).status).toBe('Completed');
    expect(types(await worker.events(paused.executionId))).toEqual([
      'executionStarted', 'executionPaused', 'executionResumed',
      'taskStarted:a', 'taskCompleted:a', 'taskStarted:b', 'taskCompleted:b', 'executionCompleted',
    ]);
    await worker.close();
    await submitter.close();
  });
});

describe.each(backends)('timeouts on %s', (_backend, database) => {
  it('taskTimeoutMs applies to tasks without their own timeoutMs; a task\'s timeoutMs overrides it', async () => {
    const runner = await Runner.open({ database: database(), taskTimeoutMs: 40 });
    let sawAbort = false;
    const hangs = task({ id: 'hangs', retry: { maxAttempts: 1 } }, (_ctx, { signal }) => {
      signal.addEventListener('abort', () => void (sawAbort = true));
      return new Promise<void>(() => {});
    });
    const patient = task({ id: 'patient', timeoutMs: 2000, retry: { maxAttempts: 1 } }, () => sleep(150));
    const result = await (await runner.execute(packagedWorkflow({ name: unique('task-timeout'), tasks: [hangs, patient] }))).result();
    expect(result.tasks.hangs).toMatchObject({ state: 'Failed', error: { kind: 'Timeout', message: 'task "hangs" timed out after 40 ms' } });
    expect(sawAbort).toBe(true);
    expect(result.tasks.patient!.state).toBe('Completed');
    const events = await runner.events(result.executionId);
    expect(events.filter((e) => e.type === 'taskTimedOut' || e.type === 'taskFailed').map((e) => e.type)).toEqual(['taskTimedOut', 'taskFailed']);
    await runner.close();
  });

  it('workflowTimeoutMs fails the execution with a clear reason and aborts what runs', async () => {
    const runner = await Runner.open({ database: database(), workflowTimeoutMs: 150 });
    const hold = holdingTask('hold');
    const later = task({ id: 'later', dependencies: ['hold'] }, () => {});
    const handle = await runner.execute(packagedWorkflow({ name: unique('workflow-timeout'), tasks: [hold.task, later] }));
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'Failed', reason: 'workflow timed out after 150 ms' });
    expect(hold.state.aborted).toBe(true);
    expect(result.tasks.hold).toMatchObject({ state: 'Skipped', reason: 'workflow timed out after 150 ms' });
    expect(result.tasks.later).toMatchObject({ state: 'Skipped', attempts: 0 });
    expect(await runner.execution(handle.executionId)).toEqual(result);
    expect(types(await runner.events(handle.executionId))).toEqual(['executionStarted', 'taskStarted:hold', 'executionTimedOut']);
    await runner.close();
  });

  it('does not count time spent Paused', async () => {
    const runner = await Runner.open({ database: database(), workflowTimeoutMs: 400 });
    const step = task({ id: 'step' }, () => sleep(100));
    const next = task({ id: 'next', dependencies: [step] }, () => sleep(100));
    const handle = await runner.execute(packagedWorkflow({ name: unique('paused-time'), tasks: [step, next] }));
    await runner.pause(handle.executionId);
    await sleep(500);
    await runner.resume(handle.executionId);
    expect((await handle.result()).status).toBe('Completed');
    await runner.close();
  });

  it('keeps an execution\'s workflow timeout across a restart', async () => {
    const db = database();
    const hold = holdingTask('hold');
    const wf = packagedWorkflow({ name: unique('timeout-restart'), tasks: [hold.task] });
    const first = await Runner.open({ database: db, workflowTimeoutMs: 300 });
    const { executionId } = await first.execute(wf);
    await hold.state.started.wait;
    await first.close();
    // Opened with the default (an hour): the stored 300 ms still applies.
    const second = await Runner.open({ database: db, workflows: [wf] });
    expect(await second.wait(executionId)).toMatchObject({ status: 'Failed', reason: 'workflow timed out after 300 ms' });
    await second.close();
  });
});

describe('timeout options', () => {
  it('default to 300,000 ms per task and 3,600,000 ms per workflow', async () => {
    // The clock is faked too: the workflow deadline is a point in time.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const runner = Runner.inMemory();
      const hangs = task({ id: 'hangs', retry: { maxAttempts: 1 } }, () => new Promise<void>(() => {}));
      const handle = await runner.execute(packagedWorkflow({ name: 'defaults', tasks: [hangs] }));
      let ended = false;
      const result = handle.result().then((r) => ((ended = true), r));
      await vi.advanceTimersByTimeAsync(299_999);
      expect(ended).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect((await result).tasks.hangs!.error).toEqual({ kind: 'Timeout', message: 'task "hangs" timed out after 300000 ms' });

      const patient = Runner.inMemory({ taskTimeoutMs: Infinity });
      const forever = await patient.execute(packagedWorkflow({ name: 'defaults', tasks: [task({ id: 'hangs' }, () => new Promise<void>(() => {}))] }));
      let over = false;
      const timedOut = forever.result().then((r) => ((over = true), r));
      await vi.advanceTimersByTimeAsync(3_599_999);
      expect(over).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await timedOut).toMatchObject({ status: 'Failed', reason: 'workflow timed out after 3600000 ms' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a timeout that is not a positive number of milliseconds, naming the option', () => {
    expect(() => Runner.inMemory({ taskTimeoutMs: 0 })).toThrow('RunnerOptions.taskTimeoutMs must be a positive number of milliseconds (or Infinity for none), got 0');
    expect(() => Runner.inMemory({ workflowTimeoutMs: Number.NaN } as RunnerOptions)).toThrow('RunnerOptions.workflowTimeoutMs must be a positive number');
  });
});
