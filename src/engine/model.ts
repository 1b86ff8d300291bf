/** The engine's vocabulary (DESIGN §2). Plain data: no I/O, no SDK types. */

export type Presence = 'reachable' | 'equivalent' | 'squashed' | 'reverted' | 'absent';
export type EnvironmentState = 'complete' | 'partial' | 'absent' | 'no-branch';

/** A commit as the index knows it, with the environments whose branch contains it. */
export interface IndexedCommit {
  sha: string;
  parents: string[];
  generation: number;
  subject: string;
  authorName: string;
  authorEmail: string;
  committedAt: string;
  files: string[];
  patchId: string | null;
  cherryPickedFrom: string[];
  reverts: string[];
  environments: string[];
}

export interface BranchFact {
  environment: string;
  branch: string;
  exists: boolean;
}

export interface RepositoryFacts {
  name: string;
  branches: BranchFact[];
  /** Non-merge commits that name the ticket, or that a merge naming it brought in. */
  ticketCommits: IndexedCommit[];
  /**
   * Other commits of the same repository that copy or undo a ticket commit: same patch-id,
   * a cherry-pick trailer pointing at one, or a revert of one.
   */
  relatives: IndexedCommit[];
}

export interface TicketFacts {
  ticket: string;
  asOf: string | null;
  environments: string[];
  repositories: RepositoryFacts[];
}

export interface CommitStatus {
  sha: string;
  subject: string;
  author: string;
  committedAt: string;
  files: string[];
  presence: Record<string, Presence>;
  /** Cherry-picked or re-applied copies of this change, folded into it. */
  copies: string[];
  /** The commit this one reverts, or that reverts it, when the pair is in the change set. */
  revertedBy?: string;
  reverts?: string;
}

export interface RepositoryEnvironmentStatus {
  name: string;
  branch: string;
  state: EnvironmentState;
}

export interface RepositoryStatus {
  name: string;
  environments: RepositoryEnvironmentStatus[];
  commits: CommitStatus[];
}

export interface TicketStatus {
  ticket: string;
  asOf: string | null;
  environments: string[];
  repositories: RepositoryStatus[];
}
