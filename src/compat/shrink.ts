// Shrinks a failing sample to a small one that fails the same way. fast-check's own
// shrinking cannot do much through the chained arbitraries of a workflow (the task count
// decides everything after it), so this tries the reductions that matter for a workflow,
// coarse ones first: drop project parts, drop tasks, drop statements, inline a closure,
// helper, loop or try, plain accesses and forms, one attempt. Each candidate is a full pipeline run.
import type { Sample } from './pipeline.js';
import type { GenTask, GenWorkflow, Op } from './program.js';

/** The kind of a problem, so shrinking keeps the failure it started from. */
export function problemKind(problem: string): string {
  return problem.split(/\s+/).slice(0, 2).join(' ').replace(/[^a-z ]/gi, '');
}

function withTasks(sample: Sample, tasks: GenTask[], initial = sample.workflow.initial): Sample {
  return { ...sample, workflow: { ...sample.workflow, tasks, initial } };
}

/** `task` without the task `id`: its dependency and its trigger conditions on it go too. */
function withoutTask(workflow: GenWorkflow, id: string): GenTask[] {
  return workflow.tasks
    .filter((t) => t.id !== id)
    .map((t) => {
      const next: GenTask = { ...t, deps: t.deps.filter((d) => d !== id) };
      if (t.trigger) next.trigger = { ...t.trigger, conditions: t.trigger.conditions.filter((c) => !('task' in c) || c.task !== id) };
      return next;
    });
}

/** Smaller versions of a statement list: one statement dropped, inlined or simplified. */
function* smallerOps(ops: Op[]): Generator<Op[]> {
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const replace = (...by: Op[]) => [...ops.slice(0, i), ...by, ...ops.slice(i + 1)];
    yield replace();
    switch (op.op) {
      case 'ifHas':
      case 'ifEquals':
        if (op.op === 'ifEquals' && op.form) {
          const { form: _plain, ...rest } = op;
          yield replace(rest);
        }
        yield replace(...op.then);
        yield replace(...op.else);
        for (const then of smallerOps(op.then)) yield replace({ ...op, then });
        for (const otherwise of smallerOps(op.else)) yield replace({ ...op, else: otherwise });
        break;
      case 'repeat':
        yield replace(...op.body);
        if (op.times > 1) yield replace({ ...op, times: 1 });
        for (const body of smallerOps(op.body)) yield replace({ ...op, body });
        break;
      case 'tryFinally':
        yield replace(...op.body, ...op.finally);
        for (const body of smallerOps(op.body)) yield replace({ ...op, body });
        for (const fin of smallerOps(op.finally)) yield replace({ ...op, finally: fin });
        break;
      case 'loadAll':
        if (op.keys.length > 1) for (let k = 0; k < op.keys.length; k++) yield replace({ ...op, keys: op.keys.filter((_, j) => j !== k), into: op.into.filter((_, j) => j !== k) });
        break;
      case 'via':
        yield replace(...op.body);
        if (op.form) {
          const { form: _plain, ...rest } = op;
          yield replace(rest);
        }
        for (const body of smallerOps(op.body)) yield replace({ ...op, body });
        break;
      case 'remove':
      case 'loadFromDependenciesAndCache':
      case 'getWithDependencies':
        if (op.access !== undefined) {
          const { access: _dropped, ...plain } = op;
          yield replace(plain);
        }
        break;
      case 'insert':
      case 'update':
      case 'set':
        if (op.value !== 0) yield replace({ ...op, value: 0 });
        break;
      default:
        break;
    }
  }
}

function* candidates(sample: Sample): Generator<Sample> {
  const { workflow } = sample;
  if (sample.operator) yield { ...sample, operator: undefined } as Sample;
  if (sample.mock) yield { ...sample, mock: undefined } as Sample;
  if (sample.split) yield { ...sample, split: false };
  if (sample.style !== 'named' && sample.style !== 'barrel') yield { ...sample, style: 'named' };
  if (workflow.tasks.length > 1) for (const task of [...workflow.tasks].reverse()) yield withTasks(sample, withoutTask(workflow, task.id));
  if (Object.keys(workflow.initial).length > 0) yield withTasks(sample, workflow.tasks, {});
  for (const [i, task] of workflow.tasks.entries()) {
    const replace = (next: GenTask) => withTasks(sample, workflow.tasks.map((t, j) => (j === i ? next : t)));
    if (task.trigger) {
      const { trigger: _dropped, ...rest } = task;
      yield replace(rest);
    }
    if (task.retry.maxAttempts > 1) yield replace({ ...task, retry: { ...task.retry, maxAttempts: 1 } });
    if (task.form) {
      const { form: _default, ...rest } = task;
      yield replace(rest);
    }
    for (const program of smallerOps(task.program)) yield replace({ ...task, program });
  }
}

/**
 * Greedy shrinking: take the first smaller candidate that still fails with the same kind
 * of problem, and go on from there, until none does or `budgetMs` is spent.
 */
export async function shrinkSample(sample: Sample, failsLike: (candidate: Sample) => Promise<boolean>, budgetMs: number): Promise<{ sample: Sample; steps: number }> {
  const deadline = Date.now() + budgetMs;
  let current = sample;
  let steps = 0;
  let skip = 0;
  search: while (Date.now() < deadline) {
    let index = 0;
    for (const candidate of candidates(current)) {
      if (index++ < skip) continue;
      if (Date.now() >= deadline) break search;
      if (await failsLike(candidate)) {
        current = candidate;
        steps++;
        // Reductions before this one were tried on a larger sample; most still do not apply.
        skip = Math.max(0, index - 1 - 4);
        continue search;
      }
    }
    if (skip === 0) break;
    skip = 0;
  }
  return { sample: current, steps };
}
