import type { RiskLevel } from './risk-rules.js';

/**
 * A risk signal (DESIGN §4.4): a finding with a level, naming the repository and files behind it,
 * and what it rests on. Risks are data; views word them (views/reasons.ts). Path rules find some
 * (path-risks.ts), history the others (history-risks.ts).
 */
export type Risk = {
  /** The rule's code for a path risk (configurable); the kind for a history risk. */
  code: string;
  level: RiskLevel;
  repository: string | null;
  files: string[];
} & RiskDetail;

export type RiskDetail =
  /** A path rule matched `files`; `label` is the rule's configured summary ("database change"). */
  | { kind: 'path'; label: string }
  /** Commits to promote made after the last review of the ticket. */
  | { kind: 'late-follow-up'; commits: string[]; after: Review }
  /** Changes of the ticket that a revert undid somewhere. */
  | { kind: 'revert'; reverts: Array<{ sha: string; revertedBy: string }> }
  /** More lines or files to promote than `largeChange` allows. */
  | { kind: 'large-change'; lines: number; fileCount: number }
  /** Deployment evidence says `environment` runs a SHA that lacks `commits`, which are on its branch. */
  | { kind: 'not-deployed'; environment: string; running: { sha: string; since: string }; commits: string[] };

/** The last look someone took at the ticket: a rejection, or the approval of a release holding it. */
export type Review = { kind: 'rejection'; stage: string; at: string } | { kind: 'approval'; release: string; by: string; at: string };

/** The worded form surfaces read (`summary` from views/reasons.ts, passed in through the engine's Wording). */
export type WordedRisk = Risk & { summary: string };

