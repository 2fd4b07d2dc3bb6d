// One Store contract, run against SQLite and a real PostgreSQL, plus the runner's context
// flow on PostgreSQL: both backends must behave the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { packagedWorkflow, PostgresStore, Runner, SqliteStore, task, TaskError, type NewExecution, type Store } from 'cloacina';
import { startPostgres, type PostgresCluster } from './support/postgres.js';
import { quickRetry, tempDir } from './helpers.js';

let cluster: PostgresCluster;
let dir: string;
let cleanup: () => void;
beforeAll(async () => {
  cluster = await startPostgres();
  ({ dir, cleanup } = tempDir('cloacina-contract-'));
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
  cleanup();
});

/** Opens a store on the database called `name` (a file for SQLite; PostgreSQL has one). */
const backends: Array<[string, (name?: string) => Promise<Store>]> = [
  ['SQLite', async (name = randomUUID()) => new SqliteStore(join(dir, `${name}.db`))],
  ['PostgreSQL', async () => PostgresStore.connect(cluster.url)],
];

function newExecution(workflow = 'wf', tasks = ['a', 'b']): NewExecution {
  return { executionId: randomUUID(), workflow, version: '1.0.0', initialContext: '{"seed":1}', taskIds: tasks, startedAt: Date.now() };
}

