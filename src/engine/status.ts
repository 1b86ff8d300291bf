import { groupChanges, type Change } from './changes.js';
import type {
  CommitStatus,
  DeploymentState,
  EnvironmentState,
  Evidence,
  IndexedCommit,
  Presence,
  RepositoryFacts,
  RepositoryStatus,
  TicketFacts,
  TicketStatus,
} from './model.js';
import { ancestorsOf, chainTopology, isRoot, type Topology } from './topology.js';

/** Presences that mean the change's effect is on the branch. */
export const PRESENT: ReadonlySet<Presence> = new Set(['reachable', 'equivalent', 'squashed']);

export const isPresent = (commit: CommitStatus, env: string): boolean => PRESENT.has(commit.presence[env]!);

/** Missing: the environment should hold the change and does not (docs/history.md §5). */
export const isMissing = (commit: CommitStatus, env: string): boolean => commit.presence[env] === 'absent' && commit.expected[env] === true;

/**
 * Where a ticket is (docs/history.md §3–6): its change set per repository, each change listed once
 * with its presence, evidence and deployment in every environment, and each environment's state.
 */
export function computeTicketStatus(facts: TicketFacts): TicketStatus {
  const topology = facts.topology ?? chainTopology(facts.environments);
  return {
    ticket: facts.ticket,
    asOf: facts.asOf,
    behind: facts.behind ?? null,
    environments: facts.environments,
    topology,
    repositories: facts.repositories
      .filter((repository) => repository.ticketCommits.length > 0)
      .map((repository) => repositoryStatus(repository, topology)),
    mentions: facts.mentions ?? [],
  };
}

interface Placement {
  presence: Presence;
  evidence: Evidence | null;
  location: string | null;
}

function repositoryStatus(repository: RepositoryFacts, topology: Topology): RepositoryStatus {
  const environments = topology.order;
  const exists = new Set(repository.branches.filter((branch) => branch.exists).map((branch) => branch.environment));
  const changes = groupChanges(repository.ticketCommits, repository.relatives, topology);
  // Per environment, the files written by older changes that are not there: content proves nothing about them.
  const missingPaths = new Map(environments.map((env) => [env, new Set<string>()]));

  const commits: CommitStatus[] = changes.map((change) => {
    const placements = new Map(environments.map((env) => [env, place(change, env, repository, exists.has(env), missingPaths.get(env)!)]));
    for (const env of environments) {
      if (placements.get(env)!.presence !== 'absent') continue;
      for (const member of change.members) if (member.sign === 1) for (const path of Object.keys(member.commit.blobs)) missingPaths.get(env)!.add(path);
    }
    const holds = (env: string): boolean => placements.get(env)!.presence !== 'absent';
    const expected = Object.fromEntries(
      environments.map((env) => {
        if (holds(env)) return [env, true];
        const decider = ancestorsOf(topology, env).find(holds);
        return [env, decider !== undefined && PRESENT.has(placements.get(decider)!.presence)];
      }),
    );
    // Where the change first appears with nothing of it upstream: a root, or a branch of its own.
    const origins = environments.filter((env) => holds(env) && !ancestorsOf(topology, env).some(holds));
    const canonical = change.canonical;
    const presence = Object.fromEntries(environments.map((env) => [env, placements.get(env)!.presence]));
    const locations = Object.fromEntries(environments.flatMap((env) => (placements.get(env)!.location ? [[env, placements.get(env)!.location!]] : [])));
    const copies = change.members.filter((member) => member.commit !== canonical && member.sign === 1);
    const reverts = change.members.filter((member) => member.sign === -1);
    const status: CommitStatus = {
      sha: canonical.sha,
      subject: canonical.subject,
      author: `${canonical.authorName} <${canonical.authorEmail}>`,
      committedAt: canonical.committedAt,
      files: canonical.files,
      additions: canonical.additions,
      deletions: canonical.deletions,
      presence,
      evidence: Object.fromEntries(environments.flatMap((env) => (placements.get(env)!.evidence ? [[env, placements.get(env)!.evidence!]] : []))),
      expected,
      locations,
      deployment: Object.fromEntries(environments.map((env) => [env, deploymentState(repository, env, presence[env]!, locations[env])])),
      copies: copies.map((member) => member.commit.sha),
      copyEvidence: Object.fromEntries(copies.map((member) => [member.commit.sha, member.evidence ?? 'patch'])),
      branchLocal: origins.some((env) => isRoot(topology, env)) ? [] : origins,
      manualSteps: canonical.manualSteps,
    };
    if (reverts.length > 0) status.revertedBy = reverts[0]!.commit.sha;
    return status;
  });

  return {
    name: repository.name,
    environments: environments.map((env) => {
      const branch = repository.branches.find((candidate) => candidate.environment === env);
      return { name: env, branch: branch?.branch ?? '', state: branch?.exists ? environmentState(commits, env) : 'no-branch' };
    }),
    commits,
    deployments: repository.deployments,
  };
}

