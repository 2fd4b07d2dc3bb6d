// A file that nests deeper than the current thread's stack (a generated 3,000-term string
// concatenation, say) is migrated on a helper thread with a much larger stack. The caller
// waits for it synchronously, so transformSource stays synchronous for every caller.
import { existsSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { TransformOutcome } from './transform-source.js';

/** Stack of the helper thread: room for nesting some hundred times deeper than the default. */
const STACK_MB = 256;
/** Heap of the helper thread: a file that needs more is reported, not the run aborted. */
const HEAP_MB = 2048;

export interface LargeStackRequest {
  path: string;
  source: string;
  transforms: string[];
  port: MessagePort;
  signal: Int32Array;
}

export type LargeStackReply = { ok: true; outcome: TransformOutcome } | { ok: false; error: string; loc?: { line: number; column: number } };

/** The helper's script: next to this module once built; from the build when run from sources. */
function script(): URL {
  const here = new URL('./large-stack-worker.js', import.meta.url);
  if (existsSync(here)) return here;
  return new URL('../dist/src/large-stack-worker.js', import.meta.url);
}

export function transformWithLargeStack(path: string, source: string, transforms: string[]): TransformOutcome {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(script(), {
    workerData: { path, source, transforms, port: port2, signal },
    transferList: [port2],
    resourceLimits: { stackSizeMb: STACK_MB, maxOldGenerationSizeMb: HEAP_MB },
    stdout: true,
    stderr: true,
  });
  // No event runs while this thread waits: a worker that died (out of memory) shows as threadId -1.
  while (Atomics.load(signal, 0) === 0) {
    Atomics.wait(signal, 0, 0, 50);
    const early = receiveMessageOnPort(port1);
    if (early) return finish(worker, early.message as LargeStackReply);
    if (worker.threadId < 0) break;
  }
  const message = receiveMessageOnPort(port1);
  if (message) return finish(worker, message.message as LargeStackReply);
  void worker.terminate();
  throw new Error(`the migration thread stopped (out of memory: the file needs more than ${HEAP_MB} MB)`);
}

function finish(worker: Worker, reply: LargeStackReply): TransformOutcome {
  void worker.terminate();
  if (reply.ok) return reply.outcome;
  const error = new Error(reply.error) as Error & { loc?: { line: number; column: number } };
  if (reply.loc) error.loc = reply.loc;
  throw error;
}
