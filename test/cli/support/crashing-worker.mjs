// A worker entry that says it is ready, then dies on the first files it is sent.
import { parentPort } from 'node:worker_threads';

parentPort.postMessage({ kind: 'ready' });
parentPort.on('message', () => process.exit(1));