/**
 * DESIGN §4.2: the newest member on the branch decides between present and reverted; with none
 * there, the change may still have arrived squashed.
 */
function place(change: Change, env: string, repository: RepositoryFacts, branchExists: boolean, missingPaths: ReadonlySet<string>): Placement {
  if (!branchExists) return { presence: 'absent', evidence: null, location: null };
  const here = change.members.filter((member) => member.commit.environments.includes(env));
  const newest = here.at(-1);
  if (newest !== undefined) {
    if (newest.sign === -1) return { presence: 'reverted', evidence: null, location: newest.commit.sha };
    const canonicalHere = here.some((member) => member.commit === change.canonical);
    const copy = [...here].reverse().find((member) => member.sign === 1 && member.commit !== change.canonical);
    if (canonicalHere || copy === undefined) return { presence: 'reachable', evidence: null, location: change.canonical.sha };
    return { presence: 'equivalent', evidence: copy.evidence, location: copy.commit.sha };
  }
  const squashed = squashedEvidence(change, env, repository, missingPaths);
  return squashed ? { presence: 'squashed', evidence: squashed, location: null } : { presence: 'absent', evidence: null, location: null };
}

/**
 * A change none of whose commits is on the branch still arrived when a pull request holding one of
 * them was merged there, or when the branch holds exactly what one of its commits wrote: every file
 * it wrote has that content and the files it deleted are gone. The commit's own change decides,
 * never the ticket's later content; a change that only deletes proves nothing, and neither does one
 * touching a file an older change of the ticket wrote and the branch lacks (a follow-up that puts
 * the old content back matches every branch that never had the fix).
 */
function squashedEvidence(change: Change, env: string, repository: RepositoryFacts, missingPaths: ReadonlySet<string>): Evidence | null {
  const applications = change.members.filter((member) => member.sign === 1);
  const viaPullRequest = (repository.pullRequests ?? []).some(
    (pull) => pull.environments.includes(env) && applications.some((member) => pull.commits.includes(member.commit.sha)),
  );
  if (viaPullRequest) return 'pr';
  const tree = repository.trees[env] ?? {};
  const wroteIt = (commit: IndexedCommit): boolean => {
    const blobs = Object.entries(commit.blobs);
    if (blobs.some(([path]) => missingPaths.has(path))) return false;
    return blobs.some(([, blob]) => blob !== null) && blobs.every(([path, blob]) => (tree[path] ?? null) === blob);
  };
  return applications.some((member) => wroteIt(member.commit)) ? 'content' : null;
}

function deploymentState(repository: RepositoryFacts, env: string, presence: Presence, location: string | undefined): DeploymentState {
  const evidence = repository.deployments[env];
  if (!evidence || evidence.notRunning === null) return 'unknown';
  if (presence === 'absent') return 'not-deployed';
  if (location === undefined) return 'unknown';
  return evidence.notRunning.includes(location) ? 'not-deployed' : 'deployed';
}

/** docs/history.md §6. */
export function environmentState(commits: CommitStatus[], env: string): EnvironmentState {
  const present = commits.filter((commit) => isPresent(commit, env)).length;
  const missing = commits.filter((commit) => isMissing(commit, env)).length;
  const reverted = commits.filter((commit) => commit.presence[env] === 'reverted').length;
  if (present === 0) return missing === 0 && reverted > 0 ? 'reverted' : 'absent';
  return missing === 0 ? 'complete' : 'partial';
}

/** Nothing of the ticket is owed to this environment of this repository: complete, reverted, not needed, or no branch. */
export function isReached(repository: RepositoryStatus, env: string): boolean {
  const state = repository.environments.find((candidate) => candidate.name === env)?.state;
  return state === 'no-branch' || !repository.commits.some((commit) => isMissing(commit, env));
}
