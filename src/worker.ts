// A worker thread: migrates the chunks of files it is sent, one reply per chunk.
import { parentPort } from 'node:worker_threads';
import { ProjectIndex } from './analysis/project.js';
import { migrateFile } from './migrate-file.js';
import type { WorkerMessage, WorkerRequest } from './worker-pool.js';

parentPort!.on('message', ({ candidates, options, project }: WorkerRequest) => {
  // The main thread has listed the project: the analysis here uses that list.
  if (project !== undefined) ProjectIndex.shared(options.roots ?? [], project);
  const results = candidates.map(({ file, source }) => migrateFile(file, options, source));
  parentPort!.postMessage({ kind: 'results', results } satisfies WorkerMessage);
});
parentPort!.postMessage({ kind: 'ready' } satisfies WorkerMessage);
