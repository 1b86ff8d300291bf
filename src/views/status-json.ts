import type { TicketStatus } from '../engine/model.js';

/**
 * The `gig status --json` contract (docs/json.md). Keys are written in a fixed order so the output
 * diffs cleanly; fields are only ever added, never renamed.
 */
export function statusJson(status: TicketStatus): unknown {
  return {
    ticket: status.ticket,
    asOf: status.asOf,
    environments: status.environments,
    repositories: status.repositories.map((repository) => ({
      name: repository.name,
      environments: repository.environments.map((env) => ({ name: env.name, branch: env.branch, state: env.state })),
      commits: repository.commits.map((commit) => ({
        sha: commit.sha,
        subject: commit.subject,
        author: commit.author,
        committedAt: commit.committedAt,
        files: commit.files,
        presence: commit.presence,
        copies: commit.copies,
        ...(commit.reverts === undefined ? {} : { reverts: commit.reverts }),
        ...(commit.revertedBy === undefined ? {} : { revertedBy: commit.revertedBy }),
      })),
    })),
  };
}
