import type { GigError } from '../errors.js';
import type { AddedManualStep, DependencyEdge, ManualStepState, RejectionFact, TicketFacts, TrackerFact } from './model.js';

/**
 * What the engine needs from the index. The store implements it; the engine never sees SQL.
 * Reads are synchronous: the index is local and answers in milliseconds.
 */
export interface IndexReader {
  /**
   * Everything known about one ticket over the given promotion chain: the index's facts, with the
   * ledger's records of it (read beforehand, `Ledger.records`, since the ledger may be remote).
   */
  ticketFacts(ticket: string, environments: string[], repositories: string[], records: LedgerRecords): TicketFacts;
  /** When the given repositories were all last synced (the oldest of their times); null if one never was. */
  asOf(repositories: string[]): string | null;
  /** What the tracker says of a ticket, if a tracker is connected and knows it. */
  trackerTicket(ticket: string): TrackerFact | null;
  /** Tickets of a tracker fix version. */
  ticketsInFixVersion(version: string): string[];
  sourceHealth(): SourceHealth[];
  /** The ticket's direct dependency edges, both directions. */
  dependencyEdges(ticket: string): DependencyEdge[];
  /** The full SHA of an indexed commit of a repository, from a full or abbreviated one. */
  resolveCommit(repository: string, sha: string): string | null;
  /** Where this index last saw each environment branch of these repositories, and when it synced them. */
  indexedBranches(repositories: readonly string[]): IndexedBranches[];
}

/** One repository's environment branches as an index last saw them. */
export interface IndexedBranches {
  repository: string;
  syncedAt: string | null;
  /** Environment → the branch's tip (null: the branch does not exist). */
  tips: Record<string, string | null>;
}

/** The newest tip any replica's sync saw of one environment branch, and when (Ledger.recordHeads). */
export interface BranchHead {
  repository: string;
  environment: string;
  sha: string | null;
  seenAt: string;
}

/**
 * What people record and what gig promised: rejections, deployments, manual steps, releases,
 * approvals, digest occurrences, conversation references. The truth nothing can rebuild, shared by
 * every replica (SQLite for one process, PostgreSQL for several), hence asynchronous. Append-only
 * where it matters; every claim (a digest occurrence, an approval key) is decided by the store's
 * own unique rows, so it holds across processes and machines.
 */
export interface Ledger {
  /** Which store holds the ledger, for `gig doctor` and logs. */
  readonly kind: 'sqlite' | 'postgres';
  /** Resolves once the ledger answers and holds this gig's schema (migrating it if it was behind). */
  ready(): Promise<void>;
  /**
   * What a set of tickets' facts carry from the ledger, and the newest deployment of each of these
   * environments of these repositories, in one read.
   */
  records(tickets: readonly string[], deployed: DeployedWhere): Promise<LedgerRecords>;
  /** Records a rejection; false when one with the same external id (a tracker's changelog entry) exists. */
  addRejection(rejection: NewRejection, recordedAt: string): Promise<boolean>;
  addDeployment(deployment: NewDeployment, recordedAt: string): Promise<void>;
  addManualStep(ticket: string, step: AddedManualStep): Promise<void>;
  /**
   * Tells the other replicas where this one's sync found each environment branch: a replica whose
   * index is older, and saw another tip, knows it is behind (engine/freshness.ts).
   */
  recordHeads(branches: IndexedBranches[], replica: string): Promise<void>;
  /** What a tracker said in one sync: its rejections and steps, each added once however often it is read. */
  addTrackerRecords(records: TrackerRecords, recordedAt: string): Promise<void>;
  setManualStepState(ticket: string, stepId: string, status: 'open' | 'done', by: string | null, at: string): Promise<void>;
  saveRelease(release: SavedReleaseRecord): Promise<void>;
  release(id: string): Promise<SavedReleaseRecord | null>;
  /** The ids of saved releases, most recently (re)defined first. */
  recentReleases(limit: number): Promise<string[]>;
  /** Appends a decision; false when the same decision (same key) was recorded before. */
  addApproval(approval: ApprovalRecord, idempotencyKey: string): Promise<boolean>;
  approvals(releaseId: string): Promise<ApprovalRecord[]>;
  /** Where a bot can write later without being addressed (Teams proactive messages). */
  saveConversation(platform: string, conversationId: string, reference: unknown, at: string): Promise<void>;
  conversation(platform: string, conversationId: string): Promise<unknown>;
  /** The newest occurrence of a digest the ledger holds, whatever became of it. */
  lastDigestOccurrence(digest: string): Promise<string | null>;
  /** Claims an occurrence for sending; false when another process (or an earlier run) has it. */
  claimDigest(digest: string, occurrence: string, owner: string, at: string, late: boolean): Promise<boolean>;
  /** Takes an occurrence over again (--force), whatever its state. */
  reclaimDigest(digest: string, occurrence: string, owner: string, at: string): Promise<void>;
  /**
   * Takes over an occurrence nobody is delivering any more (its holder died, or its run gave up):
   * `taken` with what it already reached, or why not (`sent`, `busy`: a live holder has it).
   */
  takeOverDigest(digest: string, occurrence: string, owner: string, at: string): Promise<{ outcome: 'taken'; delivered: string[]; late: boolean } | { outcome: 'sent' | 'busy' }>;
  /** Occurrences that were claimed and never delivered, and that nobody is delivering any more. */
  abandonedDigests(digest: string, at: string): Promise<DigestRun[]>;
  /** An occurrence that was never delivered and is now beyond its grace period. */
  markDigestMissed(digest: string, occurrence: string, at: string): Promise<void>;
  recordDigestAttempt(digest: string, occurrence: string, outcome: { delivered: string[]; error: string | null; done: boolean }, at: string): Promise<void>;
  skipDigest(digest: string, occurrence: string, at: string): Promise<void>;
  digestRuns(digest: string, limit: number): Promise<DigestRun[]>;
  /** A value gig keeps for itself, created with `create` the first time it is asked for (the first writer wins). */
  setting(key: string, create: () => string): Promise<string>;
}

