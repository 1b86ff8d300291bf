import type { TicketStatus } from './model.js';
import { isMissing, isPresent } from './status.js';

/** One change a promotion must carry: the SHA to cherry-pick is the copy in the source environment. */
export interface PromotionCommit {
  repository: string;
  ticket: string;
  sha: string;
  /** The change's SHA as `status` lists it (the copy that stands first in the chain). */
  change: string;
  /** `revert` when what must travel is the revert that undid the change in the source. */
  kind: 'change' | 'revert';
  /** The environments that hold the change (for what is not in the source yet). */
  presentIn: string[];
  subject: string;
  author: string;
  committedAt: string;
  files: string[];
}

/**
 * What a promotion from `source` to `target` carries: each change the target lacks that the source
 * has (the source's copy is what to cherry-pick), and each revert the source made of a change the
 * target still holds. Changes the target owes that the source does not have yet are `notInSource`.
 */
export function promotion(status: TicketStatus, source: string | null, target: string | null): { toPromote: PromotionCommit[]; notInSource: PromotionCommit[] } {
  const toPromote: PromotionCommit[] = [];
  const notInSource: PromotionCommit[] = [];
  if (target === null) return { toPromote, notInSource };
  for (const repository of status.repositories) {
    for (const commit of repository.commits) {
      const entry = (sha: string, kind: PromotionCommit['kind']): PromotionCommit => ({
        repository: repository.name,
        ticket: status.ticket,
        sha,
        change: commit.sha,
        kind,
        presentIn: status.environments.filter((env) => isPresent(commit, env)),
        subject: commit.subject,
        author: commit.author,
        committedAt: commit.committedAt,
        files: commit.files,
      });
      const lacking = commit.presence[target] === 'absent';
      if (source !== null && lacking && isPresent(commit, source)) toPromote.push(entry(commit.locations[source] ?? commit.sha, 'change'));
      else if (source !== null && commit.presence[source] === 'reverted' && isPresent(commit, target) && commit.locations[source]) {
        toPromote.push(entry(commit.locations[source]!, 'revert'));
      } else if (isMissing(commit, target)) notInSource.push(entry(commit.sha, 'change'));
    }
  }
  return { toPromote, notInSource };
}
