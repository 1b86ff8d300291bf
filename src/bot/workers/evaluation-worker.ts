import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { openReadOnlyStore } from './answer-job.js';
import type { MainMessage, WorkerMessage, WorkerSetup } from './protocol.js';

/**
 * The entry point of an evaluation worker (see pool.ts). It is its own module graph: the command
 * layer, the engine, the views and the store, never an SDK, so it starts quickly. When the build
 * bundles gig, this file is a separate entry point (see worker-entry.ts).
 */
if (!parentPort) throw new Error('evaluation-worker.ts runs as a worker thread of gig serve, not on its own.');
const port = parentPort;
const setup = workerData as WorkerSetup;
yieldToMainThread();
const store = openReadOnlyStore(setup.dbFile, setup.config, setup.ledgerUrl);

port.on('message', (message: MainMessage) => {
  const { job } = message;
  if (job.kind === 'chat' && setup.crashOnText !== undefined && job.text === setup.crashOnText) {
    // Tests only: die the way a bug would, outside any handler, with the job in flight.
    setImmediate(() => {
      throw new Error('evaluation worker crashed on purpose (test hook)');
    });
    return;
  }
  void (job.kind === 'chat' ? store.answer(job) : store.packet(job)).then((answer) => port.postMessage(answer satisfies WorkerMessage));
});
port.postMessage({ kind: 'ready', threadId } satisfies WorkerMessage);

/**
 * On Linux a thread has a scheduling priority of its own (setpriority on its thread id, which
 * /proc/thread-self names): evaluations run at nice 10, so that when the CPUs are busy the main
 * thread, which acknowledges requests, gets them first. Elsewhere workers keep the process's
 * priority.
 */
function yieldToMainThread(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, Math.max(getPriority(tid), 10));
  } catch {
    // Not Linux, or not allowed: the same priority as the main thread.
  }
}
