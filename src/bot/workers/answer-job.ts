import { threadId } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { prepareChat, type ChatReply } from '../../commands/chat.js';
import { releasePacket } from '../../commands/release.js';
import type { CommandContext } from '../../commands/context.js';
import { configuredSources, type GigConfig } from '../../config.js';
import type { ApprovalRecord, DeployedWhere, DigestRun, Ledger, LedgerRecords, SavedReleaseRecord, SyncResult } from '../../engine/ports.js';
import { toGigError } from '../../errors.js';
import { IndexReadStore } from '../../store/index-reader.js';
import { openLedgerStores } from '../../store/ledger-stores.js';
import { TrackerStore } from '../../store/tracker-store.js';
import { errorCard } from '../../views/cards/simple-cards.js';
import type { ChatJob, DeferredWrite, PacketJob, WorkerMessage } from './protocol.js';

/**
 * What an evaluation worker runs: the same command layer as the main thread (commands/chat.ts),
 * over its own read-only connection to the same SQLite file. WAL lets any number of readers run
 * beside the main thread's writer; each job reads one snapshot (one read transaction), so a sync
 * published meanwhile is seen entirely or not at all, as on the main thread.
 */
export interface ReadOnlyStore {
  readonly config: GigConfig;
  answer(job: ChatJob): Promise<WorkerMessage>;
  packet(job: PacketJob): Promise<WorkerMessage>;
  close(): void;
}

/** Thrown where a command tries to write; the job is then answered on the main thread instead. */
class WriteRefused extends Error {
  constructor(readonly what: string) {
    super(`an evaluation worker may not write (${what})`);
  }
}

export function openReadOnlyStore(dbFile: string, config: GigConfig, ledgerUrl?: string): ReadOnlyStore {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  // A reader can meet SQLITE_BUSY for a moment (WAL recovery, a checkpoint restarting the log).
  db.pragma('busy_timeout = 5000');
  let refused: string | null = null;
  const refuse = (what: string): never => {
    refused ??= what;
    throw new WriteRefused(what);
  };
  // Belt and braces: the connection cannot write anyway, but a statement that would is caught as
  // it is prepared, so the job goes to the main thread rather than answering with an error.
  const prepare = db.prepare.bind(db);
  db.prepare = ((source: string) => {
    const statement = prepare(source);
    if (!statement.readonly) refuse(`a statement that writes: ${source.trim().split(/\s+/).slice(0, 3).join(' ')}`);
    return statement;
  }) as typeof db.prepare;
  // The shared ledger, when there is one, over a small pool of this worker's own (reads only).
  const ledger = openLedgerStores(db, ledgerUrl, { migrate: false, max: 2 });
  const reads = ledger.ledger;
  const index = new IndexReadStore(db, { ownedBy: config.tickets.ownedBy, trackers: new TrackerStore(db), configured: configuredSources(config) });

  const contextAt = (now: string, writes: DeferredWrite[]): CommandContext => ({
    config,
    index,
    ledger: new WorkerLedger(reads, writes, refuse),
    now: () => new Date(now),
    sync: async (): Promise<SyncResult> => refuse('sync'),
  });
  /** Runs `work` on one snapshot of the database (a read transaction). */
  const snapshot = async <T>(work: () => T | Promise<T>): Promise<T> => {
    db.exec('BEGIN');
    try {
      return await work();
    } finally {
      db.exec('ROLLBACK');
    }
  };

  return {
    config,
    async answer(job) {
      const started = performance.now();
      refused = null;
      const writes: DeferredWrite[] = [];
      const context = contextAt(job.now, writes);
      let reply: ChatReply;
      try {
        reply = await snapshot(() => prepareChat(context, job.text, job.actor, { prefix: job.prefix }).answer());
      } catch (error) {
        // Opening the snapshot failed (a locked or damaged file): the same card the main thread gives.
        reply = { visibility: 'private', card: errorCard(toGigError(error), job.prefix) };
      }
      if (refused !== null) return { kind: 'main-thread', id: job.id, reason: refused };
      return { kind: 'answer', id: job.id, reply, writes, threadId, ms: performance.now() - started };
    },
    async packet(job) {
      const started = performance.now();
      refused = null;
      const context = contextAt(job.now, []);
      let markdown: string | null;
      try {
        markdown = await snapshot(() => releasePacket(context, job.release));
      } catch {
        // Opening the snapshot failed: as on the main thread, whatever stops the packet, there is none to show.
        markdown = null;
      }
      if (refused !== null) return { kind: 'main-thread', id: job.id, reason: refused };
      return { kind: 'packet', id: job.id, markdown, threadId, ms: performance.now() - started };
    },
    close: () => {
      db.close();
      ledger.close();
    },
  };
}

/**
 * The ledger as an evaluation worker sees it: reads from its own connection; a release definition
 * is handed back to the main thread to save (nothing in the same command reads it back); any
 * other write sends the whole command to the main thread.
 */
class WorkerLedger implements Ledger {
  readonly kind: Ledger['kind'];

  constructor(
    private readonly reads: Ledger,
    private readonly writes: DeferredWrite[],
    private readonly refuse: (what: string) => never,
  ) {
    this.kind = reads.kind;
  }

  async saveRelease(release: SavedReleaseRecord): Promise<void> {
    this.writes.push({ kind: 'saveRelease', release });
  }

  ready(): Promise<void> {
    return this.reads.ready();
  }

  records(tickets: readonly string[], deployed: DeployedWhere): Promise<LedgerRecords> {
    return this.reads.records(tickets, deployed);
  }

  recentReleases(limit: number): Promise<string[]> {
    return this.reads.recentReleases(limit);
  }

  release(id: string): Promise<SavedReleaseRecord | null> {
    return this.reads.release(id);
  }

  approvals(releaseId: string): Promise<ApprovalRecord[]> {
    return this.reads.approvals(releaseId);
  }

  conversation(platform: string, conversationId: string): Promise<unknown> {
    return this.reads.conversation(platform, conversationId);
  }

  lastDigestOccurrence(digest: string): Promise<string | null> {
    return this.reads.lastDigestOccurrence(digest);
  }

  abandonedDigests(digest: string, at: string): Promise<DigestRun[]> {
    return this.reads.abandonedDigests(digest, at);
  }

  digestRuns(digest: string, limit: number): Promise<DigestRun[]> {
    return this.reads.digestRuns(digest, limit);
  }

  // Every write below refuses: the command is answered on the main thread instead.
  addRejection = (): never => this.refuse('addRejection');
  addDeployment = (): never => this.refuse('addDeployment');
  addManualStep = (): never => this.refuse('addManualStep');
  addTrackerRecords = (): never => this.refuse('addTrackerRecords');
  recordHeads = (): never => this.refuse('recordHeads');
  setManualStepState = (): never => this.refuse('setManualStepState');
  addApproval = (): never => this.refuse('addApproval');
  saveConversation = (): never => this.refuse('saveConversation');
  claimDigest = (): never => this.refuse('claimDigest');
  reclaimDigest = (): never => this.refuse('reclaimDigest');
  takeOverDigest = (): never => this.refuse('takeOverDigest');
  markDigestMissed = (): never => this.refuse('markDigestMissed');
  recordDigestAttempt = (): never => this.refuse('recordDigestAttempt');
  skipDigest = (): never => this.refuse('skipDigest');
  setting = (): never => this.refuse('setting');
}
