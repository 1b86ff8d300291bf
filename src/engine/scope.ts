import type { CommitStatus, RepositoryStatus } from './model.js';
import { isMissing, isPresent } from './status.js';

/**
 * The changes of one repository that a promotion to `target` would still have to carry: those the
 * target owes, and those the source has that the target lacks. Risks and manual steps are read
 * over these alone: what already arrived is no longer at stake.
 */
export function inScope(repository: RepositoryStatus, target: string | null, source: string | null = null): CommitStatus[] {
  if (target === null) return [];
  return repository.commits.filter(
    (commit) => isMissing(commit, target) || (source !== null && commit.presence[target] === 'absent' && isPresent(commit, source)),
  );
}
