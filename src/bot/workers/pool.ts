import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { GigConfig } from '../../config.js';
import { GigError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { Job, MainMessage, WorkerMessage, WorkerSetup } from './protocol.js';
import { locateWorkerEntry, type WorkerEntry } from './worker-entry.js';

/**
 * A small fixed-size pool of evaluation workers (node:worker_threads) for `gig serve`, so that
 * status evaluations, release manifests and digest previews never hold up the event loop that
 * acknowledges Slack and Teams.
 *
 * Why not piscina (5.3.2, in the npm registry) or tinypool: what gig needs is narrow — one job at
 * a time per worker, FIFO, a worker that dies replaced and its job answered with an error, a
 * worker that never starts leading to answers on the main thread instead of a dead bot, a
 * per-job time limit, and a worker entry that may be TypeScript (tests) or a bundle chunk. That is
 * about 200 lines here, against a dependency whose crash, TS-loading and bundling behaviour gig
 * would have to pin down anyway.
 */

export interface PoolOptions {
  dbFile: string;
  /** The shared ledger (GIG_DATABASE_URL), read by each worker over its own small pool. */
  ledgerUrl?: string | undefined;
  config: GigConfig;
  size: number;
  logger: Logger;
  /** `eager`: workers start with the pool (gig serve's default); `lazy`: at the first job. */
  start?: 'eager' | 'lazy';
  /** A job still running after this long has its worker stopped and is answered with an error. */
  jobTimeoutMs?: number;
  /**
   * When the oldest waiting job has waited this long, the pool is `overloaded` and callers refuse
   * new commands at once ("gig is busy") instead of queueing them: when commands come faster than
   * the machine evaluates them, the wait (and the queue's memory) stays bounded.
   */
  maxWaitMs?: number;
  /** Tests only: see WorkerSetup.crashOnText. */
  crashOnText?: string;
  /** Where the worker's module is (default: found beside this one, see worker-entry.ts). */
  entry?: WorkerEntry;
}

export type PoolAnswer = Exclude<WorkerMessage, { kind: 'ready' }>;

/** A job as callers give it (the pool numbers it). */
export type JobRequest = Job extends infer J ? (J extends Job ? Omit<J, 'id'> : never) : never;

/** The pool cannot run jobs (its workers cannot start): callers answer on the main thread. */
export class PoolUnavailable extends Error {}

/** A worker died (or was stopped) with the job in flight. */
export class WorkerFailed extends GigError {
  constructor(readonly reason: 'crashed' | 'timeout' | 'closing' | 'busy') {
    // 'busy' is not thrown by the pool: callers refuse a command with it while the pool is overloaded.
    const message = {
      crashed: 'gig hit a problem answering this; the details are in its log.',
      timeout: 'gig took too long to answer this and gave up; the details are in its log.',
      closing: 'gig is shutting down and could not answer this.',
      busy: 'gig is busy answering many other requests and could not take this one.',
    }[reason];
    const hint = reason === 'closing' || reason === 'busy' ? 'Ask again in a minute.' : 'Ask again; if it keeps happening, tell whoever runs gig.';
    super('INTERNAL', message, { hint });
    this.name = 'WorkerFailed';
  }
}

interface Pending {
  job: Job;
  queuedAt: number;
  resolve(answer: PoolAnswer): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  threadId: number;
  ready: boolean;
  pending: Pending | null;
  timer: NodeJS.Timeout | null;
  /** Set when the pool stopped the worker itself (time limit); its exit is then expected. */
  stopped: 'timeout' | null;
}

/** Workers that die before they are ready this many times in a row make the pool unavailable. */
const START_FAILURES_ALLOWED = 3;
const DEFAULT_JOB_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_WAIT_MS = 30_000;

/** GIG_WORKERS as the configuration read it (0 answers everything on the main thread), else min(2, CPUs). */
export function poolSize(configured: number | undefined): number {
  return configured ?? Math.min(2, availableParallelism());
}

export class EvaluationPool {
  private readonly slots: Array<Slot | null>;
  private readonly queue: Pending[] = [];
  private readonly setup: WorkerSetup;
  private readonly entry: WorkerEntry | null;
  private nextId = 1;
  private startFailures = 0;
  private started = false;
  private closing = false;
  private unavailable: string | null = null;

  constructor(private readonly options: PoolOptions) {
    this.slots = Array.from({ length: Math.max(1, options.size) }, () => null);
    this.setup = { dbFile: options.dbFile, ledgerUrl: options.ledgerUrl, config: options.config, crashOnText: options.crashOnText };
    let entry: WorkerEntry | null = null;
    try {
      entry = options.entry ?? locateWorkerEntry();
    } catch (error) {
      this.markUnavailable((error as Error).message);
    }
    this.entry = entry;
    if (options.start !== 'lazy') this.start();
  }

  /** Starts the workers (once); jobs queue until one is ready. */
  start(): void {
    if (this.started || this.closing || this.unavailable !== null) return;
    this.started = true;
    for (let index = 0; index < this.slots.length; index += 1) this.spawn(index);
  }

  /** Whether jobs can be given to the pool; false once its workers could not start. */
  get available(): boolean {
    return this.unavailable === null && !this.closing;
  }

  /** Whether new commands should be refused: the oldest one waiting has waited too long already. */
  get overloaded(): boolean {
    const oldest = this.queue[0];
    return oldest !== undefined && performance.now() - oldest.queuedAt > (this.options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS);
  }

  /** The thread ids of the running workers (tests). */
  threadIds(): number[] {
    return this.slots.filter((slot): slot is Slot => slot !== null).map((slot) => slot.threadId);
  }

  /**
   * Runs a job in a worker. Rejects with PoolUnavailable when no worker can run it (the caller
   * answers on the main thread), with WorkerFailed when its worker died or it ran too long.
   */
  run(job: JobRequest): Promise<PoolAnswer> {
    if (this.unavailable !== null) return Promise.reject(new PoolUnavailable(this.unavailable));
    if (this.closing) return Promise.reject(new WorkerFailed('closing'));
    this.start();
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { ...job, id: this.nextId++ } as Job, queuedAt: performance.now(), resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every worker; jobs still queued or running are answered with an error. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const pending of this.queue.splice(0)) pending.reject(new WorkerFailed('closing'));
    const exits = this.slots.map(async (slot, index) => {
      if (!slot) return;
      this.slots[index] = null;
      if (slot.timer) clearTimeout(slot.timer);
      slot.pending?.reject(new WorkerFailed('closing'));
      await slot.worker.terminate();
    });
    await Promise.all(exits);
  }

  private spawn(index: number): void {
    const entry = this.entry!;
    const spawnedAt = performance.now();
    let worker: Worker;
    try {
      worker = new Worker(entry.script, { eval: entry.eval, workerData: this.setup, name: `gig-evaluation-${index + 1}` });
    } catch (error) {
      this.markUnavailable(`a worker could not be created: ${(error as Error).message}`);
      return;
    }
    const slot: Slot = { worker, threadId: worker.threadId, ready: false, pending: null, timer: null, stopped: null };
    this.slots[index] = slot;
    this.updateRefs();
    let failure: Error | null = null;
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'ready') {
        this.options.logger.debug({ threadId: slot.threadId, ms: Math.round(performance.now() - spawnedAt) }, 'evaluation worker ready');
        slot.ready = true;
        this.startFailures = 0;
        this.dispatch();
        return;
      }
      const pending = slot.pending;
      if (!pending || pending.job.id !== message.id) return;
      this.finish(slot);
      pending.resolve(message);
      this.dispatch();
    });
    worker.on('error', (error) => {
      failure = error;
    });
    worker.on('messageerror', (error) => {
      failure = error;
      void worker.terminate();
    });
    worker.on('exit', (code) => {
      if (this.slots[index] !== slot) return;
      this.slots[index] = null;
      const pending = slot.pending;
      const reason = slot.stopped ?? 'crashed';
      this.finish(slot);
      if (this.closing) return;
      this.options.logger.error({ err: failure ?? undefined, exitCode: code, threadId: slot.threadId, inFlight: pending !== null, reason }, 'evaluation worker stopped; starting another');
      pending?.reject(new WorkerFailed(reason));
      if (!slot.ready && (this.startFailures += 1) >= START_FAILURES_ALLOWED) {
        this.markUnavailable(`evaluation workers fail as they start: ${failure?.message ?? `exit code ${code}`}`);
        return;
      }
      this.spawn(index);
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) break;
      if (!slot || !slot.ready || slot.pending) continue;
      const pending = this.queue.shift()!;
      slot.pending = pending;
      slot.timer = setTimeout(() => {
        slot.stopped = 'timeout';
        void slot.worker.terminate();
      }, this.options.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS);
      slot.worker.postMessage({ kind: 'job', job: pending.job } satisfies MainMessage);
    }
    this.updateRefs();
  }

  /** An idle pool never keeps the process alive; jobs waiting or running do. */
  private updateRefs(): void {
    const busy = this.queue.length > 0;
    for (const slot of this.slots) {
      if (!slot) continue;
      if (busy || slot.pending) slot.worker.ref();
      else slot.worker.unref();
    }
  }

  private finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.pending = null;
    this.updateRefs();
  }

  /** No worker can start: every job, queued or to come, is answered on the main thread. */
  private markUnavailable(reason: string): void {
    if (this.unavailable !== null) return;
    this.unavailable = reason;
    this.options.logger.error({ reason }, 'evaluation workers are unavailable: answering on the main thread');
    for (const pending of this.queue.splice(0)) pending.reject(new PoolUnavailable(reason));
  }
}
