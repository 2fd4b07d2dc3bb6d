// The generated v1 workflows of the compatibility suite, as data: a DAG of tasks, each
// running a small program over the v1 context API. The same data is rendered to
// TypeScript source (render.ts) and interpreted by the pure model (model.ts). Many
// statements only change how the source is written (through a closure, a helper in
// another file, an alias, optional chaining, `.call`...), never what it does: the model
// runs them all the same, so any difference after migration is the migration's.
import type { JsonValue, TaskErrorKind } from 'cloacina-workflow';

/**
 * How a removed or removing method is reached on its receiver `r`:
 * `r.m(k)`, `r?.m(k)`, `r.m?.(k)`, `r['m'](k)`, ``r[`m`](k)``, `r.m.call(r, k)`,
 * `r.m.apply(r, [k])`, `Reflect.apply(r.m, r, [k])`, `const { m } = r; m.call(r, k)`.
 */
export type Access =
  | 'plain'
  | 'optionalReceiver'
  | 'optionalCall'
  | 'computed'
  | 'template'
  | 'call'
  | 'apply'
  | 'reflect'
  | 'destructured'
  /** `(r as Context).m(k)` */
  | 'asCast'
  /** `(r satisfies Context).m(k)` */
  | 'satisfies';

/**
 * Where a group of statements is written; it always runs exactly once, in place:
 * a closure defined at the top of the enclosing function and called here; a `.forEach`,
 * `.map` or (awaited) `.then` callback that captures the context; a helper function in the same file or in a helper module that
 * never names cloacina (called directly, with `.call`, `.apply` or `Reflect.apply`); a class
 * method (same file or helper module); an alias of the context (`const c = ctx`).
 */
export type Via =
  | 'closure'
  | 'forEach'
  | 'map'
  | 'then'
  | 'helper'
  | 'helperFile'
  | 'method'
  | 'methodFile'
  | 'call'
  | 'apply'
  | 'reflect'
  | 'alias'
  /** Helpers with other parameter lists: a default, an optional context, a destructured object, spread arguments. */
  | 'helperDefault'
  | 'helperOptional'
  | 'helperDestructured'
  | 'helperSpread'
  /** A class whose constructor keeps the context in a field and whose getter runs the body. */
  | 'getter'
  /** A class field holding an arrow function. */
  | 'fieldArrow';

/** Vias whose body is a function of its own: a `return` in it leaves only that function. */
export const FUNCTION_VIAS: ReadonlySet<Via> = new Set<Via>([
  'closure', 'forEach', 'map', 'then', 'helper', 'helperFile', 'method', 'methodFile', 'call', 'apply', 'reflect',
  'helperDefault', 'helperOptional', 'helperDestructured', 'helperSpread', 'getter', 'fieldArrow',
]);

/** How a task body or a closure is written. */
export type FunctionForm = 'arrow' | 'asyncArrow' | 'function' | 'asyncFunction';

/** A labelled loop runs its body in an inner loop that continues the outer one; `for await` needs an async function (else it is a for-of). */
export type Loop = 'for' | 'forOf' | 'while' | 'forEach' | 'labelled' | 'forAwait';

/** A user's own object with methods named like the removed ones (see render.ts `Registry`). */
export type ForeignCall = 'get' | 'load' | 'setLoader' | 'scope';

