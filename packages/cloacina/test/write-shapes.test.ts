// Every write a run makes has the hidden class of the write of its kind that the runtime keeps
// alive (dal/writes.ts): otherwise V8 frees that class between executions and throws away the
// optimized code that reads writes, and each execution compiles it again. Asked of V8 itself,
// in a process started with --allow-natives-syntax.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = (path: string) => pathToFileURL(new URL(`../dist/${path}`, import.meta.url).pathname).href;

const script = (dir: string) => `
import { Runner, packagedWorkflow, task } from 'cloacina';
import { KEPT_WRITES } from ${JSON.stringify(dist('dal/writes.js'))};
import { KEPT_EVENTS } from ${JSON.stringify(dist('dal/events.js'))};
import { WriteBatcher } from ${JSON.stringify(dist('engine/write-batcher.js'))};

// Every write pushed, whatever made it.
const pushed = [];
const push = WriteBatcher.prototype.push;
WriteBatcher.prototype.push = function (write) { pushed.push(write); return push.call(this, write); };

const quick = { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 1, jitter: false };
let flaky = 0;
const mixed = packagedWorkflow({ name: 'mixed', tasks: [
  task({ id: 'ok' }, () => {}),
  task({ id: 'flaky', retry: quick }, () => { if (flaky++ === 0) throw new Error('once'); }),
  task({ id: 'fails', retry: { maxAttempts: 1 } }, () => { throw new Error('always'); }),
  task({ id: 'after', dependencies: ['fails'] }, () => {}),
] });
let release;
const gate = new Promise((resolve) => { release = resolve; });
const gated = packagedWorkflow({ name: 'gated', tasks: [
  task({ id: 'waits' }, () => gate),
  task({ id: 'next', dependencies: ['waits'] }, () => {}),
] });
const hangs = packagedWorkflow({ name: 'hangs', tasks: [task({ id: 'hangs', retry: { maxAttempts: 1 } }, (_ctx, { signal }) => new Promise((resolve) => signal.addEventListener('abort', resolve)))] });

const heard = [];
const runner = await Runner.open({ database: ${JSON.stringify(join(dir, 'shapes.db'))}, events: true, telemetry: false });
runner.on('event', (event) => heard.push(event));
await (await runner.execute(mixed, {})).result();
const paused = await runner.execute(gated, {});
await paused.persisted();
await runner.pause(paused.executionId);
await runner.resume(paused.executionId);
release();
await paused.result();
const cancelled = await runner.execute(hangs, {});
await cancelled.persisted();
await runner.cancel(cancelled.executionId);
await cancelled.result().catch(() => {});
await runner.close();

const timedOut = await Runner.open({ database: ${JSON.stringify(join(dir, 'timeout.db'))}, workflowTimeoutMs: 50, telemetry: false });
timedOut.on('event', (event) => heard.push(event));
await (await timedOut.execute(hangs, {})).result().catch(() => {});
await timedOut.close();

const shapes = {};
for (const write of pushed) {
  const kept = KEPT_WRITES.find((k) => k.type === write.type);
  const same = kept !== undefined && %HaveSameMap(kept, write) && (write.type !== 'executionCreated' || %HaveSameMap(kept.execution, write.execution));
  shapes[write.type] = (shapes[write.type] ?? true) && same;
}
const eventShapes = {};
for (const event of heard) {
  const kept = KEPT_EVENTS.find((k) => k.type === event.type || (k.type === 'executionCompleted' && event.type === 'executionFailed') || (k.type === 'executionTimedOut' && event.type === 'executionCancelled'));
  eventShapes[event.type] = (eventShapes[event.type] ?? true) && kept !== undefined && %HaveSameMap(kept, event);
}
process.stdout.write(JSON.stringify({ shapes, eventShapes }));
`;

describe('write shapes', () => {
  it('every kind of write a run makes, and every event it streams, shares the hidden class of the one of its kind kept alive', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cloacina-shapes-'));
    try {
      const run = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script(dir)], { encoding: 'utf8', timeout: 60_000 });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const { shapes, eventShapes } = JSON.parse(run.stdout) as { shapes: Record<string, boolean>; eventShapes: Record<string, boolean> };
      // Every kind the engine pushes was made, and each has the kept class.
      expect(Object.keys(shapes).sort()).toEqual([
        'executionCreated', 'executionFinished', 'executionPaused', 'executionResumed', 'executionTerminated',
        'taskCompleted', 'taskFailed', 'taskRetrying', 'taskSkipped', 'taskStarted',
      ]);
      expect(Object.entries(shapes).filter(([, same]) => !same).map(([kind]) => kind)).toEqual([]);
      // And so does every event the live stream hands its listeners.
      expect(Object.keys(eventShapes).sort()).toEqual([
        'executionCancelled', 'executionCompleted', 'executionFailed', 'executionPaused', 'executionResumed', 'executionStarted', 'executionTimedOut',
        'taskCompleted', 'taskFailed', 'taskRetryScheduled', 'taskSkipped', 'taskStarted',
      ]);
      expect(Object.entries(eventShapes).filter(([, same]) => !same).map(([kind]) => kind)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
