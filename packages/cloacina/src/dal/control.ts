// What a cancel, pause or resume request does to a stored execution, decided the same way
// by every store inside the transaction that holds the execution's row.
import type { ControlAction, ExecutionStatus, ControlRequester, Write } from './types.js';
import { executionPaused, executionResumed, executionTerminated } from './writes.js';

export interface ControlRow {
  status: ExecutionStatus;
  owner: string | null;
  leaseExpiresAt: number | null;
  control: ControlAction | null;
}

export type ControlDecision =
  /** Nothing to change: already in that state, or ended. */
  | { kind: 'none' }
  /** A live runner holds it: store the request (null clears an opposite one) for it to act on. */
  | { kind: 'request'; control: ControlAction | null }
  /** Nobody live holds it: apply the change now, releasing the lease. */
  | { kind: 'apply'; write: Write };

export const CANCELLED_REASON = 'execution cancelled';

export function isFinished(status: ExecutionStatus): boolean {
  return status === 'Completed' || status === 'Failed' || status === 'Cancelled';
}

export function decideControl(executionId: string, row: ControlRow, action: ControlAction, by: ControlRequester): ControlDecision {
  if (isFinished(row.status)) return { kind: 'none' };
  const live = row.owner !== null && row.owner !== by.owner && row.leaseExpiresAt !== null && row.leaseExpiresAt >= by.now;
  if (live) {
    // A cancel request is final; otherwise the latest request wins, and one that asks for
    // the state the execution is already in withdraws the opposite request.
    if (row.control === 'cancel') return { kind: 'none' };
    if (action === 'cancel') return { kind: 'request', control: 'cancel' };
    const wanted = action === 'pause' ? 'Paused' : 'Running';
    if (row.status === wanted) return row.control === null ? { kind: 'none' } : { kind: 'request', control: null };
    return row.control === action ? { kind: 'none' } : { kind: 'request', control: action };
  }
  const at = by.now;
  if (action === 'cancel') {
    return { kind: 'apply', write: executionTerminated(executionId, 'Cancelled', 'cancel', CANCELLED_REASON, at, true) };
  }
  if (action === 'pause') return row.status === 'Running' ? { kind: 'apply', write: executionPaused(executionId, at, true) } : { kind: 'none' };
  return row.status === 'Paused' ? { kind: 'apply', write: executionResumed(executionId, at, true) } : { kind: 'none' };
}

/** The status an execution has after a control write. */
export function statusAfter(write: Write, before: ExecutionStatus): ExecutionStatus {
  switch (write.type) {
    case 'executionTerminated':
      return write.status;
    case 'executionPaused':
      return 'Paused';
    case 'executionResumed':
      return 'Running';
    default:
      return before;
  }
}
