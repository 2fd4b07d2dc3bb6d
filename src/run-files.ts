// Runs the migration over many files: reads each once, filters on text, and spreads the
// candidates over worker threads when there are enough of them to pay for the start-up.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { mentionsCloacina, migrateFile, type FileResult, type MigrateOptions } from './migrate-file.js';

/**
 * Each worker loads its own parser and printer (~0.3 s) and the main thread keeps reading
 * files, so workers pay off only with many candidates and a core to spare: measured on two
 * cores, one thread was as fast as two workers even at 2,000 candidate files.
 */
const FILES_PER_WORKER = 200;

export interface RunOptions extends MigrateOptions {
  onProgress?: (done: number, total: number) => void;
  workers?: number;
}

export async function runFiles(files: readonly string[], options: RunOptions): Promise<FileResult[]> {
  const results: FileResult[] = [];
  const candidates: Array<{ file: string; source: string }> = [];
  for (const file of files) {
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (error) {
      results.push({ file, status: 'failed', flags: [], applied: [], usesRuntime: false, markers: 0, error: `${file}: ${(error as Error).message}` });
      continue;
    }
    if (mentionsCloacina(source)) candidates.push({ file, source });
    else results.push({ file, status: 'skipped', flags: [], applied: [], usesRuntime: false, markers: 0 });
  }
  const migrateOptions: MigrateOptions = { dry: options.dry, ...(options.transforms ? { transforms: options.transforms } : {}), ...(options.keepText ? { keepText: true } : {}) };
  const workerCount =
    options.workers !== undefined
      ? Math.min(options.workers, candidates.length)
      : Math.min(availableParallelism() - 1, Math.floor(candidates.length / FILES_PER_WORKER));
  let done = 0;
  const progress = () => options.onProgress?.(++done, candidates.length);
  if (workerCount < 2) {
    for (const { file, source } of candidates) {
      results.push(migrateFile(file, migrateOptions, source));
      progress();
    }
  } else {
    results.push(...(await inWorkers(candidates, migrateOptions, workerCount, progress)));
  }
  return results.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

async function inWorkers(
  candidates: Array<{ file: string; source: string }>,
  options: MigrateOptions,
  count: number,
  progress: () => void,
): Promise<FileResult[]> {
  const results: FileResult[] = [];
  let next = 0;
  const runWorker = () =>
    new Promise<void>((resolve) => {
      const worker = new Worker(new URL('./worker.js', import.meta.url));
      let current: { id: number; file: string } | undefined;
      const send = () => {
        if (next >= candidates.length) {
          current = undefined;
          void worker.terminate().then(() => resolve());
          return;
        }
        const id = next++;
        current = { id, file: candidates[id]!.file };
        worker.postMessage({ id, ...candidates[id]!, options });
      };
      worker.on('message', (message: { result: FileResult }) => {
        results.push(message.result);
        progress();
        send();
      });
      // A worker that dies reports its file as failed; the rest go to a fresh worker.
      worker.on('error', (error) => {
        if (current) {
          results.push({ file: current.file, status: 'failed', flags: [], applied: [], usesRuntime: false, markers: 0, error: `${current.file}: worker crashed: ${error.message}` });
          progress();
        }
        void runWorker().then(resolve);
      });
      send();
    });
  await Promise.all(Array.from({ length: count }, runWorker));
  return results;
}
