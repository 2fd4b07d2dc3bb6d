// Whether a batch of writes is in the database. Needed after a connection broke while a
// batch was being committed: the server may have committed it without the answer arriving,
// and sending it again is then refused (its transitions already happened). A batch is
// atomic and the executions it touches are written by this runner alone (it holds their
// leases), so the database shows either the state before the batch or the state after it;
// the last write to each task and execution tells the two apart.
import type { ExecutionRecord, Write } from './types.js';

export function batchStored(writes: readonly Write[], records: readonly ExecutionRecord[]): boolean {
  const byId = new Map(records.map((r) => [r.executionId, r]));
  const lastOfTask = new Map<string, Write>();
  const lastOfExecution = new Map<string, Write>();
  for (const w of writes) {
    if (w.type === 'executionCreated') lastOfExecution.set(w.execution.executionId, w);
    else if ('taskId' in w) lastOfTask.set(`${w.executionId}\u0000${w.taskId}`, w);
    else lastOfExecution.set(w.executionId, w);
  }
  for (const w of lastOfExecution.values()) {
    const record = byId.get(w.type === 'executionCreated' ? w.execution.executionId : w.executionId);
    if (record === undefined) return false;
    if (w.type === 'executionFinished' || w.type === 'executionTerminated') {
      if (record.status !== w.status) return false;
    } else if (w.type === 'executionPaused') {
      if (record.status !== 'Paused') return false;
    } else if (w.type === 'executionResumed') {
      if (record.status === 'Paused') return false;
    }
  }
  for (const w of lastOfTask.values()) {
    if (!('taskId' in w)) continue;
    // A termination skips the tasks left unfinished: its own status says it all.
    if (lastOfExecution.get(w.executionId)?.type === 'executionTerminated') continue;
    const task = byId.get(w.executionId)?.tasks.find((t) => t.taskId === w.taskId);
    if (task === undefined) return false;
    const expected = {
      taskStarted: 'Running',
      taskCompleted: 'Completed',
      taskRetrying: 'Ready',
      taskFailed: 'Failed',
      taskSkipped: 'Skipped',
    }[w.type];
    if (task.state !== expected) return false;
    if ('attempt' in w && task.attempts !== w.attempt) return false;
  }
  return true;
}