describe.each(backends)('Store contract on %s', (_name, open) => {
  it('stores an execution and its transitions in order', async () => {
    const store = await open();
    const e = newExecution();
    await store.apply([{ type: 'executionCreated', execution: e }]);
    await store.apply([
      { type: 'taskStarted', executionId: e.executionId, taskId: 'a', attempt: 1, at: 10 },
      { type: 'taskRetrying', executionId: e.executionId, taskId: 'a', attempt: 1, errorKind: 'Timeout', message: 'slow', at: 15, notBefore: 20 },
      { type: 'taskStarted', executionId: e.executionId, taskId: 'a', attempt: 2, at: 21 },
      { type: 'taskCompleted', executionId: e.executionId, taskId: 'a', attempt: 2, output: '{"seed":1,"a":true}', at: 30 },
      { type: 'taskSkipped', executionId: e.executionId, taskId: 'b', reason: 'why not', at: 31 },
      { type: 'executionFinished', executionId: e.executionId, status: 'Completed', at: 32 },
    ]);
    const record = await store.execution(e.executionId);
    expect(record).toMatchObject({ executionId: e.executionId, status: 'Completed', initialContext: '{"seed":1}', finishedAt: 32 });
    const byId = Object.fromEntries(record!.tasks.map((t) => [t.taskId, t]));
    expect(byId.a).toEqual({ taskId: 'a', state: 'Completed', attempts: 2, output: '{"seed":1,"a":true}', startedAt: 10, finishedAt: 30 });
    expect(byId.b).toMatchObject({ state: 'Skipped', reason: 'why not', attempts: 0 });
    await store.close();
  });

  it('creates many executions in one batch and reads them back together, in the order asked', async () => {
    const store = await open();
    const [x, y, z] = [newExecution('many', ['a']), { ...newExecution('many', ['p', 'q', 'r']), initialContext: '{"n":2}' }, newExecution('many', [])];
    await store.apply([x, y, z].map((execution) => ({ type: 'executionCreated' as const, execution })));
    const records = await store.executions([z.executionId, randomUUID(), x.executionId, y.executionId]);
    expect(records.map((r) => r.executionId)).toEqual([z.executionId, x.executionId, y.executionId]);
    expect(records.map((r) => r.tasks.map((t) => t.taskId).sort())).toEqual([[], ['a'], ['p', 'q', 'r']]);
    expect(records.map((r) => r.initialContext)).toEqual(['{"seed":1}', '{"seed":1}', '{"n":2}']);
    expect(records.every((r) => r.status === 'Running' && r.tasks.every((t) => t.state === 'Pending'))).toBe(true);
    expect(await store.executions([])).toEqual([]);
    await store.close();
  });

  it('refuses a completion of a task that is not running, and rolls the whole batch back', async () => {
    const store = await open();
    const e = newExecution();
    await store.apply([{ type: 'executionCreated', execution: e }]);
    await expect(
      store.apply([
        { type: 'taskStarted', executionId: e.executionId, taskId: 'a', attempt: 1, at: 1 },
        { type: 'taskCompleted', executionId: e.executionId, taskId: 'b', attempt: 1, output: '{}', at: 2 },
      ]),
    ).rejects.toThrow(`refused taskCompleted for ${e.executionId}/b: not in the expected state`);
    expect((await store.execution(e.executionId))!.tasks.every((t) => t.state === 'Pending')).toBe(true);
    await store.close();
  });

  it('stores a start and completion in one batch like two batches, and refuses them on a finished task', async () => {
    const store = await open();
    const e = newExecution();
    const run = (at: number) => [
      { type: 'taskStarted' as const, executionId: e.executionId, taskId: 'a', attempt: 1, at },
      { type: 'taskCompleted' as const, executionId: e.executionId, taskId: 'a', attempt: 1, output: `{"at":${at}}`, at: at + 1 },
    ];
    await store.apply([{ type: 'executionCreated', execution: e }, ...run(5)]);
    expect((await store.execution(e.executionId))!.tasks.find((t) => t.taskId === 'a')).toEqual({ taskId: 'a', state: 'Completed', attempts: 1, output: '{"at":5}', startedAt: 5, finishedAt: 6 });
    await expect(store.apply(run(9))).rejects.toThrow(/refused taskStarted.* for .*\/a: not in the expected state/);
    expect((await store.execution(e.executionId))!.tasks.find((t) => t.taskId === 'a')).toMatchObject({ output: '{"at":5}', finishedAt: 6 });
    await store.close();
  });

  it('lists unfinished executions and releases what a dead runner left running', async () => {
    const store = await open();
    const e = newExecution(`release-${randomUUID()}`);
    await store.apply([{ type: 'executionCreated', execution: e }, { type: 'taskStarted', executionId: e.executionId, taskId: 'a', attempt: 1, at: 1 }]);
    expect((await store.unfinished()).some((u) => u.executionId === e.executionId)).toBe(true);
    expect(await store.takeOver(e.executionId, 'me', 5_000)).toBe(1);
    // Given a time, another runner takes it only once the holder's lease has run out.
    expect(await store.takeOver(e.executionId, 'other', 9_000, 4_000)).toBeUndefined();
    expect(await store.takeOver(e.executionId, 'other', 9_000, 6_000)).toBe(0);
    expect(await store.takeOver(randomUUID(), 'other', 9_000)).toBeUndefined();
    expect((await store.execution(e.executionId))!.tasks.find((t) => t.taskId === 'a')).toMatchObject({ state: 'Pending', attempts: 0 });
    await store.close();
  });

  it('answers history newest first, filtered', async () => {
    const store = await open();
    const name = `hist-${randomUUID()}`;
    const first = { ...newExecution(name), startedAt: 100 };
    const second = { ...newExecution(name), startedAt: 200 };
    await store.apply([{ type: 'executionCreated', execution: first }, { type: 'executionCreated', execution: second }]);
    await store.apply([{ type: 'executionFinished', executionId: first.executionId, status: 'Failed', at: 300 }]);
    expect((await store.history({ workflow: name })).items.map((h) => h.executionId)).toEqual([second.executionId, first.executionId]);
    expect((await store.history({ workflow: name, status: 'Failed' })).items.map((h) => h.executionId)).toEqual([first.executionId]);
    expect((await store.history({ workflow: name, limit: 1 })).items).toHaveLength(1);
    await store.close();
  });

  it('fires a cron slot once, even when two connections race for it', async () => {
    const shared = randomUUID();
    const [one, two] = [await open(shared), await open(shared)];
    const id = randomUUID();
    await one.addSchedule({ id, workflow: 'wf', expression: '* * * * *', timezone: 'UTC', context: '{}', lastSlot: 0, enabled: true, catchUp: 'latest', maxCatchUp: 10 });
    const racers = [one.fireSchedule(id, 60_000, newExecution()), two.fireSchedule(id, 60_000, newExecution())];
    expect((await Promise.all(racers)).filter(Boolean)).toHaveLength(1);
    expect(await one.fireSchedule(id, 60_000, newExecution())).toBe(false);
    expect(await one.fireSchedule(id, 120_000, newExecution())).toBe(true);
    expect(await one.removeSchedule(id)).toBe(true);
    await one.close();
    await two.close();
  });

  it('hands each execution to one claimant, reclaims expired leases, and fences the old owner', async () => {
    const shared = randomUUID();
    const [store, other] = [await open(shared), await open(shared)];
    const name = `claim-${randomUUID()}`;
    const [x, y] = [{ ...newExecution(name), owner: null }, { ...newExecution(name), owner: null }];
    await store.apply([{ type: 'executionCreated', execution: x }, { type: 'executionCreated', execution: y }]);
    const mine = (ids: string[]) => ids.filter((id) => id === x.executionId || id === y.executionId);
    // Other tests' executions share the database, hence the generous limits and mine().
    const [a, b] = await Promise.all([store.claimExecutions('A', 1000, 10_000, 1_000), other.claimExecutions('B', 1000, 10_000, 1_000)]);
    expect(mine([...a, ...b]).sort()).toEqual([x.executionId, y.executionId].sort());
    expect(a.filter((id) => b.includes(id))).toEqual([]);
    expect(mine(await store.claimExecutions('C', 1000, 10_000, 2_000))).toEqual([]);
    const heldByA = mine(a)[0] ?? mine(b)[0]!;
    const owner = mine(a).length ? 'A' : 'B';
    await store.apply([{ type: 'taskStarted', executionId: heldByA, taskId: 'a', attempt: 1, at: 1 }], { owner });
    expect(await store.renewLeases(owner, [heldByA], 20_000)).toEqual([{ executionId: heldByA }]);
    // The lease runs out: C takes it over, and the task the old owner left Running is released.
    expect(mine(await store.claimExecutions('C', 1000, 40_000, 30_000)).sort()).toEqual([x.executionId, y.executionId].sort());
    expect((await store.execution(heldByA))!.tasks.find((t) => t.taskId === 'a')).toMatchObject({ state: 'Pending', attempts: 0 });
    expect(await store.renewLeases(owner, [heldByA], 50_000)).toEqual([]);
    await expect(store.apply([{ type: 'taskStarted', executionId: heldByA, taskId: 'a', attempt: 1, at: 2 }], { owner })).rejects.toThrow(
      `runner ${owner} no longer holds the lease on execution ${heldByA}`,
    );
    await store.close();
    await other.close();
  });

  it('stores packages once per name and version', async () => {
    const store = await open();
    const name = `pkg-${randomUUID()}`;
    const record = { name, version: '1.0.0', manifest: '{}', archive: new Uint8Array([1, 2, 3]), sha256: 'ab', registeredAt: 5 };
    await store.addPackage(record);
    await expect(store.addPackage(record)).rejects.toThrow(`package ${name}@1.0.0 is already registered`);
    const fetched = await store.getPackage(name, '1.0.0');
    expect([...fetched!.archive]).toEqual([1, 2, 3]);
    expect((await store.listPackages()).some((p) => p.name === name)).toBe(true);
    expect(await store.removePackage(name, '1.0.0')).toBe(true);
    await store.close();
  });
});

