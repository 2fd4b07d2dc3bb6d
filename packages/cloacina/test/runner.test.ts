import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as runtime from 'cloacina';
import * as authoring from 'cloacina-workflow';
import {
  Context,
  ContextError,
  DatabaseError,
  executeInMemory,
  packagedWorkflow,
  Runner,
  task,
  TaskError,
  when,
  type ExecutionResult,
} from 'cloacina';
import { quickRetry, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const engines: Array<[string, (wf: authoring.PackagedWorkflow, ctx?: Record<string, authoring.JsonValue>) => Promise<ExecutionResult>]> = [
  ['in memory', (wf, ctx) => executeInMemory(wf, ctx)],
  [
    'SQLite file',
    async (wf, ctx) => {
      const runner = await Runner.open({ database: join(dir, 'run.db') });
      try {
        const handle = await runner.execute(wf, ctx);
        const live = await handle.result();
        // What is stored must be what was reported.
        expect(await runner.execution(handle.executionId)).toEqual(live);
        return live;
      } finally {
        await runner.close();
      }
    },
  ],
];

describe('re-exports', () => {
  it('are the very same bindings as cloacina-workflow', () => {
    for (const name of Object.keys(authoring)) {
      expect((runtime as Record<string, unknown>)[name], name).toBe((authoring as Record<string, unknown>)[name]);
    }
    const require = createRequire(import.meta.url);
    expect(require('cloacina').Context).toBe(require('cloacina-workflow').Context);
  });
});

describe.each(engines)('context flow (%s)', (_name, run) => {
  it('merges dependency outputs in declared order; only roots see the initial context', async () => {
    const a = task({ id: 'a' }, (ctx) => { ctx.set('tags', ['x', 'y']); ctx.set('who', 'a'); ctx.set('cfg', { a: 1 }); });
    const b = task({ id: 'b' }, (ctx) => { ctx.set('tags', ['y', 'z']); ctx.set('who', 'b'); ctx.set('cfg', { b: 2 }); });
    const joinBA = task({ id: 'join', dependencies: [b, a] }, (ctx) => ctx.set('sawSeed', ctx.has('seed')));
    const after = task({ id: 'after', dependencies: [joinBA] }, () => {});
    const result = await run(packagedWorkflow({ name: 'flow', tasks: [a, b, joinBA, after] }), { seed: 1 });
    expect(result.status).toBe('Completed');
    expect(result.tasks.a!.output).toEqual({ seed: 1, tags: ['x', 'y'], who: 'a', cfg: { a: 1 } });
    expect(result.tasks.join!.output).toEqual({ seed: 1, tags: ['y', 'z', 'x'], who: 'a', cfg: { b: 2, a: 1 }, sawSeed: true });
    // Data flows on transitively through outputs.
    expect(result.tasks.after!.output).toEqual(result.tasks.join!.output);
  });

  it('gives every retry a fresh input; a failed attempt\'s writes are discarded', async () => {
    const seen: Array<string[]> = [];
    const flaky = task({ id: 'flaky', retry: quickRetry(3) }, (ctx, { attempt }) => {
      seen.push(ctx.keys());
      ctx.set(`attempt${attempt}`, true);
      if (attempt < 3) throw TaskError.executionFailed('transient');
    });
    const result = await run(packagedWorkflow({ name: 'retry', tasks: [flaky] }), { seed: 0 });
    expect(seen).toEqual([['seed'], ['seed'], ['seed']]);
    expect(result.tasks.flaky).toMatchObject({ state: 'Completed', attempts: 3, output: { seed: 0, attempt3: true } });
  });

  it('stops retrying on a condition mismatch and skips dependents with a reason', async () => {
    const fatal = task({ id: 'fatal', retry: quickRetry(5, 'transientOnly') }, () => {
      throw TaskError.validationFailed('bad row 7');
    });
    const child = task({ id: 'child', dependencies: [fatal] }, () => {});
    const grandchild = task({ id: 'grandchild', dependencies: [child] }, () => {});
    const result = await run(packagedWorkflow({ name: 'fail', tasks: [fatal, child, grandchild] }));
    expect(result.status).toBe('Failed');
    expect(result.tasks.fatal).toMatchObject({ state: 'Failed', attempts: 1, error: { kind: 'ValidationFailed', message: 'bad row 7' } });
    expect(result.tasks.child).toMatchObject({ state: 'Skipped', attempts: 0, reason: 'dependency "fatal" failed' });
    expect(result.tasks.grandchild).toMatchObject({ state: 'Skipped', reason: 'dependency "child" was skipped' });
  });

  it('times out a slow task and retries it', async () => {
    const slow = task({ id: 'slow', timeoutMs: 30, retry: quickRetry(2) }, (_ctx, { attempt }) =>
      attempt === 1 ? new Promise<void>(() => {}) : undefined,
    );
    const result = await run(packagedWorkflow({ name: 'timeout', tasks: [slow] }));
    expect(result.tasks.slow).toMatchObject({ state: 'Completed', attempts: 2 });
  });

  it('runs trigger rules on failures and on the merged context', async () => {
    const load = task({ id: 'load', retry: quickRetry(1) }, (ctx) => { ctx.set('rows', 3); throw new Error('down'); });
    const alert = task({ id: 'alert', dependencies: [load], triggerRules: when.all(when.taskFailed('load')) }, (ctx) =>
      ctx.set('alerted', true),
    );
    const count = task({ id: 'count' }, (ctx) => ctx.set('rows', 3));
    const big = task({ id: 'big', dependencies: [count], triggerRules: when.all(when.context('rows', 'greaterThan', 5)) }, () => {});
    const small = task({ id: 'small', dependencies: [count], triggerRules: when.all(when.context('rows', 'lessThan', 5)) }, () => {});
    const result = await run(packagedWorkflow({ name: 'rules', tasks: [load, alert, count, big, small] }));
    expect(result.tasks.alert).toMatchObject({ state: 'Completed', output: { alerted: true } });
    expect(result.tasks.alert!.output).not.toHaveProperty('rows'); // a failed task contributes nothing
    expect(result.tasks.big).toMatchObject({ state: 'Skipped', reason: 'trigger rule (all) is not satisfied' });
    expect(result.tasks.small!.state).toBe('Completed');
    expect(result.status).toBe('Failed');
  });
});

describe('Runner on SQLite', () => {
  const hello = packagedWorkflow({ name: 'hello', tasks: [task({ id: 'greet' }, (ctx) => ctx.set('greeting', 'hi'))] });

  it('keeps history, newest first, filterable', async () => {
    const runner = await Runner.open({ database: join(dir, 'h.db') });
    const failing = packagedWorkflow({ name: 'bad', tasks: [task({ id: 'x', retry: quickRetry(1) }, () => { throw new Error('x'); })] });
    const first = await runner.execute(hello);
    await first.result();
    await (await runner.execute(failing)).result();
    const third = await runner.execute('hello', { n: 2 });
    await third.result();
    expect((await runner.history()).items.map((h) => h.workflow)).toEqual(['hello', 'bad', 'hello']);
    expect((await runner.history({ workflow: 'hello' })).items.map((h) => h.executionId)).toEqual([third.executionId, first.executionId]);
    expect((await runner.history({ status: 'Failed' })).items.map((h) => h.workflow)).toEqual(['bad']);
    expect((await runner.history({ limit: 1 })).items[0]!.executionId).toBe(third.executionId);
    await runner.close();
    // Reopening the file sees the same history.
    const again = await Runner.open({ database: join(dir, 'h.db') });
    expect((await again.execution(third.executionId))!.tasks.greet!.output).toEqual({ n: 2, greeting: 'hi' });
    await again.close();
  });

  it('limits concurrency', async () => {
    let running = 0;
    let peak = 0;
    const tasks = Array.from({ length: 12 }, (_, i) =>
      task({ id: `t${i}` }, async () => {
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
      }),
    );
    const runner = await Runner.open({ database: join(dir, 'c.db'), concurrency: 3 });
    await (await runner.execute(packagedWorkflow({ name: 'wide', tasks }))).result();
    await runner.close();
    expect(peak).toBe(3);
  });

  it('refuses a non-JSON initial context and writes nothing', async () => {
    const file = join(dir, 'bad.db');
    const runner = await Runner.open({ database: file });
    await expect(runner.execute(hello, { when: new Date() as never })).rejects.toThrow(ContextError);
    await expect(runner.execute(hello, { when: new Date() as never })).rejects.toThrow('context key "when": value at $ is refused');
    expect(await runner.history()).toEqual({ items: [] });
    await runner.close();
  });

  it('refuses objects that are not valid workflows, and writes nothing', async () => {
    const runner = await Runner.open({ database: join(dir, 'w.db') });
    const a = task({ id: 'a', dependencies: ['b'] }, () => {});
    const b = task({ id: 'b', dependencies: ['a'] }, () => {});
    // Forge a workflow object around a cyclic graph, as a foreign package could.
    const forged = Object.assign(Object.create(null), { ...hello, name: 'forged', tasks: [a, b] });
    Object.defineProperty(forged, Symbol.for('cloacina-workflow.PackagedWorkflow'), { value: true });
    await expect(runner.execute(forged)).rejects.toThrow('workflow "forged" has a dependency cycle: "a" depends on "b" depends on "a"');
    await expect(runner.execute({ name: 'plain', tasks: [] } as never)).rejects.toThrow('expected a workflow made with packagedWorkflow()');
    await expect(runner.execute('nothing')).rejects.toThrow('no workflow named "nothing"');
    expect(await runner.history()).toEqual({ items: [] });
    await runner.close();
  });

  it('refuses a corrupt file and a foreign database, leaving them untouched', async () => {
    const corrupt = join(dir, 'corrupt.db');
    writeFileSync(corrupt, 'this is not a database, just text '.repeat(200));
    await expect(Runner.open({ database: corrupt })).rejects.toThrow(DatabaseError);
    await expect(Runner.open({ database: corrupt })).rejects.toThrow(/corrupt\.db/);

    const foreign = join(dir, 'foreign.db');
    const db = new Database(foreign);
    db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY)');
    db.close();
    await expect(Runner.open({ database: foreign })).rejects.toThrow(/foreign\.db belongs to another application/);
    const check = new Database(foreign);
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([{ name: 'invoices' }]);
    check.close();
  });

  it('refuses a database written by a newer schema', async () => {
    const file = join(dir, 'newer.db');
    (await Runner.open({ database: file })).close();
    const db = new Database(file);
    db.prepare('INSERT INTO cloacina_migrations (version, name, applied_at) VALUES (99, ?, 0)').run('future');
    db.close();
    await expect(Runner.open({ database: file })).rejects.toThrow('schema version 99, newer than this runtime knows');
  });

  it('creates the default file in WAL mode with versioned migrations', async () => {
    const file = join(dir, 'wal.db');
    const runner = await Runner.open({ database: file });
    await runner.close();
    expect(existsSync(file)).toBe(true);
    const db = new Database(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect((db.prepare('SELECT version FROM cloacina_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    db.close();
  });

  // Found by the compatibility property: a second workflow with the same name and version
  // ran the first one's tasks (the runner looked the workflow up by name and version).
  it('runs the workflow object it is given, even when another has the same name and version', async () => {
    const runner = await Runner.open({ database: join(dir, 'same-name.db') });
    const first = packagedWorkflow({ name: 'same', package: 'p1', tasks: [task({ id: 'one' }, (ctx) => ctx.set('by', 'one'))] });
    const second = packagedWorkflow({ name: 'same', package: 'p2', tasks: [task({ id: 'two' }, (ctx) => ctx.set('by', 'two'))] });
    expect(Object.keys((await (await runner.execute(first)).result()).tasks)).toEqual(['one']);
    expect((await (await runner.execute(second)).result()).tasks.two!.output).toEqual({ by: 'two' });
    await runner.close();
  });

  it('accepts a Context as the initial context', async () => {
    const result = await executeInMemory(hello, new Context({ from: 'ctx' }));
    expect(result.tasks.greet!.output).toEqual({ from: 'ctx', greeting: 'hi' });
  });
});
