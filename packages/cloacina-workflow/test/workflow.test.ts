import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import {
  API_VERSION,
  isPackagedWorkflow,
  isTask,
  packagedWorkflow,
  task,
  taskNamespace,
  when,
  WorkflowGraphError,
  type Task,
} from 'cloacina-workflow';
import { readFileSync } from 'node:fs';

const noop = () => {};

/** Random DAG as index-ordered edges: task i may depend only on tasks before it. */
const dagArb = fc
  .integer({ min: 1, max: 15 })
  .chain((n) =>
    fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        i === 0 ? fc.constant<number[]>([]) : fc.uniqueArray(fc.integer({ min: 0, max: i - 1 }), { maxLength: Math.min(i, 4) }),
      ),
    ),
  )
  .chain((deps) => fc.tuple(fc.constant(deps), fc.shuffledSubarray(deps.map((_, i) => i), { minLength: deps.length, maxLength: deps.length })));

function build(deps: number[][], order: number[], extra?: [number, number]): Task[] {
  return order.map((i) => {
    const list = deps[i]!.map((d) => `t${d}`);
    if (extra && extra[0] === i) list.push(`t${extra[1]}`);
    return task({ id: `t${i}`, dependencies: list }, noop);
  });
}

describe('packagedWorkflow graph validation', () => {
  test.prop([dagArb])('accepts every DAG and orders dependencies first', ([deps, order]) => {
    const wf = packagedWorkflow({ name: 'dag', tasks: build(deps, order) });
    const position = new Map(wf.executionOrder.map((id, i) => [id, i]));
    expect(wf.executionOrder).toHaveLength(deps.length);
    deps.forEach((ds, i) => ds.forEach((d) => expect(position.get(`t${d}`)!).toBeLessThan(position.get(`t${i}`)!)));
  });

  test.prop([
    dagArb.chain(([deps, order]) =>
      fc.tuple(fc.constant(deps), fc.constant(order), fc.integer({ min: 0, max: deps.length - 1 }), fc.integer({ min: 0, max: deps.length - 1 })),
    ),
  ])('rejects any added back-edge, naming a real cycle', ([deps, order, a, b]) => {
    // An edge from an earlier task to a later-or-equal one closes a cycle when the later one reaches it.
    const [from, to] = a <= b ? [a, b] : [b, a];
    const reaches = (x: number, target: number): boolean => x === target || deps[x]!.some((d) => reaches(d, target));
    fc.pre(from !== to && reaches(to, from) && !deps[from]!.includes(to));
    let error: unknown;
    try {
      packagedWorkflow({ name: 'dag', tasks: build(deps, order, [from, to]) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WorkflowGraphError);
    const cycle = (error as WorkflowGraphError).tasks;
    expect(cycle[0]).toBe(cycle[cycle.length - 1]);
    // Each step of the named cycle is a real dependency edge.
    const edges = (id: string) => {
      const i = Number(id.slice(1));
      return [...deps[i]!.map((d) => `t${d}`), ...(i === from ? [`t${to}`] : [])];
    };
    for (let k = 0; k + 1 < cycle.length; k++) expect(edges(cycle[k]!)).toContain(cycle[k + 1]);
    for (const id of new Set(cycle)) expect((error as Error).message).toContain(`"${id}"`);
  });

  it('names a duplicate id', () => {
    expect(() => packagedWorkflow({ name: 'w', tasks: [task({ id: 'a' }, noop), task({ id: 'a' }, noop)] })).toThrow(
      'workflow "w": duplicate task id "a"',
    );
  });

  it('names an unknown dependency and the task that has it', () => {
    expect(() => packagedWorkflow({ name: 'w', tasks: [task({ id: 'a', dependencies: ['ghost'] }, noop)] })).toThrow(
      'task "a" depends on unknown task "ghost"',
    );
  });

  it('refuses a trigger rule on a task that is not a dependency', () => {
    const a = task({ id: 'a' }, noop);
    const b = task({ id: 'b', triggerRules: when.all(when.taskFailed('a')) }, noop);
    expect(() => packagedWorkflow({ name: 'w', tasks: [a, b] })).toThrow('trigger rule on "a", which is not one of its dependencies');
  });

  it.each([
    [{ name: 'bad name', tasks: [] }, /workflow name "bad name" is invalid/],
    [{ name: 'w', tasks: [] }, /at least one task/],
    [{ name: 'w', version: '1.0', tasks: [task({ id: 'a' }, noop)] }, /version must be major.minor.patch/],
    [{ name: 'w', tasks: [{ id: 'fake', dependencies: [], run: noop }] }, /tasks\[0\] is not a task made with task\(\)/],
    [{ name: 'w', tenant: 'a::b', tasks: [task({ id: 'a' }, noop)] }, /tenant "a::b" is invalid/],
  ])('refuses bad options %#', (options, message) => {
    expect(() => packagedWorkflow(options as never)).toThrow(message);
  });
});

describe('provenance and identity', () => {
  it('stamps the authoring API on the workflow and on tasks without their own', () => {
    const own = { api: 'my-fork', version: '1.4.0' };
    const a = task({ id: 'a' }, noop);
    const b = task({ id: 'b', dependencies: [a], provenance: own }, noop);
    const wf = packagedWorkflow({ name: 'w', package: 'pkg', tasks: [a, b] });
    const stamp = { api: 'cloacina-workflow', version: API_VERSION };
    expect(wf.provenance).toEqual(stamp);
    expect(wf.tasks[0]!.provenance).toEqual(stamp);
    expect(wf.tasks[1]!.provenance).toEqual(own);
    expect(a.provenance).toBeUndefined();
    expect(isTask(wf.tasks[0])).toBe(true);
    expect(isPackagedWorkflow(wf)).toBe(true);
    expect(Object.isFrozen(wf) && Object.isFrozen(wf.tasks)).toBe(true);
    expect(taskNamespace(wf, 'b').toString()).toBe('public::pkg::w::b');
  });

  it('API_VERSION matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(API_VERSION).toBe(pkg.version);
  });
});

describe('task()', () => {
  it.each([
    [{ id: '' }, /task id must be a non-empty string/],
    [{ id: 'a::b' }, /task id "a::b" is invalid/],
    [{ id: 'a', dependencies: ['b', 'b'] }, /lists dependency "b" twice/],
    [{ id: 'a', dependencies: ['a'] }, /depends on itself/],
    [{ id: 'a', dependencies: [42] }, /dependencies\[0\] must be a task id or a task/],
    [{ id: 'a', timeoutMs: 0 }, /timeoutMs must be a positive number/],
    [{ id: 'a', retry: { maxAttempts: 0 } }, /task "a": RetryPolicy maxAttempts/],
    [{ id: 'a', triggerRules: { type: 'sometimes' } }, /task "a" triggerRules.type/],
    [{ id: 'a', triggerRules: when.all(when.context('k', 'roughly' as never, 1)) }, /conditions\[0\].operator "roughly"/],
  ])('refuses %j', (options, message) => {
    expect(() => task(options as never, noop)).toThrow(message);
  });

  it('refuses a body that is not a function', () => {
    expect(() => task({ id: 'a' }, 'nope' as never)).toThrow('task "a": the body must be a function');
  });

  it('returns a frozen plain definition with dependency ids', () => {
    const a = task({ id: 'a' }, noop);
    const b = task({ id: 'b', dependencies: [a, 'c'], description: 'joins' }, noop);
    expect(Object.isFrozen(b)).toBe(true);
    expect(b.dependencies).toEqual(['a', 'c']);
    expect(b.retry.maxAttempts).toBe(3);
    expect(b.description).toBe('joins');
  });
});
