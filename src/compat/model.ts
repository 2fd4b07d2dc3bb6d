// A small pure model of DESIGN section 4, written independently of the runtime: given a
// generated workflow it computes each task's state, attempts, error kind and output
// context directly. The runtime, the legacy engine and the migrated workflow must all
// agree with it.
import type { JsonValue, TaskErrorKind } from 'cloacina-workflow';
import { FUNCTION_VIAS, type GenCondition, type GenTask, type GenWorkflow, type Op, type RunOutcome, type TaskOutcome } from './program.js';

type Data = Map<string, JsonValue>;

function canonical(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k]!)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const same = (a: JsonValue, b: JsonValue) => canonical(a) === canonical(b);
const isObject = (v: JsonValue): v is Record<string, JsonValue> => v !== null && typeof v === 'object' && !Array.isArray(v);

function merge(existing: JsonValue, incoming: JsonValue): JsonValue {
  if (Array.isArray(existing) && Array.isArray(incoming)) {
    const out = [...existing];
    for (const item of incoming) if (!out.some((o) => same(o, item))) out.push(item);
    return out;
  }
  if (isObject(existing) && isObject(incoming)) {
    const out = new Map(Object.entries(existing));
    for (const [k, v] of Object.entries(incoming)) out.set(k, out.has(k) ? merge(out.get(k)!, v) : v);
    return toObject(out);
  }
  return incoming;
}

function toObject(data: Data): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of data) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

class Thrown {
  constructor(
    readonly kind: TaskErrorKind,
    readonly retryable: boolean,
  ) {}
}

/** A `return` on its way out of the function it was written in. */
class Returned {}

/** Runs `ops` as the body of a function of their own: a `return` ends only them. */
function executeFunction(ops: Op[], run: Attempt): void {
  try {
    execute(ops, run);
  } catch (error) {
    if (!(error instanceof Returned)) throw error;
  }
}

interface Finished {
  outcome: TaskOutcome;
  output?: Data;
}

/** What one attempt runs against: its context, the dependencies' outputs, its own Registry. */
interface Attempt {
  ctx: Data;
  number: number;
  depsReversed: Data[];
  /** The user's Registry object of render.ts: its loader prefix. */
  registry: { prefix: string };
}

/** Runs one attempt's program; throws Thrown on failure. */
function execute(ops: Op[], run: Attempt): void {
  const { ctx, depsReversed } = run;
  const attempt = run.number;
  const fromDeps = (key: string) => depsReversed.find((d) => d.has(key))?.get(key);
  for (const step of ops) {
    switch (step.op) {
      case 'insert':
        if (ctx.has(step.key)) throw new Thrown('ContextError', false);
        ctx.set(step.key, step.value);
        break;
      case 'update':
        if (!ctx.has(step.key)) throw new Thrown('ContextError', false);
        ctx.set(step.key, step.value);
        break;
      case 'set':
        ctx.set(step.key, step.value);
        break;
      case 'remove':
        ctx.delete(step.key);
        break;
      case 'copy':
        ctx.set(step.into, ctx.get(step.key) ?? null);
        break;
      case 'loadFromDependenciesAndCache': {
        let value = ctx.get(step.key);
        if (value === undefined) {
          value = fromDeps(step.key);
          if (value !== undefined) ctx.set(step.key, value);
        }
        ctx.set(step.into, value ?? null);
        break;
      }
      case 'getWithDependencies':
        // A local null is a value: only an absent key falls through to the dependencies.
        ctx.set(step.into, (ctx.has(step.key) ? ctx.get(step.key) : fromDeps(step.key)) ?? null);
        break;
      case 'loadAll': {
        // Every key is read before any result is stored.
        const values = step.keys.map((k) => (ctx.has(k) || step.read === 'get' ? ctx.get(k) : fromDeps(k)) ?? null);
        step.into.forEach((into, i) => ctx.set(into, values[i]!));
        break;
      }
      case 'returnIf':
        if (ctx.has(step.key)) throw new Returned();
        break;
      case 'tryFinally':
        try {
          execute(step.body, run);
        } finally {
          execute(step.finally, run);
        }
        break;
      case 'executionScope':
        ctx.set(step.into, true);
        break;
      case 'ifHas':
        execute(ctx.has(step.key) ? step.then : step.else, run);
        break;
      case 'ifEquals': {
        const value = ctx.get(step.key);
        execute(value !== undefined && same(value, step.value) ? step.then : step.else, run);
        break;
      }
      case 'repeat':
        // A .forEach callback is a function: a return ends that one iteration.
        for (let i = 0; i < step.times; i++) (step.loop === 'forEach' ? executeFunction : execute)(step.body, run);
        break;
      case 'via':
        (FUNCTION_VIAS.has(step.via) ? executeFunction : execute)(step.body, run);
        break;
      case 'foreign':
        switch (step.call) {
          case 'get':
            ctx.set(step.into, `${run.registry.prefix}:${step.key}`);
            break;
          case 'load':
            ctx.set(step.into, `${run.registry.prefix}/${step.key}`);
            break;
          case 'setLoader':
            run.registry.prefix = step.key;
            break;
          case 'scope':
            ctx.set(step.into, run.registry.prefix);
            break;
        }
        break;
      case 'fail':
        if (step.onAttempts.includes(attempt)) {
          throw step.kind === 'fatal' ? new Thrown('ValidationFailed', false) : new Thrown('ExecutionFailed', true);
        }
        break;
    }
  }
}

