// The generated v1 workflows of the compatibility suite, as data: a DAG of tasks, each
// running a small program over the v1 context API. The same data is rendered to
// TypeScript source (render.ts) and interpreted by the pure model (model.ts).
import type { JsonValue, TaskErrorKind } from 'cloacina-workflow';

/** A statement of a task program. Keys are context keys; `into` is where a read is stored. */
export type Op =
  | { op: 'insert' | 'update' | 'set'; key: string; value: JsonValue }
  | { op: 'remove'; key: string }
  | { op: 'copy'; key: string; into: string }
  | { op: 'loadFromDependenciesAndCache' | 'getWithDependencies'; key: string; into: string }
  | { op: 'executionScope'; into: string }
  | { op: 'ifHas'; key: string; then: Op[]; else: Op[] }
  | { op: 'ifEquals'; key: string; value: JsonValue; then: Op[]; else: Op[] }
  /** Throws on the listed attempts (1-based) only. */
  | { op: 'fail'; onAttempts: number[]; kind: 'retryable' | 'fatal' | 'plain' };

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

/** A statement without branches. */
export type LeafOp = Exclude<Op, { op: 'ifHas' | 'ifEquals' }>;

/**
 * Rewrites every task program statement by statement, in program text order (a branch's
 * `then` before its `else`); `visitor` is made afresh for each task, so it may keep state.
 */
export function mapPrograms(workflow: GenWorkflow, visitor: () => (op: LeafOp) => Op): GenWorkflow {
  const map = (ops: Op[], visit: (op: LeafOp) => Op): Op[] =>
    ops.map((op) => (op.op === 'ifHas' || op.op === 'ifEquals' ? { ...op, then: map(op.then, visit), else: map(op.else, visit) } : visit(op)));
  return { ...workflow, tasks: workflow.tasks.map((t) => ({ ...t, program: map(t.program, visitor()) })) };
}