/** A tracker's rejections and manual steps of some tickets, as one sync read them. */
export interface TrackerRecords {
  rejections: NewRejection[];
  steps: Array<AddedManualStep & { ticket: string }>;
}

/** What the ledger holds of one ticket that its facts carry. */
export interface TicketRecords {
  rejections: RejectionFact[];
  lastApproval: { release: string; at: string; by: string } | null;
  manualSteps: { added: AddedManualStep[]; states: Record<string, ManualStepState> };
}

/** Where deployments are asked for: these environments of these repositories. */
export interface DeployedWhere {
  repositories: readonly string[];
  environments: readonly string[];
}

/** The newest deployment of one environment of a repository. */
export interface DeploymentRecord {
  environment: string;
  sha: string;
  at: string;
  source: string;
}

/** The ledger's side of some tickets' facts, read at once (`Ledger.records`). */
export interface LedgerRecords {
  tickets: ReadonlyMap<string, TicketRecords>;
  /** Per repository, the newest deployment of each environment. */
  deployments: ReadonlyMap<string, DeploymentRecord[]>;
  /** The newest tips the replicas' syncs saw of the same repositories' environment branches. */
  heads: BranchHead[];
}

/**
 * Keys of signed requests already acted on, so a replay or a platform retry (which may reach
 * another replica) is acted on once.
 */
export interface RequestClaims {
  /** Claims every key at once; false (and nothing claimed) when any was seen within the retention window. */
  claim(keys: string[]): Promise<boolean>;
  /** Forgets keys again: the request failed before gig acted, so a retry must be allowed to act. */
  release(keys: string[]): Promise<void>;
}

export interface ApprovalRecord {
  releaseId: string;
  hash: string;
  decision: 'approve' | 'flag';
  by: string;
  at: string;
  reason: string | null;
  platform: string;
}

export interface SavedReleaseRecord {
  id: string;
  source: string;
  target: string;
  tickets: string[];
  hash: string;
  manifest: unknown;
  createdAt: string;
  updatedAt: string;
}

/** What a sync reports as it goes, for a progress display. */
export type SyncProgress =
  | { kind: 'repository'; repository: string; index: number; total: number }
  | { kind: 'commits'; repository: string; commits: number; total: number }
  | { kind: 'patches'; repository: string; done: number; total: number }
  | { kind: 'branches'; repository: string }
  | { kind: 'done'; repository: string; result: RepositorySyncResult }
  | { kind: 'publishing' }
  | { kind: 'source'; source: string };

export interface RepositorySyncResult {
  repository: string;
  ok: boolean;
  newCommits: number;
  removedCommits: number;
  changedBranches: string[];
  missingBranches: string[];
  error?: GigError;
}

/** A non-git source (tracker, GitHub) in one sync. */
export interface SourceSyncResult {
  source: string;
  ok: boolean;
  items: number;
  error?: GigError;
}

export interface SyncResult {
  repositories: RepositorySyncResult[];
  sources?: SourceSyncResult[];
  gitProcesses: number;
  durationMs: number;
}

/** How fresh each outside source is: stale when its last attempt failed. */
export interface SourceHealth {
  source: string;
  okAt: string | null;
  stale: boolean;
  error: string | null;
}

export interface DigestRun {
  digest: string;
  occurrence: string;
  status: 'claimed' | 'sent' | 'failed' | 'skipped' | 'missed';
  claimedBy: string | null;
  claimedAt: string | null;
  sentAt: string | null;
  attempts: number;
  late: boolean;
  lastError: string | null;
  delivered: string[];
}

export interface NewRejection {
  ticket: string;
  stage: string;
  at: string;
  reason: string | null;
  by: string | null;
  source: string;
  externalId?: string;
}

export interface NewDeployment {
  repository: string;
  environment: string;
  sha: string;
  at: string;
  source: string;
  recordedBy: string | null;
}

/** A watch: a ticket or release someone follows, and where gig tells them what changed (issue #15). */
export interface WatchRecord {
  id: number;
  platform: 'slack' | 'teams';
  subjectKind: 'ticket' | 'release';
  subject: string;
  destination: string;
  createdBy: string;
}

/** Watches and what gig told each, numbered: a change is claimed before it is posted, so it is told once. */
export interface Watches {
  /** Adds a watch starting from `state` (told as number 0); false when the same watch exists. */
  add(watch: Omit<WatchRecord, 'id'>, state: string, at: string): Promise<boolean>;
  remove(watch: Omit<WatchRecord, 'id' | 'createdBy'>, by: string, at: string): Promise<boolean>;
  active(): Promise<WatchRecord[]>;
  latest(watchId: number): Promise<{ seq: number; state: string; posted: boolean; claimedAt: string } | null>;
  /** Claims announcement `seq` of a watch; false when another process has claimed it. */
  claim(watchId: number, seq: number, state: string, at: string): Promise<boolean>;
  posted(watchId: number, seq: number, at: string): Promise<void>;
  release(watchId: number, seq: number): Promise<void>;
}
