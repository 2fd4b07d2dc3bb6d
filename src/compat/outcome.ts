// Comparing runs: the model's, the legacy engine's and the migrated workflow's outcomes
// reduced to what must agree (state, attempts, error kind, output context).
import type { JsonValue } from 'cloacina-workflow';
import type { RunOutcome, TaskOutcome } from './program.js';

interface ResultLike {
  tasks: Record<string, { state: string; attempts: number; error?: { kind: string }; output?: Record<string, JsonValue> }>;
}

/** The comparable part of a runtime ExecutionResult. */
export function outcomeOf(result: ResultLike): RunOutcome {
  const out: RunOutcome = {};
  for (const [id, t] of Object.entries(result.tasks)) {
    const task: TaskOutcome = { state: t.state as TaskOutcome['state'], attempts: t.attempts };
    if (t.state === 'Failed' && t.error) task.errorKind = t.error.kind as TaskOutcome['errorKind'];
    if (t.state === 'Completed' && t.output) task.output = t.output;
    Object.defineProperty(out, id, { value: task, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Canonical text: object keys sorted at every level, so key order never matters. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Task ids whose outcomes differ, with both sides, or [] when the runs agree. */
export function differences(expected: RunOutcome, actual: RunOutcome): string[] {
  const ids = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
  return ids
    .filter((id) => canonical(expected[id]) !== canonical(actual[id]))
    .map((id) => `${id}: expected ${canonical(expected[id])}, got ${canonical(actual[id])}`);
}
