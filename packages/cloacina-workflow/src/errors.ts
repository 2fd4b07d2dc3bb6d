import { brand, brandedHasInstance, hasBrand, stamp } from './brand.js';

export type ContextErrorKind =
  | 'KeyExists'
  | 'KeyNotFound'
  | 'InvalidKey'
  | 'InvalidValue'
  | 'Decode';

const CONTEXT_ERROR = brand('ContextError');

/** A context operation refused: which key, and for a rejected value, where inside it. */
export class ContextError extends Error {
  override name = 'ContextError';
  readonly kind: ContextErrorKind;
  /** The context key at fault, when there is one. */
  readonly key: string | undefined;
  /** Where inside the value the fault is, e.g. `$.items[2].name`; `$` is the value itself. */
  readonly path: string | undefined;

  constructor(
    kind: ContextErrorKind,
    message: string,
    options: { key?: string; path?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.key = options.key;
    this.path = options.path;
    stamp(this, CONTEXT_ERROR);
  }

  static override [Symbol.hasInstance] = brandedHasInstance(ContextError, CONTEXT_ERROR);
}

export type TaskErrorKind =
  | 'ExecutionFailed'
  | 'ValidationFailed'
  | 'Timeout'
  | 'DependencyNotSatisfied'
  | 'ContextError'
  | 'Unknown';

const TASK_ERROR = brand('TaskError');

/** Kinds that a retry may cure unless the thrower says otherwise. */
const RETRYABLE_BY_DEFAULT: ReadonlySet<TaskErrorKind> = new Set([
  'ExecutionFailed',
  'Timeout',
  'Unknown',
]);

export interface TaskErrorOptions {
  /** Whether a retry may succeed; defaults by kind (ValidationFailed and ContextError: no). */
  retryable?: boolean;
  taskId?: string;
  cause?: unknown;
}

/** Why a task attempt failed. Throw one from a task to choose the kind and retryability. */
export class TaskError extends Error {
  override name = 'TaskError';
  readonly kind: TaskErrorKind;
  readonly retryable: boolean;
  readonly taskId: string | undefined;

  constructor(kind: TaskErrorKind, message: string, options: TaskErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(kind);
    this.taskId = options.taskId;
    stamp(this, TASK_ERROR);
  }

  static override [Symbol.hasInstance] = brandedHasInstance(TaskError, TASK_ERROR);

  static executionFailed(message: string, options?: TaskErrorOptions): TaskError {
    return new TaskError('ExecutionFailed', message, options);
  }

  static validationFailed(message: string, options?: TaskErrorOptions): TaskError {
    return new TaskError('ValidationFailed', message, options);
  }

  static timeout(message: string, options?: TaskErrorOptions): TaskError {
    return new TaskError('Timeout', message, options);
  }

  /**
   * Turns anything a task threw into a TaskError: a TaskError (from any copy) keeps its
   * kind, a ContextError becomes kind ContextError (not retryable), anything else is
   * ExecutionFailed and retryable.
   */
  static from(thrown: unknown, taskId?: string): TaskError {
    if (hasBrand(thrown, TASK_ERROR)) {
      const error = thrown as TaskError;
      if (taskId === undefined || error.taskId !== undefined) return error;
      return new TaskError(error.kind, error.message, {
        retryable: error.retryable,
        taskId,
        cause: error.cause,
      });
    }
    if (hasBrand(thrown, CONTEXT_ERROR)) {
      const error = thrown as ContextError;
      return new TaskError('ContextError', error.message, { taskId, cause: error });
    }
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    return new TaskError('ExecutionFailed', message, { taskId, cause: thrown });
  }
}
