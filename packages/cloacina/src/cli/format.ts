// Text the `cloacina` command prints: tables, durations, and one line per event.
import type { ExecutionEvent } from '../dal/events.js';
import type { ExecutionResult } from '../engine/result.js';

/** Columns padded to their widest cell. */
export function table(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((row) => `${row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()}\n`).join('');
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export const time = (ms: number) => new Date(ms).toISOString();

/** Each task of a result, then the outcome. */
export function resultText(result: ExecutionResult): string {
  const rows = Object.entries(result.tasks).map(([id, t]) => [
    id,
    t.state,
    String(t.attempts),
    t.startedAt !== undefined && t.finishedAt !== undefined ? `${t.finishedAt - t.startedAt} ms` : '-',
    t.error ? `${t.error.kind}: ${t.error.message}` : t.reason ?? '',
  ]);
  const reason = result.reason === undefined ? '' : `: ${result.reason}`;
  return `${table([['task', 'state', 'attempts', 'duration', 'detail'], ...rows])}\n${result.workflow} ${result.status}${reason} (execution ${result.executionId})\n`;
}

/** What an event says, in words (without its time or execution). */
export function describeEvent(e: ExecutionEvent): string {
  switch (e.type) {
    case 'executionStarted':
      return `execution of ${e.workflow}@${e.version} started`;
    case 'executionCompleted':
      return 'execution completed';
    case 'executionFailed':
      return 'execution failed';
    case 'executionCancelled':
      return `execution cancelled (${e.reason})`;
    case 'executionTimedOut':
      return `execution failed: ${e.reason}`;
    case 'executionPaused':
      return 'execution paused';
    case 'executionResumed':
      return 'execution resumed';
    case 'taskStarted':
      return `${e.taskId} started (attempt ${e.attempt})`;
    case 'taskCompleted':
      return `${e.taskId} completed (attempt ${e.attempt})`;
    case 'taskTimedOut':
      return `${e.taskId} timed out (attempt ${e.attempt})`;
    case 'taskRetryScheduled':
      return `${e.taskId} failed (attempt ${e.attempt}: ${e.error.kind}: ${e.error.message}); retry in ${duration(e.delayMs)}`;
    case 'taskFailed':
      return `${e.taskId} failed (attempt ${e.attempt}: ${e.error.kind}: ${e.error.message})`;
    case 'taskSkipped':
      return `${e.taskId} skipped: ${e.reason}`;
  }
}

/** One line per event, for logs and pipes. */
export function eventLine(e: ExecutionEvent, withExecution: boolean): string {
  return `${time(e.at)}${withExecution ? `  ${e.executionId.slice(0, 8)}` : ''}  ${describeEvent(e)}\n`;
}