describe('Runner on PostgreSQL', () => {
  it('runs workflows with the same semantics as on SQLite', async () => {
    const a = task({ id: 'a' }, (ctx) => ctx.set('tags', ['x', 'y']));
    const b = task({ id: 'b' }, (ctx) => ctx.set('tags', ['y', 'z']));
    let n = 0;
    const join_ = task({ id: 'join', dependencies: [b, a], retry: quickRetry(3) }, (ctx) => {
      if (++n < 2) throw TaskError.executionFailed('flaky');
      ctx.set('n', n);
    });
    const failing = task({ id: 'failing', retry: quickRetry(1) }, () => {
      throw TaskError.validationFailed('no');
    });
    const after = task({ id: 'after', dependencies: [failing] }, () => {});
    const wf = packagedWorkflow({ name: `pg-${randomUUID()}`, tasks: [a, b, join_, failing, after] });
    const runner = await Runner.open({ database: cluster.url });
    const handle = await runner.execute(wf, { seed: 1 });
    const result = await handle.result();
    expect(result.status).toBe('Failed');
    expect(result.tasks.join).toMatchObject({ state: 'Completed', attempts: 2, output: { tags: ['y', 'z', 'x'], n: 2 } });
    expect(result.tasks.after).toMatchObject({ state: 'Skipped', reason: 'dependency "failing" failed' });
    expect(await runner.execution(handle.executionId)).toEqual(result);
    await runner.close();
  });
});
