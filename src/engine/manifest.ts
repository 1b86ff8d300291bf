import { compareText } from './changes.js';
import { databaseScripts } from './db-scripts.js';
import type { TicketEvaluation } from './evaluate.js';
import type { WordedStep } from './manual-steps.js';
import { manifestHash } from './manifest-hash.js';
import type { WordedRisk } from './risks.js';
import type { RiskRule } from './risk-rules.js';
import { worstVerdict, type Verdict } from './verdict.js';
import type { Wording } from './wording.js';

/** The release packet (DESIGN §4.7): what a release captain reviews and approves, by hash. */
export interface Manifest {
  release: string;
  from: string;
  to: string;
  /** Over ids and data only (manifest-hash.ts): rewording never changes it. */
  hash: string;
  verdict: Verdict;
  tickets: Array<{
    ticket: string;
    verdict: Verdict;
    reasons: string[];
    lastRejection: { stage: string; at: string; reason: string | null } | null;
    sinceRejection: string[];
  }>;
  suggestedTickets: Array<{ ticket: string; reason: string }>;
  repositories: ManifestRepository[];
  manualSteps: Array<WordedStep & { ticket: string }>;
  risks: Array<WordedRisk & { ticket: string }>;
  /** Changes of the release that are in neither environment yet: not ready to promote. */
  notReady: Array<{ repository: string; ticket: string; sha: string; subject: string }>;
}

export interface ManifestRepository {
  name: string;
  /**
   * `sha` is the commit to cherry-pick (the one on the source branch); `change` is the change as
   * `gig status` names it (the first copy in the chain), the same SHA when the source has the original.
   */
  commitsToPromote: Array<{ sha: string; change: string; kind: 'change' | 'revert'; ticket: string; tickets: string[]; subject: string; author: string; committedAt: string }>;
  /** A ready line: `git cherry-pick -x <sha> …` in source order. */
  cherryPick: string;
  dbScripts: string[];
}

/** Why a release needs a ticket it does not hold. */
export interface Suggestion {
  ticket: string;
  /** The release's ticket that needs it. */
  neededBy: string;
  kind: 'declared' | 'companion' | 'tracker';
  via: string | null;
  status: 'missing' | 'unknown';
  /** The release's target. */
  target: string;
}

/** `repositoryOrder` is the configuration's order, which every view follows. */
export function buildManifest(
  release: string,
  from: string,
  to: string,
  evaluations: TicketEvaluation[],
  rules: RiskRule[],
  repositoryOrder: string[],
  wording: Wording,
): Manifest {
  const manifest: Omit<Manifest, 'hash'> = {
    release,
    from,
    to,
    verdict: worstVerdict(evaluations.map((evaluation) => evaluation.verdict)),
    tickets: evaluations.map((evaluation) => ({
      ticket: evaluation.ticket,
      verdict: evaluation.verdict,
      reasons: evaluation.reasons,
      lastRejection: evaluation.lastRejection
        ? { stage: evaluation.lastRejection.stage, at: evaluation.lastRejection.at, reason: evaluation.lastRejection.reason }
        : null,
      sinceRejection: evaluation.sinceRejection,
    })),
    suggestedTickets: suggestions(evaluations, to).map((suggestion) => ({ ticket: suggestion.ticket, reason: wording.suggestion(suggestion) })),
    repositories: promotedRepositories(evaluations, rules, repositoryOrder),
    manualSteps: evaluations.flatMap((evaluation) => evaluation.manualSteps.map((step) => ({ ...step, ticket: evaluation.ticket }))),
    risks: evaluations.flatMap((evaluation) => evaluation.risks.map((risk) => ({ ...risk, ticket: evaluation.ticket }))),
    notReady: evaluations.flatMap((evaluation) =>
      evaluation.notInSource.map((commit) => ({ repository: commit.repository, ticket: evaluation.ticket, sha: commit.change, subject: commit.subject })),
    ),
  };
  return { ...manifest, hash: manifestHash(manifest) };
}

/** Per repository (in configuration order), the commits to promote in commit order, once each, and the DB scripts they carry. */
function promotedRepositories(evaluations: TicketEvaluation[], rules: RiskRule[], repositoryOrder: string[]): ManifestRepository[] {
  const byRepository = new Map<string, Map<string, ManifestRepository['commitsToPromote'][number]>>();
  for (const evaluation of evaluations) {
    for (const commit of evaluation.toPromote) {
      const commits = byRepository.get(commit.repository) ?? new Map();
      byRepository.set(commit.repository, commits);
      const known = commits.get(commit.sha);
      if (known) known.tickets.push(evaluation.ticket);
      else commits.set(commit.sha, { sha: commit.sha, change: commit.change, kind: commit.kind, ticket: evaluation.ticket, tickets: [evaluation.ticket], subject: commit.subject, author: commit.author, committedAt: commit.committedAt });
    }
  }
  const filesOf = new Map(evaluations.flatMap((evaluation) => evaluation.toPromote.map((commit) => [commit.sha, commit.files] as const)));
  const position = (name: string): number => (repositoryOrder.includes(name) ? repositoryOrder.indexOf(name) : repositoryOrder.length);
  return [...byRepository.entries()]
    .sort(([a], [b]) => position(a) - position(b))
    .map(([name, commits]) => {
      const ordered = [...commits.values()].sort((a, b) => compareText(a.committedAt, b.committedAt) || compareText(a.sha, b.sha));
      return {
        name,
        commitsToPromote: ordered,
        cherryPick: `git cherry-pick -x ${ordered.map((commit) => commit.sha).join(' ')}`,
        dbScripts: databaseScripts(
          ordered.flatMap((commit) => filesOf.get(commit.sha) ?? []),
          rules,
        ),
      };
    });
}

/** Tickets the release needs and does not hold, each once, for the first of its tickets that needs it. */
function suggestions(evaluations: TicketEvaluation[], target: string): Suggestion[] {
  const inRelease = new Set(evaluations.map((evaluation) => evaluation.ticket));
  const suggested = new Map<string, Suggestion>();
  for (const evaluation of evaluations) {
    for (const dependency of evaluation.dependencies) {
      if (dependency.direction !== 'needs' || inRelease.has(dependency.ticket) || dependency.status === 'satisfied' || suggested.has(dependency.ticket)) continue;
      suggested.set(dependency.ticket, { ticket: dependency.ticket, neededBy: evaluation.ticket, kind: dependency.kind, via: dependency.via, status: dependency.status, target });
    }
  }
  return [...suggested.values()];
}
