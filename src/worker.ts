// A worker thread: migrates the chunks of files it is sent, one reply per chunk.
import { parentPort } from 'node:worker_threads';
import { migrateFile, type MigrateOptions } from './migrate-file.js';
import type { Candidate, WorkerMessage } from './worker-pool.js';

parentPort!.on('message', ({ candidates, options }: { candidates: Candidate[]; options: MigrateOptions }) => {
  const results = candidates.map(({ file, source }) => migrateFile(file, options, source));
  parentPort!.postMessage({ kind: 'results', results } satisfies WorkerMessage);
});
parentPort!.postMessage({ kind: 'ready' } satisfies WorkerMessage);