/** A statement of a task program. Keys are context keys; `into` is where a read is stored. */
export type Op =
  | { op: 'insert' | 'update' | 'set'; key: string; value: JsonValue }
  | { op: 'remove'; key: string; access?: Access }
  | { op: 'copy'; key: string; into: string }
  | { op: 'loadFromDependenciesAndCache' | 'getWithDependencies'; key: string; into: string; access?: Access }
  /**
   * `getWithDependencies` (v2: `get` when `read` says so) over several keys at once through
   * `keys.map(k => ...)`, in `Promise.all` where it can await; key i lands in `into[i]`.
   */
  | { op: 'loadAll'; keys: string[]; into: string[]; read?: 'get' }
  | { op: 'executionScope'; into: string }
  | { op: 'ifHas'; key: string; then: Op[]; else: Op[] }
  | { op: 'ifEquals'; key: string; value: JsonValue; then: Op[]; else: Op[]; form?: 'switch' }
  /** `try { body } finally { finally }` */
  | { op: 'tryFinally'; body: Op[]; finally: Op[] }
  /** `if (ctx.has(key)) return;`: leaves the function the statement is written in. */
  | { op: 'returnIf'; key: string }
  /** Throws on the listed attempts (1-based) only. */
  | { op: 'fail'; onAttempts: number[]; kind: 'retryable' | 'fatal' | 'plain' }
  /** The body runs `times` times (a for, for-of or while loop, or a `.forEach` over an array). */
  | { op: 'repeat'; times: number; loop: Loop; body: Op[] }
  /** The body runs once, written through `via` (a closure as `form`, default an arrow). */
  | { op: 'via'; via: Via; body: Op[]; form?: 'function' | 'asyncArrow' }
  /** A call on the task's own Registry object, never on the context. */
  | { op: 'foreign'; call: ForeignCall; key: string; into: string };

export type GenCondition =
  | { type: 'taskSuccess' | 'taskFailed' | 'taskSkipped'; task: string }
  | { type: 'contextValue'; key: string; operator: 'equals' | 'exists' | 'notExists' | 'greaterThan'; value?: JsonValue };

export interface GenTrigger {
  type: 'always' | 'all' | 'any' | 'none';
  conditions: GenCondition[];
}

export interface GenRetry {
  maxAttempts: number;
  condition: 'allErrors' | 'transientOnly' | 'never';
}

export interface GenTask {
  id: string;
  /** How the task body is written (default: an arrow, async when it awaits). */
  form?: FunctionForm;
  /** Declared order matters: it is the merge order. */
  deps: string[];
  program: Op[];
  retry: GenRetry;
  trigger?: GenTrigger;
}

export interface GenWorkflow {
  name: string;
  /** Declaration order (not necessarily topological). */
  tasks: GenTask[];
  initial: Record<string, JsonValue>;
}

/** What a run of one task looks like from outside, in every engine and in the model. */
export interface TaskOutcome {
  state: 'Completed' | 'Failed' | 'Skipped';
  attempts: number;
  errorKind?: TaskErrorKind;
  output?: Record<string, JsonValue>;
}

export type RunOutcome = Record<string, TaskOutcome>;

type Compound = Extract<Op, { op: 'ifHas' | 'ifEquals' | 'repeat' | 'via' | 'tryFinally' }>;

/** A statement without nested statements. */
export type LeafOp = Exclude<Op, Compound>;

export function isCompound(op: Op): op is Compound {
  return op.op === 'ifHas' || op.op === 'ifEquals' || op.op === 'repeat' || op.op === 'via' || op.op === 'tryFinally';
}

/** The nested statement lists of a compound statement, in program text order. */
export function children(op: Op): Op[][] {
  switch (op.op) {
    case 'ifHas':
    case 'ifEquals':
      return [op.then, op.else];
    case 'repeat':
    case 'via':
      return [op.body];
    case 'tryFinally':
      return [op.body, op.finally];
    default:
      return [];
  }
}

/** Every statement of `ops`, nested ones included, in program text order. */
export function flatten(ops: Op[]): Op[] {
  return ops.flatMap((o) => [o, ...children(o).flatMap(flatten)]);
}

/**
 * Rewrites every task program statement by statement, in program text order (a branch's
 * `then` before its `else`); `visitor` is made afresh for each task, so it may keep state.
 */
export function mapPrograms(workflow: GenWorkflow, visitor: () => (op: LeafOp) => Op): GenWorkflow {
  const map = (ops: Op[], visit: (op: LeafOp) => Op): Op[] =>
    ops.map((op) => {
      switch (op.op) {
        case 'ifHas':
        case 'ifEquals':
          return { ...op, then: map(op.then, visit), else: map(op.else, visit) };
        case 'repeat':
        case 'via':
          return { ...op, body: map(op.body, visit) };
        case 'tryFinally':
          return { ...op, body: map(op.body, visit), finally: map(op.finally, visit) };
        default:
          return visit(op);
      }
    });
  return { ...workflow, tasks: workflow.tasks.map((t) => ({ ...t, program: map(t.program, visitor()) })) };
}
