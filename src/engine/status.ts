import type {
  CommitStatus,
  DeploymentState,
  EnvironmentState,
  Presence,
  RepositoryFacts,
  RepositoryStatus,
  TicketFacts,
  TicketStatus,
} from './model.js';
import { changePresence, groupChanges, type Change } from './presence.js';

/** Presences that mean "nothing of this change is left to promote". */
export const SETTLED: ReadonlySet<Presence> = new Set(['reachable', 'equivalent', 'squashed', 'reverted']);

/**
 * Where a ticket is (DESIGN §4.2–4.3): its change set per repository, each change listed once with
 * its presence and deployment in every environment, and each environment's state per repository.
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
  const paired = new Set(pairs.flat());
  markSquashed(changes, presences, repository, environments, paired);

  const commits: CommitStatus[] = changes.map((change, index) => {
    const canonical = change.canonical;
    const presence = Object.fromEntries(environments.map((env) => [env, presences[index]!.get(env)!]));
    const locations = locate(change, environments, presence);
    const status: CommitStatus = {
      sha: canonical.sha,
      subject: canonical.subject,
      author: `${canonical.authorName} <${canonical.authorEmail}>`,
      committedAt: canonical.committedAt,
      files: canonical.files,
      additions: canonical.additions,
      deletions: canonical.deletions,
      presence,
      locations,
      deployment: Object.fromEntries(environments.map((env) => [env, deploymentState(repository, env, presence[env]!, locations[env])])),
      copies: change.members.filter((member) => member !== canonical).map((member) => member.sha),
      manualSteps: canonical.manualSteps,
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
    deployments: repository.deployments,
  };
}

/**
 * DESIGN §4.2 step 3: a change whose commits never reached an environment may still have arrived
 * there, squashed into one commit or re-done by hand. It counts as `squashed` when a pull request
 * holding it was merged (or squash-merged) into that branch, or when every file it touches holds,
 * on that branch, exactly the content the ticket last gave it.
 */
function markSquashed(
  changes: Change[],
  presences: Array<Map<string, Presence>>,
  repository: RepositoryFacts,
  environments: string[],
  paired: Set<number>,
): void {
  const finalBlob = new Map<string, string | null>();
  for (const change of changes) {
    for (const [path, blob] of Object.entries(change.canonical.blobs)) finalBlob.set(path, blob);
  }
  const exists = new Set(repository.branches.filter((branch) => branch.exists).map((branch) => branch.environment));
  changes.forEach((change, index) => {
    const files = change.canonical.files;
    if (files.length === 0 || paired.has(index)) return;
    for (const env of environments) {
      if (!exists.has(env) || presences[index]!.get(env) !== 'absent') continue;
      const tree = repository.trees[env] ?? {};
      const viaPullRequest = (repository.pullRequests ?? []).some(
        (pull) => pull.environments.includes(env) && change.members.some((member) => pull.commits.includes(member.sha)),
      );
      if (viaPullRequest || files.every((path) => (tree[path] ?? null) === (finalBlob.get(path) ?? null))) presences[index]!.set(env, 'squashed');
    }
  });
}

function locate(change: Change, environments: string[], presence: Record<string, Presence>): Record<string, string> {
  const locations: Record<string, string> = {};
  for (const env of environments) {
    if (presence[env] === 'reachable') locations[env] = change.canonical.sha;
    else if (presence[env] === 'equivalent') {
      const copy = change.members.find((member) => member !== change.canonical && member.environments.includes(env));
      if (copy) locations[env] = copy.sha;
    }
  }
  return locations;
}

function deploymentState(repository: RepositoryFacts, env: string, presence: Presence, location: string | undefined): DeploymentState {
  const evidence = repository.deployments[env];
  if (!evidence || evidence.notRunning === null) return 'unknown';
  if (presence === 'absent') return 'not-deployed';
  if (location === undefined) return 'unknown';
  return evidence.notRunning.includes(location) ? 'not-deployed' : 'deployed';
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
