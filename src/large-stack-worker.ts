// The helper thread of large-stack.ts: migrates one file and replies, then signals.
import { workerData } from 'node:worker_threads';
import { CODEMODS } from '../codemods/index.js';
import type { LargeStackReply, LargeStackRequest } from './large-stack.js';
import { transformOnThisThread } from './transform-source.js';

const { path, source, transforms, port, signal } = workerData as LargeStackRequest;
let reply: LargeStackReply;
try {
  const codemods = CODEMODS.filter((c) => transforms.includes(c.name) && c.relevant(source));
  const outcome = transformOnThisThread(path, source, codemods);
  reply = { ok: true, outcome };
} catch (error) {
  const e = error as Error & { loc?: { line: number; column: number } };
  reply = e.loc ? { ok: false, error: e.message, loc: e.loc } : { ok: false, error: e.message };
}
port.postMessage(reply);
Atomics.store(signal, 0, 1);
Atomics.notify(signal, 0);
