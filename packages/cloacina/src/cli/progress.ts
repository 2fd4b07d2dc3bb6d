// Live progress of `cloacina run` and `cloacina resume`. On a terminal: a block of lines
// redrawn in place, each task's state, attempt and retry delay as they change. Elsewhere
// (a pipe, a log file): one plain line per event.
import type { TaskStateKind } from 'cloacina-workflow';
import type { ExecutionEvent } from '../dal/events.js';
import { duration, eventLine } from './format.js';

export interface Progress {
  event(event: ExecutionEvent): void;
  /** Draws the last state and stops redrawing. */
  stop(): void;
}

interface Shown {
  workflow: string;
  status: string;
  tasks: Map<string, { state: TaskStateKind; attempt: number; detail: string; since: number; retryAt?: number }>;
}

const STATUS_AFTER: Partial<Record<ExecutionEvent['type'], string>> = {
  executionStarted: 'Running',
  executionResumed: 'Running',
  executionPaused: 'Paused',
  executionCompleted: 'Completed',
  executionFailed: 'Failed',
  executionCancelled: 'Cancelled',
  executionTimedOut: 'Failed (timed out)',
};

const MARK: Record<TaskStateKind, string> = { Pending: '·', Ready: '↻', Running: '▶', Completed: '✓', Failed: '✗', Skipped: '–' };

/** Plain event lines for the executions in `ids`. */
export function lineProgress(out: NodeJS.WritableStream, ids: ReadonlySet<string>): Progress {
  return {
    event: (e) => void (ids.has(e.executionId) && out.write(eventLine(e, ids.size > 1))),
    stop: () => {},
  };
}

/** The live view on a terminal, for executions described by id: workflow name and task ids. */
export function terminalProgress(
  out: NodeJS.WriteStream,
  executions: ReadonlyMap<string, { workflow: string; status: string; tasks: ReadonlyMap<string, { state: TaskStateKind; attempts: number }> }>,
  now: () => number = Date.now,
): Progress {
  const shown = new Map<string, Shown>();
  for (const [id, e] of executions) {
    const tasks: Shown['tasks'] = new Map();
    for (const [taskId, t] of e.tasks) tasks.set(taskId, { state: t.state, attempt: t.attempts, detail: '', since: now() });
    shown.set(id, { workflow: e.workflow, status: e.status, tasks });
  }
  let drawn = 0;
  let dirty = true;
  const draw = () => {
    dirty = false;
    const lines = render(shown, now(), Math.max(6, (out.rows || 24) - 1), out.columns || 100);
    // Back to the top of the block, clear it, write it again.
    out.write(`${drawn > 0 ? `\x1b[${drawn}F` : ''}\x1b[J${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  const timer = setInterval(() => {
    if (dirty || [...shown.values()].some((s) => [...s.tasks.values()].some((t) => t.state === 'Running' || t.state === 'Ready'))) draw();
  }, 100);
  timer.unref();
  draw();
  return {
    event(e) {
      const s = shown.get(e.executionId);
      if (s === undefined) return;
      dirty = true;
      if (!('taskId' in e)) {
        s.status = STATUS_AFTER[e.type] ?? s.status;
        return;
      }
      const t = s.tasks.get(e.taskId) ?? { state: 'Pending' as TaskStateKind, attempt: 0, detail: '', since: e.at };
      s.tasks.set(e.taskId, t);
      t.since = e.at;
      delete t.retryAt;
      switch (e.type) {
        case 'taskStarted':
          Object.assign(t, { state: 'Running', attempt: e.attempt, detail: '' });
          break;
        case 'taskCompleted':
          Object.assign(t, { state: 'Completed', detail: '' });
          break;
        case 'taskTimedOut':
          t.detail = 'timed out';
          break;
        case 'taskRetryScheduled':
          Object.assign(t, { state: 'Ready', detail: `${e.error.kind}: ${e.error.message}`, retryAt: e.nextAttemptAt });
          break;
        case 'taskFailed':
          Object.assign(t, { state: 'Failed', detail: `${e.error.kind}: ${e.error.message}` });
          break;
        case 'taskSkipped':
          Object.assign(t, { state: 'Skipped', detail: e.reason });
          break;
      }
    },
    stop() {
      clearInterval(timer);
      draw();
    },
  };
}

function render(shown: ReadonlyMap<string, Shown>, now: number, rows: number, columns: number): string[] {
  const lines: string[] = [];
  const perExecution = Math.max(2, Math.floor(rows / Math.max(1, shown.size)));
  for (const [id, s] of shown) {
    const counts = new Map<TaskStateKind, number>();
    for (const t of s.tasks.values()) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
    const summary = [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
    lines.push(`${s.workflow} ${s.status} (execution ${id}): ${summary}`);
    // Tasks that are moving first, then the ended ones, as many as fit.
    const order: TaskStateKind[] = ['Running', 'Ready', 'Failed', 'Pending', 'Completed', 'Skipped'];
    const tasks = [...s.tasks].sort((a, b) => order.indexOf(a[1].state) - order.indexOf(b[1].state));
    const room = perExecution - 1;
    const width = Math.min(30, Math.max(...tasks.map(([taskId]) => taskId.length), 4));
    for (const [taskId, t] of tasks.slice(0, tasks.length > room ? room - 1 : room)) {
      lines.push(clip(`  ${MARK[t.state]} ${taskId.padEnd(width)}  ${taskLine(t, now)}`, columns));
    }
    if (tasks.length > room) lines.push(`  … ${tasks.length - (room - 1)} more`);
  }
  return lines;
}

function taskLine(t: Shown['tasks'] extends Map<string, infer T> ? T : never, now: number): string {
  const attempt = t.attempt > 0 ? `attempt ${t.attempt}` : '';
  switch (t.state) {
    case 'Running':
      return `Running    ${attempt}, ${duration(now - t.since)}${t.detail ? ` (${t.detail})` : ''}`;
    case 'Ready':
      return `Retrying   ${attempt} failed, next in ${duration(Math.max(0, (t.retryAt ?? now) - now))}: ${t.detail}`;
    case 'Failed':
      return `Failed     ${attempt}: ${t.detail}`;
    case 'Skipped':
      return `Skipped    ${t.detail}`;
    default:
      return `${t.state.padEnd(10)} ${attempt}`.trimEnd();
  }
}

function clip(line: string, columns: number): string {
  return line.length <= columns ? line : `${line.slice(0, Math.max(0, columns - 1))}…`;
}
