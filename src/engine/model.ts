import type { IndexLag } from './freshness.js';
import type { Topology } from './topology.js';

/** The engine's vocabulary (DESIGN §2). Plain data: no I/O, no SDK types. */

export type Presence = 'reachable' | 'equivalent' | 'squashed' | 'reverted' | 'absent';
export type EnvironmentState = 'complete' | 'partial' | 'reverted' | 'absent' | 'no-branch';

/**
 * What a copy's presence rests on (docs/history.md §3–4): the same patch-id, a `(cherry picked from
 * commit …)` line, the same owning ticket and normalised subject (re-done by hand, weaker), a pull
 * request merged into the branch, or the branch holding exactly the content the commit wrote.
 */
export type Evidence = 'patch' | 'cherry-pick' | 'subject' | 'pr' | 'content';

/** What git records of every commit: its place in the graph, who wrote and committed it, and when. */
export interface CommitHeader {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  authoredAt: string;
  committerName: string;
  committerEmail: string;
  committedAt: string;
}

/** A commit as the index knows it, with the environments whose branch contains it. */
export interface IndexedCommit {
  sha: string;
  parents: string[];
  generation: number;
  subject: string;
  authorName: string;
  authorEmail: string;
  committedAt: string;
  /** The paths the commit wrote or deleted (a renamed file under its new path). */
  files: string[];
  /** Each file's blob after the commit; null when the commit deleted it (or renamed it away). */
  blobs: Record<string, string | null>;
  additions: number;
  deletions: number;
  patchId: string | null;
  cherryPickedFrom: string[];
  reverts: string[];
  /** `Manual-Step:` lines of the message. */
  manualSteps: string[];
  environments: string[];
}

/** The running state of one environment of one repository, from deployment evidence. */
export interface DeploymentFact {
  sha: string;
  at: string;
  source: string;
  /** Commits on the branch that the running SHA does not contain; null when the index cannot tell. */
  notRunning: string[] | null;
}

export interface RejectionFact {
  stage: string;
  at: string;
  reason: string | null;
  by: string | null;
  source: string;
}

export type DependencyKind = 'declared' | 'companion' | 'tracker';

export interface DependencyEdge {
  ticket: string;
  kind: DependencyKind;
  direction: 'needs' | 'needed-by';
}

export interface TrackerFact {
  summary: string;
  status: string;
  type: string | null;
  assignee: string | null;
  fixVersions: string[];
  url: string;
}

/** A ticket as a tracker reports it on sync: its facts, links, rejections and manual steps. */
export interface TrackerTicket<Step = string> extends TrackerFact {
  key: string;
  updatedAt: string;
  /** Tickets this one needs, by the configured link names ("is blocked by", "depends on"). */
  needs: Array<{ ticket: string; link: string }>;
  /** Status transitions the configuration counts as rejections. */
  rejections: Array<{ stage: string; at: string; by: string | null; reason: string; externalId: string }>;
  manualSteps: Step[];
}

export interface AddedManualStep {
  id: string;
  source?: 'chat' | 'tracker';
  summary: string;
  owner: string | null;
  createdBy: string | null;
  createdAt: string;
}

export interface ManualStepState {
  status: 'open' | 'done';
  by: string | null;
  at: string;
}

export interface BranchFact {
  environment: string;
  branch: string;
  exists: boolean;
}

/** A commit that names a ticket without owning it (docs/history.md §2): "see ABC-7", `Refs: ABC-7`. */
export interface Mention {
  repository: string;
  sha: string;
  subject: string;
  committedAt: string;
  /** The tickets that own the mentioning commit. */
  owners: string[];
}

export interface RepositoryFacts {
  name: string;
  branches: BranchFact[];
  /** Non-merge commits the ticket owns (subject, trailers, merged branch, pull request title). */
  ticketCommits: IndexedCommit[];
  /** For each environment, the blob of every path the ticket's commits touch (absent: not in the tree). */
  trees: Record<string, Record<string, string>>;
  deployments: Record<string, DeploymentFact>;
  /** Merged pull requests holding ticket commits, and where their merge (or squash) commit is. */
  pullRequests?: Array<{ number: number; mergeCommit: string; commits: string[]; environments: string[] }>;
  /**
   * Other commits of the same repository that copy or undo a ticket commit: same patch-id,
   * a cherry-pick trailer pointing at one, or a revert of one.
   */
  relatives: IndexedCommit[];
}

export interface TicketFacts {
  ticket: string;
  asOf: string | null;
  /** When another replica's sync has seen branches move since this index synced them (engine/freshness.ts). */
  behind?: IndexLag | null;
  environments: string[];
  /** How the environments feed each other; the plain chain when absent. */
  topology?: Topology;
  repositories: RepositoryFacts[];
  /** Commits that mention the ticket without owning it, newest first (a few). */
  mentions?: Mention[];
  rejections: RejectionFact[];
  dependencies: DependencyEdge[];
  manualSteps: { added: AddedManualStep[]; states: Record<string, ManualStepState> };
  tracker?: TrackerFact | null;
  /** The newest approval of a release holding this ticket: commits after it were not reviewed. */
  lastApproval?: { release: string; at: string; by: string } | null;
  /** Outside sources whose last attempt failed: the answer rests on older data from them. */
  staleSources?: StaleSource[];
}

/** An outside source whose last attempt failed: when it last answered (null: never), and why it failed. */
export interface StaleSource {
  source: string;
  okAt: string | null;
  error: string | null;
}

export type DeploymentState = 'deployed' | 'not-deployed' | 'unknown';

export interface CommitStatus {
  sha: string;
  subject: string;
  author: string;
  committedAt: string;
  files: string[];
  additions: number;
  deletions: number;
  presence: Record<string, Presence>;
  /** For `equivalent` and `squashed` presences, what they rest on. */
  evidence: Record<string, Evidence>;
  /**
   * Per environment, whether the change counts there (docs/history.md §5): true where it is, or
   * where the nearest ancestor holding it has it; false where nothing is owed (a branch-local change
   * elsewhere, a change reverted upstream).
   */
  expected: Record<string, boolean>;
  /** Per environment, the SHA that carries the change there (the commit, a copy, or the revert that undid it). */
  locations: Record<string, string>;
  deployment: Record<string, DeploymentState>;
  /** Cherry-picked or re-applied copies of this change, folded into it. */
  copies: string[];
  /** How each copy is known to be this change. */
  copyEvidence: Record<string, Evidence>;
  /** The environments where the change was made locally, none of whose ancestors has it (empty when it came from a root). */
  branchLocal: string[];
  manualSteps: string[];
  /** The first commit that undid this change, when one did (where, `locations` tells). */
  revertedBy?: string;
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
  deployments: Record<string, DeploymentFact>;
}

export interface TicketStatus {
  ticket: string;
  asOf: string | null;
  behind: IndexLag | null;
  environments: string[];
  topology: Topology;
  repositories: RepositoryStatus[];
  mentions: Mention[];
}
