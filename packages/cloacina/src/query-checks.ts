// Checks of the options and queries the runner takes from its caller: a clear error naming
// the field at fault, before anything reaches the database.
import { isFinished } from './dal/control.js';
import { millis } from './dal/time.js';
import type { ExecutionStatus, HistoryQuery, PruneQuery } from './dal/types.js';

const STATUSES: readonly ExecutionStatus[] = ['Running', 'Paused', 'Completed', 'Failed', 'Cancelled'];
const MAX_PAGE = 10_000;

/** A timeout option: a positive number of milliseconds, or Infinity for none. */
export function checkTimeout(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new TypeError(`RunnerOptions.${name} must be a positive number of milliseconds (or Infinity for none), got ${String(value)}`);
  }
  return value;
}

function checkStatuses(field: string, value: unknown): ExecutionStatus[] {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
  const bad = list === undefined ? value : list.find((s) => !STATUSES.includes(s as ExecutionStatus));
  if (list === undefined || bad !== undefined) {
    throw new TypeError(`${field}: ${JSON.stringify(bad)} is not a status (one of ${STATUSES.join(', ')})`);
  }
  return list as ExecutionStatus[];
}

export function checkHistoryQuery(query: HistoryQuery): HistoryQuery {
  const checked: HistoryQuery = {};
  if (query.workflow !== undefined) {
    if (typeof query.workflow !== 'string') throw new TypeError(`history: workflow must be a workflow name, got ${String(query.workflow)}`);
    checked.workflow = query.workflow;
  }
  if (query.status !== undefined) checked.status = checkStatuses('history: status', query.status);
  if (query.since !== undefined) checked.since = millis('history: since', query.since);
  if (query.until !== undefined) checked.until = millis('history: until', query.until);
  if (query.limit !== undefined) {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE) {
      throw new TypeError(`history: limit must be an integer from 1 to ${MAX_PAGE}, got ${String(query.limit)}`);
    }
    checked.limit = query.limit;
  }
  if (query.cursor !== undefined) checked.cursor = query.cursor;
  if (query.schedule !== undefined) {
    if (typeof query.schedule !== 'string') throw new TypeError(`history: schedule must be a schedule id, got ${String(query.schedule)}`);
    checked.schedule = query.schedule;
  }
  return checked;
}

export function checkPruneQuery(query: PruneQuery): PruneQuery {
  if (query === null || typeof query !== 'object' || query.olderThan === undefined) {
    throw new TypeError('prune: olderThan is required (a Date or epoch milliseconds): executions that finished before it are deleted');
  }
  const checked: PruneQuery = { olderThan: millis('prune: olderThan', query.olderThan) };
  if (query.statuses !== undefined) {
    const statuses = checkStatuses('prune: statuses', query.statuses);
    const unfinished = statuses.find((s) => !isFinished(s));
    if (unfinished !== undefined) throw new TypeError(`prune: statuses may name finished statuses only (Completed, Failed, Cancelled), not ${unfinished}`);
    checked.statuses = statuses;
  }
  return checked;
}