function conditionHolds(c: GenCondition, states: Map<string, TaskOutcome['state']>, input: Data): boolean {
  switch (c.type) {
    case 'taskSuccess':
      return states.get(c.task) === 'Completed';
    case 'taskFailed':
      return states.get(c.task) === 'Failed';
    case 'taskSkipped':
      return states.get(c.task) === 'Skipped';
    case 'contextValue': {
      const value = input.get(c.key);
      switch (c.operator) {
        case 'exists':
          return value !== undefined;
        case 'notExists':
          return value === undefined;
        case 'equals':
          return value !== undefined && same(value, c.value ?? null);
        case 'greaterThan':
          return typeof value === 'number' && typeof c.value === 'number' && value > c.value;
      }
    }
  }
}

function runTask(task: GenTask, workflow: GenWorkflow, done: Map<string, Finished>): Finished {
  const depStates = new Map(task.deps.map((d) => [d, done.get(d)!.outcome.state] as const));
  const completed = task.deps.filter((d) => depStates.get(d) === 'Completed').map((d) => done.get(d)!.output!);
  const input: Data = new Map();
  if (task.deps.length === 0) {
    for (const [k, v] of Object.entries(workflow.initial)) input.set(k, v);
  } else {
    for (const output of completed) for (const [k, v] of output) input.set(k, input.has(k) ? merge(input.get(k)!, v) : v);
  }
  const runs = task.trigger
    ? (() => {
        const holds = task.trigger.conditions.map((c) => conditionHolds(c, depStates, input));
        switch (task.trigger.type) {
          case 'always':
            return true;
          case 'all':
            return holds.every(Boolean);
          case 'any':
            return holds.some(Boolean);
          case 'none':
            return !holds.some(Boolean);
        }
      })()
    : [...depStates.values()].every((s) => s === 'Completed');
  if (!runs) return { outcome: { state: 'Skipped', attempts: 0 } };

  const depsReversed = task.deps.filter((d) => depStates.get(d) === 'Completed').map((d) => done.get(d)!.output!).reverse();
  for (let attempt = 1; ; attempt++) {
    const ctx = new Map(input);
    try {
      executeFunction(task.program, { ctx, number: attempt, depsReversed, registry: { prefix: 'none' } });
      return { outcome: { state: 'Completed', attempts: attempt, output: toObject(ctx) }, output: ctx };
    } catch (error) {
      if (!(error instanceof Thrown)) throw error;
      const retry =
        attempt < task.retry.maxAttempts &&
        (task.retry.condition === 'allErrors' || (task.retry.condition === 'transientOnly' && error.retryable));
      if (!retry) return { outcome: { state: 'Failed', attempts: attempt, errorKind: error.kind } };
    }
  }
}

/** The expected outcome of every task of `workflow`. */
export function modelRun(workflow: GenWorkflow): RunOutcome {
  const done = new Map<string, Finished>();
  const pending = [...workflow.tasks];
  while (pending.length > 0) {
    const index = pending.findIndex((t) => t.deps.every((d) => done.has(d)));
    if (index < 0) throw new Error(`model: workflow ${workflow.name} has a cycle or an unknown dependency`);
    const [task] = pending.splice(index, 1);
    done.set(task!.id, runTask(task!, workflow, done));
  }
  return Object.fromEntries(workflow.tasks.map((t) => [t.id, done.get(t.id)!.outcome]));
}
