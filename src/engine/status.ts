import type {
  CommitStatus,
  EnvironmentState,
  Presence,
  RepositoryFacts,
  RepositoryStatus,
  TicketFacts,
  TicketStatus,
} from './model.js';
import { changePresence, groupChanges, type Change } from './presence.js';

/** Presences that mean "nothing of this change is left to promote". */
const SETTLED: ReadonlySet<Presence> = new Set(['reachable', 'equivalent', 'squashed', 'reverted']);

/**
 * Where a ticket is (DESIGN §4.2–4.3): its change set per repository, each change listed once with
 * its presence in every environment, and each environment's state per repository.
 */
export function computeTicketStatus(facts: TicketFacts): TicketStatus {
  return {
    ticket: facts.ticket,
    asOf: facts.asOf,
    environments: facts.environments,
    repositories: facts.repositories
      .filter((repository) => repository.ticketCommits.length > 0)
      .map((repository) => repositoryStatus(repository, facts.environments)),
  };
}

function repositoryStatus(repository: RepositoryFacts, environments: string[]): RepositoryStatus {
  const changes = groupChanges(repository.ticketCommits, repository.relatives, environments);
  const branchByEnv = new Map(repository.branches.map((branch) => [branch.environment, branch]));
  const presences = changes.map((change) => new Map(environments.map((env) => [env, changePresence(change, env)])));
  const pairs = revertPairs(changes);
  for (const [reverted, revert] of pairs) {
    for (const env of environments) {
      const original = presences[reverted]!.get(env)!;
      const undo = presences[revert]!.get(env)!;
      // Both in, or both out, the environment holds the pair's net effect: nothing.
      if ((original === 'absent') === (undo === 'absent')) {
        presences[reverted]!.set(env, 'reverted');
        presences[revert]!.set(env, 'reverted');
      }
    }
  }

  const commits: CommitStatus[] = changes.map((change, index) => {
    const canonical = change.canonical;
    const status: CommitStatus = {
      sha: canonical.sha,
      subject: canonical.subject,
      author: `${canonical.authorName} <${canonical.authorEmail}>`,
      committedAt: canonical.committedAt,
      files: canonical.files,
      presence: Object.fromEntries(environments.map((env) => [env, presences[index]!.get(env)!])),
      copies: change.members.filter((member) => member !== canonical).map((member) => member.sha),
    };
    const pair = pairs.find(([reverted, revert]) => reverted === index || revert === index);
    if (pair && pair[0] === index) status.revertedBy = changes[pair[1]]!.canonical.sha;
    if (pair && pair[1] === index) status.reverts = changes[pair[0]]!.canonical.sha;
    return status;
  });

  return {
    name: repository.name,
    environments: environments.map((env) => {
      const branch = branchByEnv.get(env);
      return {
        name: env,
        branch: branch?.branch ?? '',
        state: branch?.exists ? environmentState(commits.map((commit) => commit.presence[env]!)) : 'no-branch',
      };
    }),
    commits,
  };
}

function environmentState(presences: Presence[]): EnvironmentState {
  const settled = presences.filter((presence) => SETTLED.has(presence)).length;
  if (settled === presences.length) return 'complete';
  return settled === 0 ? 'absent' : 'partial';
}

/** [index of the reverted change, index of the change that reverts it], for pairs inside the set. */
function revertPairs(changes: Change[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  changes.forEach((change, revertIndex) => {
    for (const target of change.members.flatMap((member) => member.reverts)) {
      const revertedIndex = changes.findIndex((candidate) => candidate.members.some((member) => member.sha.startsWith(target)));
      if (revertedIndex >= 0 && revertedIndex !== revertIndex && !pairs.some(([reverted]) => reverted === revertedIndex)) {
        pairs.push([revertedIndex, revertIndex]);
      }
    }
  });
  return pairs;
}
