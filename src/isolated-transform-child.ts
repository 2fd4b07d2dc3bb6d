// The child process of isolated-transform.ts. Its main thread reads the request from stdin and
// starts one thread with a large stack and a bounded heap that migrates the file; it writes
// the reply (or why the thread died: out of memory) to stdout.
import { readFileSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { CODEMODS } from '../codemods/index.js';
import { ProjectIndex } from './analysis/project.js';
import { FILE_HEAP_MB, FILE_STACK_MB, type IsolatedReply, type IsolatedRequest } from './isolated-transform.js';
import { transformOnThisThread } from './transform-source.js';

if (isMainThread) {
  const request = JSON.parse(readFileSync(0, 'utf8')) as IsolatedRequest;
  let replied = false;
  const reply = (message: IsolatedReply) => {
    if (replied) return;
    replied = true;
    process.stdout.write(JSON.stringify(message));
  };
  const worker = new Worker(new URL(import.meta.url), {
    workerData: request,
    resourceLimits: { stackSizeMb: FILE_STACK_MB, maxOldGenerationSizeMb: FILE_HEAP_MB },
  });
  worker.once('message', (message: IsolatedReply) => reply(message));
  worker.once('error', (error: Error & { code?: string }) => {
    const outOfMemory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
    reply({ ok: false, error: outOfMemory ? `out of memory: migrating this file needs more than ${FILE_HEAP_MB} MB` : error.message });
  });
  worker.once('exit', (code) => reply({ ok: false, error: `the migrating thread stopped (exit code ${code})` }));
} else {
  const { path, source, transforms, roots } = workerData as IsolatedRequest;
  let message: IsolatedReply;
  try {
    const codemods = CODEMODS.filter((c) => transforms.includes(c.name) && c.relevant(source));
    const project = roots ? ProjectIndex.shared(roots) : ProjectIndex.around(path);
    message = { ok: true, outcome: transformOnThisThread(path, source, codemods, { project }) };
  } catch (error) {
    const e = error as Error & { loc?: { line: number; column: number } };
    message = e.loc ? { ok: false, error: e.message, loc: e.loc } : { ok: false, error: e.message };
  }
  parentPort!.postMessage(message);
}
