// Stored and live lifecycle events, history pages, pruning (on SQLite and PostgreSQL), and
// OpenTelemetry spans and metrics.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { metrics, trace } from '@opentelemetry/api';
import { AlwaysOffSampler, BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { packagedWorkflow, Runner, task, TaskError, type ExecutionEvent } from 'cloacina';
import { bothBackends } from './support/backends.js';
import { quickRetry, sleep } from './helpers.js';

const { backends, dir } = bothBackends('cloacina-observe-');
const unique = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

/** Retries once, times out once, fails for good, and skips a dependent: every kind of task event. */
function eventfulWorkflow() {
  let flakyRuns = 0;
  let slowRuns = 0;
  const fixed = { maxAttempts: 2, backoff: { type: 'fixed' as const }, initialDelayMs: 20, jitter: false };
  const flaky = task({ id: 'flaky', retry: fixed }, () => {
    if (++flakyRuns === 1) throw TaskError.executionFailed('first try');
  });
  const slow = task({ id: 'slow', timeoutMs: 30, retry: fixed }, () => (++slowRuns === 1 ? new Promise<void>(() => {}) : undefined));
  const fatal = task({ id: 'fatal', retry: quickRetry(3, 'transientOnly') }, () => {
    throw TaskError.validationFailed('bad input');
  });
  const after = task({ id: 'after', dependencies: [fatal] }, () => {});
  return packagedWorkflow({ name: unique('eventful'), tasks: [flaky, slow, fatal, after] });
}

/** The events of one task, without the execution id and time. */
function ofTask(events: readonly ExecutionEvent[], taskId: string) {
  return events.filter((e) => 'taskId' in e && e.taskId === taskId).map(({ executionId: _e, at: _a, ...rest }) => rest);
}

describe.each(backends)('events on %s', (_backend, database) => {
  it('stores every lifecycle event in order, and streams the same events live', async () => {
    const runner = await Runner.open({ database: database() });
    const live: ExecutionEvent[] = [];
    const listener = (event: ExecutionEvent) => live.push(event);
    runner.on('event', listener);
    const wf = eventfulWorkflow();
    const handle = await runner.execute(wf);
    const result = await handle.result();
    expect(result.status).toBe('Failed');
    const events = await runner.events(handle.executionId);

    expect(live).toEqual(events);
    expect(events.every((e) => e.executionId === handle.executionId)).toBe(true);
    expect(events[0]).toMatchObject({ type: 'executionStarted', workflow: wf.name, version: wf.version });
    expect(events[events.length - 1]!.type).toBe('executionFailed');
    for (let i = 1; i < events.length; i++) expect(events[i]!.at).toBeGreaterThanOrEqual(events[i - 1]!.at);

    const retry = (taskId: string, kind: string, message: string) => ({ type: 'taskRetryScheduled', taskId, attempt: 1, error: { kind, message }, delayMs: 20 });
    expect(ofTask(events, 'flaky')).toEqual([
      { type: 'taskStarted', taskId: 'flaky', attempt: 1 },
      expect.objectContaining(retry('flaky', 'ExecutionFailed', 'first try')),
      { type: 'taskStarted', taskId: 'flaky', attempt: 2 },
      { type: 'taskCompleted', taskId: 'flaky', attempt: 2 },
    ]);
    const timedOut = { kind: 'Timeout', message: 'task "slow" timed out after 30 ms' };
    expect(ofTask(events, 'slow')).toEqual([
      { type: 'taskStarted', taskId: 'slow', attempt: 1 },
      { type: 'taskTimedOut', taskId: 'slow', attempt: 1, error: timedOut },
      expect.objectContaining(retry('slow', 'Timeout', timedOut.message)),
      { type: 'taskStarted', taskId: 'slow', attempt: 2 },
      { type: 'taskCompleted', taskId: 'slow', attempt: 2 },
    ]);
    expect(ofTask(events, 'fatal')).toEqual([
      { type: 'taskStarted', taskId: 'fatal', attempt: 1 },
      { type: 'taskFailed', taskId: 'fatal', attempt: 1, error: { kind: 'ValidationFailed', message: 'bad input' } },
    ]);
    expect(ofTask(events, 'after')).toEqual([{ type: 'taskSkipped', taskId: 'after', reason: 'dependency "fatal" failed' }]);
    // A retry is scheduled for when its delay ends; a dependent is skipped only after its dependency failed.
    const scheduled = events.find((e) => e.type === 'taskRetryScheduled')!;
    expect(scheduled).toMatchObject({ nextAttemptAt: scheduled.at + 20 });
    const index = (type: string, taskId: string) => events.findIndex((e) => e.type === type && 'taskId' in e && e.taskId === taskId);
    expect(index('taskSkipped', 'after')).toBeGreaterThan(index('taskFailed', 'fatal'));

    runner.off('event', listener);
    await (await runner.execute(wf)).result();
    expect(live).toHaveLength(events.length);
    expect(() => runner.on('finished' as 'event', listener)).toThrow(`runner.on: unknown event "finished" (only 'event')`);
    await runner.close();
  });

  it('keeps no events when told not to, and still streams them live', async () => {
    const runner = await Runner.open({ database: database(), events: false });
    const live: ExecutionEvent[] = [];
    runner.on('event', (e) => live.push(e));
    const handle = await runner.execute(packagedWorkflow({ name: unique('quiet'), tasks: [task({ id: 'a' }, () => {})] }));
    await handle.result();
    expect(await runner.events(handle.executionId)).toEqual([]);
    expect(live.map((e) => e.type)).toEqual(['executionStarted', 'taskStarted', 'taskCompleted', 'executionCompleted']);
    await runner.close();
  });
});

describe.each(backends)('history and prune on %s', (_backend, database) => {
  it('pages through history with a cursor: newest first, no repeats, nothing skipped, filters kept', async () => {
    let clock = 10_000;
    const runner = await Runner.open({ database: database(), now: () => clock });
    const ok = packagedWorkflow({ name: unique('paged'), tasks: [task({ id: 'a' }, () => {})] });
    const bad = packagedWorkflow({ name: ok.name, version: '2.0.0', tasks: [task({ id: 'a', retry: quickRetry(1) }, () => { throw new Error('no'); })] });
    const ids: string[] = [];
    // Three share a millisecond: order within it is insertion order, newest first.
    for (const [at, wf] of [[10_000, ok], [10_000, bad], [10_000, ok], [20_000, bad], [30_000, ok], [40_000, ok], [50_000, bad]] as const) {
      clock = at;
      const handle = await runner.execute(wf);
      await handle.result();
      ids.push(handle.executionId);
    }
    const newestFirst = [...ids].reverse();
    const all: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await runner.history({ workflow: ok.name, limit: 3, ...(cursor === undefined ? {} : { cursor }) });
      if (pages === 0) {
        // An execution started meanwhile is newer than the cursor: the next pages are unchanged.
        clock = 60_000;
        await (await runner.execute(ok)).result();
      }
      all.push(...page.items.map((i) => i.executionId));
      cursor = page.cursor;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(all).toEqual(newestFirst);

    const failed = await runner.history({ workflow: ok.name, status: 'Failed' });
    expect(failed.items.map((i) => i.executionId)).toEqual([ids[6], ids[3], ids[1]]);
    expect(failed.items[0]).toMatchObject({ workflow: ok.name, version: '2.0.0', status: 'Failed', startedAt: 50_000 });
    expect(failed.items[0]).not.toHaveProperty('id');
    expect(failed.cursor).toBeUndefined();
    const window = await runner.history({ workflow: ok.name, since: 20_000, until: new Date(50_000), status: ['Completed', 'Failed'] });
    expect(window.items.map((i) => i.executionId)).toEqual([ids[5], ids[4], ids[3]]);

    await expect(runner.history({ cursor: 'not-a-cursor' })).rejects.toThrow('history: cursor "not-a-cursor" is not a cursor returned by history()');
    await expect(runner.history({ limit: 0 })).rejects.toThrow('history: limit must be an integer from 1 to 10000, got 0');
    await expect(runner.history({ status: 'Done' as 'Failed' })).rejects.toThrow('history: status: "Done" is not a status (one of Running, Paused, Completed, Failed, Cancelled)');
    await runner.close();
  });

  it('prunes finished executions older than a time, with their tasks and events, never unfinished ones', async () => {
    let clock = 1_000;
    const runner = await Runner.open({ database: database(), now: () => clock });
    const name = unique('pruned');
    const ok = packagedWorkflow({ name, tasks: [task({ id: 'a' }, () => {})] });
    const bad = packagedWorkflow({ name, version: '2.0.0', tasks: [task({ id: 'a', retry: quickRetry(1) }, () => { throw new Error('no'); })] });
    const run = async (at: number, wf: typeof ok) => {
      clock = at;
      const handle = await runner.execute(wf);
      await handle.result();
      return handle.executionId;
    };
    const oldOk = await run(1_000, ok);
    const oldBad = await run(1_100, bad);
    const newOk = await run(5_000, ok);
    clock = 1_200;
    const unfinished = (await runner.submit(ok)).executionId;

    await expect(runner.prune({ olderThan: 4_000, statuses: ['Running'] })).rejects.toThrow('prune: statuses may name finished statuses only (Completed, Failed, Cancelled), not Running');
    await expect(runner.prune({} as never)).rejects.toThrow('prune: olderThan is required');
    expect(await runner.prune({ olderThan: 4_000, statuses: ['Completed'] })).toBe(1);
    expect(await runner.execution(oldOk)).toBeUndefined();
    expect(await runner.events(oldOk)).toEqual([]);
    expect((await runner.execution(oldBad))!.status).toBe('Failed');
    expect(await runner.prune({ olderThan: new Date(4_000) })).toBe(1);
    expect(await runner.execution(oldBad)).toBeUndefined();
    expect((await runner.history({ workflow: name })).items.map((i) => i.executionId).sort()).toEqual([newOk, unfinished].sort());
    expect((await runner.events(newOk)).length).toBeGreaterThan(0);
    await runner.close();
  });
});

class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

describe('OpenTelemetry', () => {
  it('records a span per execution and per task attempt, and task and execution metrics', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const reader = new TestReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const runner = await Runner.open({ database: join(dir(), 'otel.db'), telemetry: { tracerProvider, meterProvider } });
    const wf = eventfulWorkflow();
    const result = await (await runner.execute(wf)).result();
    await runner.close();

    const spans = exporter.getFinishedSpans();
    const execution = spans.find((s) => s.name === 'cloacina.execution')!;
    expect(execution.attributes).toEqual({
      'cloacina.workflow': wf.name, 'cloacina.workflow.version': '1.0.0', 'cloacina.execution_id': result.executionId, 'cloacina.outcome': 'failed',
    });
    const attempts = spans
      .filter((s) => s.name === 'cloacina.task')
      .map((s) => {
        expect(s.parentSpanContext?.spanId).toBe(execution.spanContext().spanId);
        expect(s.spanContext().traceId).toBe(execution.spanContext().traceId);
        return `${s.attributes['cloacina.task']}#${s.attributes['cloacina.attempt']}:${s.attributes['cloacina.outcome']}`;
      })
      .sort();
    expect(attempts).toEqual(['fatal#1:failed', 'flaky#1:retried', 'flaky#2:completed', 'slow#1:retried', 'slow#2:completed']);
    expect(spans.find((s) => s.attributes['cloacina.task'] === 'slow' && s.attributes['cloacina.attempt'] === 1)!.attributes['cloacina.error.kind']).toBe('Timeout');
    // Failures set the error status with the message; a span that ended well keeps the status Unset (the specification leaves Ok to the application).
    const statuses = spans
      .filter((s) => s.name === 'cloacina.task')
      .map((s) => `${s.attributes['cloacina.task']}#${s.attributes['cloacina.attempt']}:${s.status.code}:${s.status.message === undefined ? '' : 'message'}`)
      .sort();
    expect(statuses).toEqual(['fatal#1:2:message', 'flaky#1:2:message', 'flaky#2:0:', 'slow#1:2:message', 'slow#2:0:']);
    expect(execution.status.code).toBe(2);

    const { resourceMetrics } = await reader.collect();
    const metrics = new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
    const sum = (name: string, outcome: string) =>
      metrics.get(name)!.dataPoints.filter((d) => d.attributes['cloacina.outcome'] === outcome).reduce((n, d) => n + (d.value as number), 0);
    expect([sum('cloacina.task.attempts', 'completed'), sum('cloacina.task.attempts', 'retried'), sum('cloacina.task.attempts', 'failed')]).toEqual([2, 2, 1]);
    expect([sum('cloacina.tasks', 'completed'), sum('cloacina.tasks', 'failed'), sum('cloacina.tasks', 'skipped')]).toEqual([2, 1, 1]);
    expect(sum('cloacina.executions', 'failed')).toBe(1);
    expect(metrics.get('cloacina.task.duration')!.descriptor.unit).toBe('ms');
    expect(metrics.get('cloacina.execution.duration')!.dataPoints).toHaveLength(1);
    // One series per workflow and outcome, whatever the tasks: the task is on the spans.
    for (const [name, metric] of metrics) {
      for (const point of metric.dataPoints) expect([name, Object.keys(point.attributes).sort()]).toEqual([name, ['cloacina.outcome', 'cloacina.workflow']]);
    }
    expect(metrics.get('cloacina.task.duration')!.dataPoints.map((d) => d.attributes['cloacina.outcome']).sort()).toEqual(['completed', 'failed', 'retried']);
  });

  it('ends a cancelled execution\'s spans with the outcome, and records nothing with telemetry: false', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const runner = Runner.inMemory({ telemetry: { tracerProvider } });
    const hold = task({ id: 'hold' }, (_ctx, { signal }) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve())));
    const handle = await runner.execute(packagedWorkflow({ name: 'cancelled', tasks: [hold] }));
    await sleep(20);
    await runner.cancel(handle.executionId);
    await handle.result();
    expect(exporter.getFinishedSpans().map((s) => `${s.name}:${s.attributes['cloacina.outcome']}`).sort()).toEqual([
      'cloacina.execution:cancelled', 'cloacina.task:cancelled',
    ]);
    exporter.reset();
    const off = Runner.inMemory({ telemetry: false });
    await (await off.execute(packagedWorkflow({ name: 'off', tasks: [task({ id: 'a' }, () => {})] }))).result();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  /** Sums a counter's data points, optionally only those of one workflow. */
  async function counted(reader: TestReader, name: string, workflow?: string): Promise<number> {
    const { resourceMetrics } = await reader.collect();
    const metric = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
    return (metric?.dataPoints ?? [])
      .filter((d) => workflow === undefined || d.attributes['cloacina.workflow'] === workflow)
      .reduce((n, d) => n + (d.value as number), 0);
  }
  const twoTasks = (name: string) => packagedWorkflow({ name, tasks: [task({ id: 'a' }, () => {}), task({ id: 'b', dependencies: ['a'] }, () => {})] });

  it('with no SDK registered records nothing, and uses an SDK registered later from the next execution on', async () => {
    const runner = Runner.inMemory();
    const before = unique('before-sdk');
    await (await runner.execute(twoTasks(before))).result();

    const exporter = new InMemorySpanExporter();
    const reader = new TestReader();
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    try {
      const after = unique('after-sdk');
      await (await runner.execute(twoTasks(after))).result();
      expect(exporter.getFinishedSpans().map((s) => `${s.name}:${s.attributes['cloacina.workflow']}:${s.attributes['cloacina.task'] ?? ''}`).sort()).toEqual([
        `cloacina.execution:${after}:`, `cloacina.task:${after}:a`, `cloacina.task:${after}:b`,
      ]);
      expect(await counted(reader, 'cloacina.tasks', after)).toBe(2);
      expect(await counted(reader, 'cloacina.executions')).toBe(1); // none for the execution before the SDK
    } finally {
      trace.disable();
      metrics.disable();
    }
  });

  it('starts no task spans under an execution sampled out, and still counts its metrics', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ sampler: new AlwaysOffSampler(), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    let started = 0;
    const tracerProvider = {
      getTracer(name: string, version?: string) {
        const tracer = provider.getTracer(name, version);
        return { startSpan: (...args: Parameters<typeof tracer.startSpan>) => (started++, tracer.startSpan(...args)) };
      },
    };
    const reader = new TestReader();
    const runner = Runner.inMemory({ telemetry: { tracerProvider, meterProvider: new MeterProvider({ readers: [reader] }) } });
    await (await runner.execute(twoTasks(unique('sampled-out')))).result();
    expect(started).toBe(1); // the execution's span only: it does not record, so its tasks start none
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(await counted(reader, 'cloacina.task.attempts')).toBe(2);
  });

  it('runners sharing a meter provider add up their counts', async () => {
    const reader = new TestReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const name = unique('shared-meter');
    for (let i = 0; i < 2; i++) {
      const runner = Runner.inMemory({ telemetry: { meterProvider } });
      await (await runner.execute(twoTasks(name))).result();
      await runner.close();
    }
    expect(await counted(reader, 'cloacina.tasks', name)).toBe(4);
    expect(await counted(reader, 'cloacina.executions', name)).toBe(2);
    expect(await counted(reader, 'cloacina.task.attempts', name)).toBe(4);
  });

  it('runs without @opentelemetry/api installed', () => {
    // A child process where the API cannot be resolved, as in an application that never installed it.
    const hide = fileURLToPath(new URL('./fixtures/hide-otel.cjs', import.meta.url));
    const script = `
      import { packagedWorkflow, Runner, task } from 'cloacina';
      const runner = Runner.inMemory();
      const result = await (await runner.execute(packagedWorkflow({ name: 'plain', tasks: [task({ id: 'a' }, (ctx) => ctx.set('a', 1))] }))).result();
      let resolvable = true;
      try { (await import('node:module')).createRequire(import.meta.url)('@opentelemetry/api'); } catch { resolvable = false; }
      console.log(JSON.stringify({ status: result.status, resolvable }));`;
    const out = execFileSync(process.execPath, ['--require', hide, '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ status: 'Completed', resolvable: false });
  });

  it('the README example prints a trace with the console exporter', () => {
    const example = fileURLToPath(new URL('../examples/tracing.mjs', import.meta.url));
    const out = execFileSync(process.execPath, [example], { encoding: 'utf8' });
    expect(out).toContain("name: 'cloacina.execution'");
    expect(out).toMatch(/name: 'cloacina\.task'[\s\S]*'cloacina\.task': 'fetch'/);
    expect(out).toContain("'cloacina.outcome': 'completed'");
  });
});
