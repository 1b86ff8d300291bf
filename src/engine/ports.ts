import type { GigError } from '../errors.js';
import type { TicketFacts } from './model.js';

/**
 * What the engine needs from the index. The store implements it; the engine never sees SQL.
 * Reads are synchronous: the index is local and answers in milliseconds.
 */
export interface IndexReader {
  /** Everything the index knows about one ticket, over the given promotion chain. */
  ticketFacts(ticket: string, environments: string[], repositories: string[]): TicketFacts;
}

/** What a sync reports as it goes, for a progress display. */
export type SyncProgress =
  | { kind: 'repository'; repository: string; index: number; total: number }
  | { kind: 'commits'; repository: string; commits: number }
  | { kind: 'done'; repository: string; result: RepositorySyncResult };

export interface RepositorySyncResult {
  repository: string;
  ok: boolean;
  newCommits: number;
  removedCommits: number;
  changedBranches: string[];
  missingBranches: string[];
  error?: GigError;
}

export interface SyncResult {
  repositories: RepositorySyncResult[];
  gitProcesses: number;
  durationMs: number;
}

/** Brings the index up to date with the sources. */
export interface Indexer {
  sync(onProgress?: (event: SyncProgress) => void): Promise<SyncResult>;
}
