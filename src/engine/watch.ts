import type { TicketEvaluation } from './evaluate.js';
import type { Manifest } from './manifest.js';
import type { EnvironmentState } from './model.js';
import type { Verdict } from './verdict.js';

/**
 * What a watch follows, reduced to what is worth telling people when it changes (issue #15): for a
 * ticket, its verdict and where each repository stands per environment, and the commits since its
 * last rejection; for a release, its verdict, its manifest and whether it is approved.
 */
export type WatchState =
  | { kind: 'ticket'; verdict: Verdict; target: string | null; environments: Record<string, Record<string, EnvironmentState>>; sinceRejection: string[] }
  | { kind: 'release'; verdict: Verdict; hash: string; approved: boolean; approvedBy: string[] };

/** One thing that changed between two states, as data (views/watch-text.ts words it). */
export type WatchChange =
  | { kind: 'verdict'; from: Verdict; to: Verdict; target: string | null }
  | { kind: 'environment'; repository: string; environment: string; from: EnvironmentState | null; to: EnvironmentState }
  | { kind: 'after-rejection'; commits: string[] }
  | { kind: 'manifest-changed'; staleApprovals: string[] }
  | { kind: 'approved'; by: string[] };

export function ticketWatchState(evaluation: TicketEvaluation): WatchState {
  return {
    kind: 'ticket',
    verdict: evaluation.verdict,
    target: evaluation.target,
    environments: Object.fromEntries(evaluation.status.repositories.map((repository) => [repository.name, Object.fromEntries(repository.environments.map((env) => [env.name, env.state]))])),
    sinceRejection: [...evaluation.sinceRejection],
  };
}

export function releaseWatchState(manifest: Manifest, approvals: { approved: boolean; approvedBy: string[] }): WatchState {
  return { kind: 'release', verdict: manifest.verdict, hash: manifest.hash, approved: approvals.approved, approvedBy: [...approvals.approvedBy].sort() };
}

/** What changed from `before` to `after`, most important first; empty when nothing worth telling did. */
export function watchChanges(before: WatchState, after: WatchState): WatchChange[] {
  const changes: WatchChange[] = [];
  if (before.verdict !== after.verdict) changes.push({ kind: 'verdict', from: before.verdict, to: after.verdict, target: after.kind === 'ticket' ? after.target : null });
  if (before.kind === 'ticket' && after.kind === 'ticket') {
    for (const [repository, environments] of Object.entries(after.environments)) {
      for (const [environment, state] of Object.entries(environments)) {
        const was = before.environments[repository]?.[environment] ?? null;
        if (was !== state) changes.push({ kind: 'environment', repository, environment, from: was, to: state });
      }
    }
    const added = after.sinceRejection.filter((sha) => !before.sinceRejection.includes(sha));
    if (added.length > 0) changes.push({ kind: 'after-rejection', commits: added });
  }
  if (before.kind === 'release' && after.kind === 'release') {
    if (before.hash !== after.hash) changes.push({ kind: 'manifest-changed', staleApprovals: before.approvedBy });
    if (!before.approved && after.approved) changes.push({ kind: 'approved', by: after.approvedBy });
  }
  return changes;
}
