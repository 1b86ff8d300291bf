import type { RejectionFact, RepositoryStatus } from './model.js';
import type { Review, Risk } from './risks.js';
import { inScope } from './scope.js';
import { isPresent } from './status.js';

export interface HistoryContext {
  repositories: RepositoryStatus[];
  source: string | null;
  target: string | null;
  lastRejection: RejectionFact | null;
  lastApproval: { release: string; at: string; by: string } | null;
  largeChange: { lines: number; files: number };
}

/** Risks read from history: late follow-ups, reverts, large changes, merged but not deployed. */
export function historyRisks(context: HistoryContext): Risk[] {
  const risks: Risk[] = [];
  const { repositories, target, source } = context;
  const review = lastReview(context);
  const filesOf = (commits: Array<{ files: string[] }>): string[] => [...new Set(commits.flatMap((commit) => commit.files))].sort();
  for (const repository of repositories) {
    const scope = inScope(repository, target, source);
    const late = review ? scope.filter((commit) => commit.committedAt > review.at) : [];
    if (review && late.length > 0) {
      risks.push({ kind: 'late-follow-up', code: 'late-follow-up', level: 'warning', repository: repository.name, files: filesOf(late), commits: late.map((commit) => commit.sha), after: review });
    }
    const reverted = repository.commits.filter((commit) => commit.revertedBy !== undefined);
    if (reverted.length > 0) {
      // Reverted work that the promotion does not carry (reverted, or owed nowhere) is worth knowing, no risk.
      const live = target !== null && reverted.some((commit) => isPresent(commit, target) || scope.includes(commit));
      risks.push({
        kind: 'revert',
        code: 'revert',
        level: live ? 'warning' : 'info',
        repository: repository.name,
        files: filesOf(reverted),
        reverts: reverted.map((commit) => ({ sha: commit.sha, revertedBy: commit.revertedBy! })),
      });
    }
    const lines = scope.reduce((sum, commit) => sum + commit.additions + commit.deletions, 0);
    const fileCount = new Set(scope.flatMap((commit) => commit.files)).size;
    if (lines > context.largeChange.lines || fileCount > context.largeChange.files) {
      risks.push({ kind: 'large-change', code: 'large-change', level: 'warning', repository: repository.name, files: [], lines, fileCount });
    }
    for (const env of [source, target].filter((candidate): candidate is string => candidate !== null)) {
      const evidence = repository.deployments[env];
      const waiting = repository.commits.filter((commit) => commit.presence[env] !== 'absent' && commit.deployment[env] === 'not-deployed');
      if (evidence && waiting.length > 0) {
        risks.push({
          kind: 'not-deployed',
          code: 'not-deployed',
          level: 'warning',
          repository: repository.name,
          files: [],
          environment: env,
          running: { sha: evidence.sha, since: evidence.at },
          commits: waiting.map((commit) => commit.sha),
        });
      }
    }
  }
  return risks;
}

/** The newer of the last rejection and the last approval: what came after it was not reviewed. */
function lastReview(context: HistoryContext): Review | null {
  const rejectionAt = context.lastRejection?.at ?? '';
  const approval = context.lastApproval;
  if (approval && approval.at > rejectionAt) return { kind: 'approval', release: approval.release, by: approval.by, at: approval.at };
  if (context.lastRejection) return { kind: 'rejection', stage: context.lastRejection.stage, at: context.lastRejection.at };
  return null;
}
