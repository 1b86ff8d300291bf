import type { Actor } from '../../commands/approvals.js';
import type { ChatReply } from '../../commands/chat.js';
import type { GigConfig } from '../../config.js';
import type { SavedReleaseRecord } from '../../engine/ports.js';

/**
 * What the main thread and an evaluation worker say to each other. Everything here crosses a
 * thread boundary by structured clone, so it is plain data: no functions, no class instances.
 */

/** Given to each worker at start (workerData). */
export interface WorkerSetup {
  /** The SQLite file the main thread writes; the worker opens it read-only. */
  dbFile: string;
  /** The shared ledger's PostgreSQL URL (GIG_DATABASE_URL), when the ledger is not in the SQLite file. */
  ledgerUrl?: string | undefined;
  /** The configuration the main thread parsed: the worker answers with exactly the same one. */
  config: GigConfig;
  /**
   * Tests only: a job whose text is exactly this makes the worker die the way a bug would (an
   * exception thrown outside any handler), with the job in flight.
   */
  crashOnText?: string | undefined;
}

/** One chat command to answer. */
export interface ChatJob {
  kind: 'chat';
  id: number;
  text: string;
  actor: Actor;
  /** How commands are typed on the platform ("/gig ", "@gig "). */
  prefix: string;
  /** The main thread's clock when the command arrived: the worker answers as of that instant. */
  now: string;
}

/** The Markdown packet of a saved release (GET /packets/<release>.md, linked from shortened cards). */
export interface PacketJob {
  kind: 'packet';
  id: number;
  release: string;
  now: string;
}

export type Job = ChatJob | PacketJob;

/**
 * A write the command wanted to make. The worker's connection is read-only: writes that no later
 * read of the same command depends on (saving a release definition) come back to the main thread,
 * which applies them before it posts the answer.
 */
export type DeferredWrite = { kind: 'saveRelease'; release: SavedReleaseRecord };

export type WorkerMessage =
  /** The worker opened its connection and is ready for jobs. */
  | { kind: 'ready'; threadId: number }
  | { kind: 'answer'; id: number; reply: ChatReply; writes: DeferredWrite[]; threadId: number; ms: number }
  /** The packet's Markdown; null when there is no such release to show. */
  | { kind: 'packet'; id: number; markdown: string | null; threadId: number; ms: number }
  /**
   * The command tried to write something that cannot be deferred (nothing in the chat grammar's
   * read verbs does today): the main thread answers it itself. Nothing was written.
   */
  | { kind: 'main-thread'; id: number; reason: string };

/** Sent to a worker. */
export type MainMessage = { kind: 'job'; job: Job };
