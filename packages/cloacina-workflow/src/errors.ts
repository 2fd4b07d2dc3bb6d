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
   * Turns anything a task threw into a TaskError, and never throws itself: a TaskError
   * (from any copy) keeps its kind, a ContextError becomes kind ContextError (not
   * retryable), anything else is ExecutionFailed and retryable. Whatever was thrown is read
   * defensively (it may be a revoked Proxy, have throwing getters, or no prototype), and
   * the result always has a valid kind, a string message and a boolean `retryable`.
   */
  static from(thrown: unknown, taskId?: string): TaskError {
    if (safely(() => hasBrand(thrown, TASK_ERROR), false)) return fromTaskErrorLike(thrown as TaskError, taskId);
    if (safely(() => hasBrand(thrown, CONTEXT_ERROR), false)) {
      return new TaskError('ContextError', safeMessage(thrown), { taskId, cause: thrown });
    }
    return new TaskError('ExecutionFailed', safeMessage(thrown), { taskId, cause: thrown });
  }
}

const TASK_ERROR_KINDS: ReadonlySet<string> = new Set<TaskErrorKind>([
  'ExecutionFailed',
  'ValidationFailed',
  'Timeout',
  'DependencyNotSatisfied',
  'ContextError',
  'Unknown',
]);

function safely<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/** An own data property's value, read without running a getter or trusting a Proxy. */
function ownData(value: unknown, key: string): unknown {
  return safely(() => {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    return descriptor !== undefined && 'value' in descriptor ? descriptor.value : undefined;
  }, undefined);
}

/**
 * Reuses a TaskError when every field is an own data property of the right type (so it
 * reads the same each time); otherwise rebuilds one from what can be read.
 */
function fromTaskErrorLike(error: TaskError, taskId: string | undefined): TaskError {
  const kind = ownData(error, 'kind');
  const message = ownData(error, 'message');
  const retryable = ownData(error, 'retryable');
  const ownTaskId = ownData(error, 'taskId');
  const sound =
    typeof kind === 'string' && TASK_ERROR_KINDS.has(kind) && typeof message === 'string' &&
    typeof retryable === 'boolean' && (ownTaskId === undefined || typeof ownTaskId === 'string') &&
    safely(() => error instanceof Error, false);
  if (sound && (taskId === undefined || ownTaskId !== undefined)) return error;
  return new TaskError(
    typeof kind === 'string' && TASK_ERROR_KINDS.has(kind) ? (kind as TaskErrorKind) : 'ExecutionFailed',
    typeof message === 'string' ? message : safeMessage(error),
    {
      ...(typeof retryable === 'boolean' ? { retryable } : {}),
      taskId: typeof ownTaskId === 'string' ? ownTaskId : taskId,
      cause: safely(() => (error as { cause?: unknown }).cause, undefined),
    },
  );
}

/** A readable message for any thrown value; never throws. */
export function safeMessage(thrown: unknown): string {
  if (typeof thrown === 'string') return thrown;
  if (thrown === null || (typeof thrown !== 'object' && typeof thrown !== 'function')) {
    return safely(() => String(thrown), `a thrown ${typeof thrown}`);
  }
  // An Error's own message, or one it inherits (a getter that throws counts as none).
  const message = safely(() => (thrown as { message?: unknown }).message, undefined);
  if (typeof message === 'string') return message;
  const text = safely(() => String(thrown), undefined);
  if (typeof text === 'string') return text;
  const tag = safely(() => Object.prototype.toString.call(thrown), undefined);
  return tag === undefined
    ? 'a thrown value that cannot be read (a revoked Proxy or an object whose every access throws)'
    : `a thrown ${tag} that cannot be converted to text`;
}
