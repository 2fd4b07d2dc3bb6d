// Imports a module once in a worker thread, under a time limit, before this process imports
// it: top-level code that loops forever, ends the process or awaits something that never
// settles is found there (the worker is terminated) instead of hanging or ending the caller.
// This bounds what a package's import can do to the loading process; it is no sandbox: the
// worker has the same privileges, and code that behaves differently on a second import or
// outside a worker is not caught.
import { Worker } from 'node:worker_threads';

export const DEFAULT_IMPORT_TIMEOUT_MS = 10_000;

// CommonJS, as an eval'd worker runs. process.exit is reported before it ends the worker, so
// "called process.exit" is told apart from "the event loop emptied with the import unsettled"
// (the port is unref'd once the URL arrives, so a pending top-level await alone lets it empty).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
// The caller's own import prints whatever the module prints; the probe's copy is dropped.
process.stdout.write = process.stderr.write = () => true;
const exit = process.exit;
process.exit = function (code) {
  parentPort.postMessage({ exited: String(code ?? process.exitCode ?? 0) });
  return exit.call(process, code);
};
parentPort.once('message', (url) => {
  parentPort.unref();
  import(url).then(
    () => parentPort.postMessage({ imported: true }),
    () => parentPort.postMessage({ threw: true }),
  );
});
// Every bundle imports the authoring API: load it before the clock starts.
import(workerData.preload).catch(() => {}).then(() => parentPort.postMessage({ ready: true }));
`;

// Each probe gets a fresh worker (nothing a module did can reach the next probe); a spare is
// started beside each probe so the next one does not wait for a worker to boot. An idle spare
// never keeps the process alive. The time limit starts when the worker is ready (booted, with
// cloacina-workflow loaded): that takes from tens to hundreds of ms depending on the load.
interface ProbeWorker {
  worker: Worker;
  ready: Promise<boolean>;
}

let spare: ProbeWorker | undefined;

function startWorker(): ProbeWorker {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { preload: import.meta.resolve('cloacina-workflow') } });
  worker.unref();
  const ready = new Promise<boolean>((resolve) => {
    worker.once('message', () => resolve(true));
    worker.once('exit', () => resolve(false));
    worker.once('error', () => resolve(false));
  });
  return { worker, ready };
}

function takeWorker(): ProbeWorker {
  const taken = spare ?? startWorker();
  const next = startWorker();
  spare = next;
  next.worker.once('exit', () => {
    if (spare === next) spare = undefined;
  });
  return taken;
}

/**
 * Imports `url` in a fresh worker. Resolves to undefined when the import settles (a module
 * that throws is left to the caller's own import, which reports the error), or to what went
 * wrong, phrased to follow "<subject> ".
 */
export function probeImport(url: string, timeoutMs: number): Promise<string | undefined> {
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs <= 0) {
    return Promise.reject(new TypeError(`importTimeoutMs must be a positive number of milliseconds (or Infinity), got ${String(timeoutMs)}`));
  }
  return (async () => {
    const { worker, ready } = takeWorker();
    worker.ref();
    if (!(await ready)) {
      void worker.terminate();
      return 'could not be imported: the worker thread that imports it first did not start';
    }
    return new Promise<string | undefined>((resolve) => {
      let settled = false;
      const finish = (problem: string | undefined) => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) clearTimeout(timer);
        void worker.terminate();
        resolve(problem);
      };
      // setTimeout would treat Infinity as 1 ms.
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => finish(`did not finish importing within ${timeoutMs} ms (an endless loop in its top-level code?)`), timeoutMs)
        : undefined;
      worker.on('message', (message: { imported?: true; threw?: true; exited?: string }) => {
        if (message.exited !== undefined) finish(`called process.exit(${message.exited}) while being imported`);
        else finish(undefined);
      });
      worker.on('error', (error) => finish(`failed while being imported: ${error.message}`));
      worker.on('exit', () => finish('never finished importing: its top-level code awaits something that never settles'));
      worker.postMessage(url);
    });
  })();
}
