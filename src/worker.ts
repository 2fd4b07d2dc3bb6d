// A worker thread: migrates the files it is sent, one message per file.
import { parentPort } from 'node:worker_threads';
import { migrateFile, type MigrateOptions } from './migrate-file.js';

interface Job {
  id: number;
  file: string;
  source: string;
  options: MigrateOptions;
}

parentPort!.on('message', (job: Job) => {
  parentPort!.postMessage({ id: job.id, result: migrateFile(job.file, job.options, job.source) });
});
