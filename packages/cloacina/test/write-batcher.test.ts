// A refused batch stops only what it carried; the batcher keeps storing later batches.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SqliteStore, type NewExecution, type Write } from 'cloacina';
import { WriteBatcher } from '../src/engine/write-batcher.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const execution = (): NewExecution => ({ executionId: randomUUID(), workflow: 'wf', version: '1.0.0', initialContext: '{}', taskIds: ['a'], startedAt: 0 });

it('reports a refused batch with its writes and goes on with the next one', async () => {
  const store = new SqliteStore(join(dir, 'b.db'));
  const refused: Array<readonly Write[]> = [];
  const batcher = new WriteBatcher(store, (_error, writes) => refused.push(writes));
  const [x, y, z] = [execution(), execution(), execution()];
  batcher.push({ type: 'executionCreated', execution: x });
  // Completing a task that never started is refused; the whole batch (x included) rolls back.
  batcher.push({ type: 'taskCompleted', executionId: x.executionId, taskId: 'a', attempt: 1, output: '{}', at: 1 });
  await batcher.flushed();
  batcher.push({ type: 'executionCreated', execution: y });
  batcher.push({ type: 'executionCreated', execution: z });
  await batcher.flushed();
  expect(refused).toHaveLength(1);
  expect(refused[0]!.map((w) => w.type)).toEqual(['executionCreated', 'taskCompleted']);
  expect(await store.execution(x.executionId)).toBeUndefined();
  expect((await store.execution(y.executionId))?.status).toBe('Running');
  expect((await store.execution(z.executionId))?.status).toBe('Running');
  await store.close();
});
