// Runs the migration over many files: reads each once, filters on text, and hands the
// candidates to worker threads when there are enough of them, else migrates them here.
import { lstatSync, realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isInside } from './files/discover.js';
import { ReadAhead } from './files/read-ahead.js';
import { readSource } from './files/read-source.js';
import { failedResult, mightNeedMigrating, notWrittenResult, skippedResult, type FileResult, type MigrateOptions } from './file-result.js';
import { WorkerPool, type Candidate, type WorkSource } from './worker-pool.js';

/**
 * Workers take the candidates once there are this many: below it one warm thread is quicker
 * than handing files over. Workers start in ~30 ms, but every thread's parser starts cold,
 * several times slower per file than once warmed up.
 */
const CANDIDATES_FOR_WORKERS = 32;
/** Beyond a few threads each new one spends more on warming up its parser than it saves. */
const MAX_AUTO_THREADS = 4;
/** Files read between two turns of the event loop, in which workers are handed work. */
const READ_BATCH = 256;

/**
 * Starts the worker threads for a run, before its files are found, so that their start-up
 * overlaps discovery. `threads` counts the main thread (1 = no workers); by default one per
 * core, up to four.
 */
export function startWorkers(threads?: number): WorkerPool | undefined {
  const count = (threads ?? Math.min(availableParallelism(), MAX_AUTO_THREADS)) - 1;
  return count > 0 ? new WorkerPool(count) : undefined;
}

/** A read-ahead for a run's files, found while git still lists the rest (see discover's whileListing). */
export function readAhead(): ReadAhead {
  return new ReadAhead(mightNeedMigrating, CANDIDATES_FOR_WORKERS);
}

export interface RunOptions extends MigrateOptions {
  onProgress?: (done: number, total: number) => void;
  /** Workers from startWorkers; without them the main thread migrates every file. */
  pool?: WorkerPool | undefined;
  /** Work for the main thread once it has read every file and only waits on workers. */
  whileWaiting?: () => void;
  /**
   * The paths the run was given, as real paths: the project the analysis follows, and where
   * a symbolic link may point to be migrated through to its target (else it is reported).
   * Default: the files themselves.
   */
  roots?: readonly string[];
  /** Files already read while they were being listed. */
  readAhead?: ReadAhead | undefined;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function runFiles(files: readonly string[], options: RunOptions): Promise<FileResult[]> {
  const roots = options.roots ?? files;
  const migrateOptions: MigrateOptions = { dry: options.dry, roots, ...(options.transforms ? { transforms: options.transforms } : {}), ...(options.keepText ? { keepText: true } : {}) };
  const results: FileResult[] = [];
  const queue = new CandidateQueue();
  // Files a worker handed back: their analysis needs the whole project, indexed once, here.
  const deferred: string[] = [];
  let migrated = 0;
  const record = (result: FileResult) => {
    if (result.deferred) {
      deferred.push(result.file);
      return;
    }
    results.push(result);
    migrated++;
    // The total is known only once every file has been read.
    if (queue.finished()) options.onProgress?.(migrated, queue.total);
  };

  const pool = options.pool;
  let serving = false;
  const listed = new Set(files);
  const queued = new Set<string>();
  for (let i = 0; i < files.length; i++) {
    let file = files[i]!;
    let read;
    try {
      read = options.readAhead?.take(file) ?? readSource(file, mightNeedMigrating);
    } catch (error) {
      results.push(failedResult(file, `${file}: ${(error as Error).message}`));
      continue;
    }
    if (read.kind === 'absent') continue;
    if (read.kind === 'unrelated') {
      results.push(skippedResult(file));
      continue;
    }
    if (read.kind === 'not-utf8') {
      results.push(notWrittenResult(file, read.reason));
      continue;
    }
    if (lstatSync(file).isSymbolicLink()) {
      const target = realpathSync(file);
      if (!listed.has(target) && !roots.some((root) => isInside(target, root))) {
        results.push(notWrittenResult(file, `a symbolic link to ${target}, outside the given paths; migrate that file itself`));
        continue;
      }
      // Migrated as its target, once, even when the target is listed too.
      file = target;
    }
    if (queued.has(file) || (file !== files[i] && listed.has(file))) continue;
    queued.add(file);
    queue.add({ file, source: read.text });
    if (pool !== undefined && !serving && queue.total >= CANDIDATES_FOR_WORKERS) {
      pool.serve(queue, { ...migrateOptions, deferWholeProject: true }, record, files);
      serving = true;
    }
    if (serving && i % READ_BATCH === READ_BATCH - 1) {
      pool!.feed();
      await nextTurn();
    }
  }
  queue.finish();
  if (migrated > 0) options.onProgress?.(migrated, queue.total);

  // Workers, once serving, take every candidate: the main thread's parser would be cold and
  // slower than theirs. The main thread migrates all files when there are too few for
  // workers, and any held by workers that crashed.
  if (serving) {
    options.whileWaiting?.();
    await pool!.drained();
  } else {
    pool?.close();
  }
  const left = queue.take(queue.total);
  if (left.length > 0 || deferred.length > 0) {
    // Loaded only now: a run with nothing to migrate never loads the transforms, the analysis or a parser.
    const [{ migrateFile }, { ProjectIndex }] = await Promise.all([import('./migrate-file.js'), import('./analysis/project.js')]);
    // This thread's view of the project knows every file already; workers were sent the same list.
    ProjectIndex.shared(roots, files);
    for (const { file, source } of left) record(migrateFile(file, migrateOptions, source));
    for (const file of deferred.splice(0)) record(migrateFile(file, migrateOptions));
  }
  return results.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** Candidates in the order they were read, handed out from the front. */
class CandidateQueue implements WorkSource {
  #items: Candidate[] = [];
  #head = 0;
  #finished = false;

  get total(): number {
    return this.#items.length;
  }

  add(candidate: Candidate): void {
    this.#items.push(candidate);
  }

  finish(): void {
    this.#finished = true;
  }

  finished(): boolean {
    return this.#finished;
  }

  take(size: number): Candidate[] {
    const chunk = this.#items.slice(this.#head, this.#head + size);
    this.#head += chunk.length;
    return chunk;
  }
}
