import type { TaskErrorKind } from './errors.js';

/** Where a task is in its life; times are epoch milliseconds. */
export type TaskState =
  | { readonly kind: 'Pending' }
  | { readonly kind: 'Ready'; readonly readyAt: number }
  | { readonly kind: 'Running'; readonly startedAt: number; readonly attempt: number }
  | { readonly kind: 'Completed'; readonly startedAt: number; readonly completedAt: number }
  | {
      readonly kind: 'Failed';
      readonly startedAt: number;
      readonly failedAt: number;
      readonly errorKind: TaskErrorKind;
      readonly reason: string;
    }
  | { readonly kind: 'Skipped'; readonly skippedAt: number; readonly reason: string };

export type TaskStateKind = TaskState['kind'];

/** Constructors and predicates for TaskState values. */
export const TaskState = {
  pending: (): TaskState => ({ kind: 'Pending' }),
  ready: (readyAt: number): TaskState => ({ kind: 'Ready', readyAt }),
  running: (startedAt: number, attempt: number): TaskState => ({ kind: 'Running', startedAt, attempt }),
  completed: (startedAt: number, completedAt: number): TaskState => ({ kind: 'Completed', startedAt, completedAt }),
  failed: (startedAt: number, failedAt: number, errorKind: TaskErrorKind, reason: string): TaskState => ({
    kind: 'Failed',
    startedAt,
    failedAt,
    errorKind,
    reason,
  }),
  skipped: (skippedAt: number, reason: string): TaskState => ({ kind: 'Skipped', skippedAt, reason }),
  /** Completed, Failed and Skipped never change again. */
  isTerminal: (state: TaskState | TaskStateKind): boolean => {
    const kind = typeof state === 'string' ? state : state.kind;
    return kind === 'Completed' || kind === 'Failed' || kind === 'Skipped';
  },
  kinds: ['Pending', 'Ready', 'Running', 'Completed', 'Failed', 'Skipped'] as const satisfies readonly TaskStateKind[],
} as const;
