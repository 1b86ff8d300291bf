/**
 * What `gig init` proposes after looking at the repositories it found (issue #14): the promotion
 * chain from the branch names teams use, the release lines, and the ticket keys the team actually
 * writes. Pure: the CLI finds the repositories and reads their branches and recent subjects.
 */

export interface LookedAtRepository {
  name: string;
  /** The repository's folder relative to the configuration file ("." when they are the same). */
  path: string;
  branches: readonly string[];
  /** The branch HEAD names, when it names one: the chain's only stage when no usual name is found. */
  head?: string | null;
  recentSubjects: readonly string[];
}

export interface ProposedEnvironment {
  name: string;
  branch: string;
  from?: string;
  backflow?: 'ignore';
}

export interface ProposedRepository {
  name: string;
  path: string;
  /** Environment → branch where this repository names the branch differently from the rest. */
  branches: Record<string, string>;
  /** Environments whose branch this repository does not have. */
  lacking: string[];
}

export interface InitProposal {
  /** Ticket prefixes, most used first; empty when the history names none (then any ABC-123 is accepted). */
  projects: string[];
  /** How many commits of the recent history name each proposed prefix. */
  projectCounts: Record<string, number>;
  environments: ProposedEnvironment[];
  /** Release lines seen but not proposed (older ones), newest first. */
  otherReleaseLines: string[];
  repositories: ProposedRepository[];
  /** The most recently mentioned ticket of a proposed project: what to try `gig status` on. */
  exampleTicket: string | null;
}

export interface InitOverrides {
  projects?: string[];
  /** Explicit chain, in order: replaces the proposed environments. */
  environments?: Array<{ name: string; branch: string }>;
}

/** The promotion stages, in order, and the branch names teams give each (most usual first). */
const STAGES: ReadonlyArray<{ name: string; branches: readonly string[] }> = [
  { name: 'dev', branches: ['develop', 'development', 'dev'] },
  { name: 'qa', branches: ['test', 'testing', 'qa'] },
  { name: 'uat', branches: ['uat', 'staging', 'stage', 'acceptance', 'preprod'] },
  { name: 'prod', branches: ['main', 'master', 'production', 'prod', 'trunk'] },
];

/** How many release lines become environments; older ones are listed in a comment. */
const RELEASE_LINES_PROPOSED = 3;

/**
 * Names a release line: `release/5.2`, `release-5.2`, `branch-2.3`, `5.2`, `5.2.x`, `4.x`,
 * `4.1.x-fixes`, `v5.2`, `5.2-branch`. The captured version becomes the environment's name.
 */
const RELEASE_LINE = /^(?:releases?[/-]|branch-|v)?(\d+(?:\.\d+)*)(?:\.x)?(?:-fixes|-branch|-stable)?$/;

/** Upper-case words followed by a number that are not ticket keys. */
const NOT_TICKET_KEYS = new Set([
  'UTF', 'SHA', 'CVE', 'ISO', 'RFC', 'GHSA', 'HTTP', 'TLS', 'SSL', 'MD', 'AES', 'RSA', 'JSR', 'JEP', 'PEP',
  'X', 'ES', 'ECMA', 'IEEE', 'CWE', 'WIP', 'V', 'JDK', 'JAVA', 'PR', 'GH', 'HTTP2', 'LOG4J', 'ARM64',
]);
const TICKET_MENTION = /\b([A-Z][A-Z0-9]{1,9})-(\d{1,7})\b/g;
/** A prefix is proposed when it names at least this share of the top prefix's commits (and 2 commits). */
const PROJECT_SHARE = 0.1;
const MAX_PROJECTS = 5;

export function proposeConfig(repositories: readonly LookedAtRepository[], overrides: InitOverrides = {}): InitProposal {
  const ticketKeys = countTicketKeys(repositories);
  const projects = overrides.projects ?? ticketKeys.projects;
  const chain = overrides.environments ? overrides.environments.map((env) => ({ ...env, candidates: [env.branch] })) : proposeChain(repositories);
  // A mainline with release lines and no promotion chain (a library, an Apache project) reads best
  // under its own branch name: `from: main`, not `from: prod`.
  const mainline = chain.length === 1 && !overrides.environments ? chain[0]! : null;
  if (mainline && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(mainline.branch) && repositories.some((repo) => repo.branches.some((branch) => RELEASE_LINE.test(branch)))) {
    mainline.name = mainline.branch;
  }
  const releaseLines = overrides.environments ? { proposed: [], others: [] } : proposeReleaseLines(repositories, chain);
  const environments: ProposedEnvironment[] = [
    ...chain.map(({ name, branch }) => ({ name, branch })),
    ...releaseLines.proposed,
  ];
  return {
    projects,
    projectCounts: Object.fromEntries(projects.map((project) => [project, ticketKeys.counts.get(project) ?? 0])),
    environments,
    otherReleaseLines: releaseLines.others,
    repositories: repositories.map((repo) => placeRepository(repo, chain, releaseLines.proposed)),
    exampleTicket: latestTicket(repositories, projects),
  };
}

interface ChainStage {
  name: string;
  branch: string;
  /** The branch names that count as this stage in a repository that does not use `branch`. */
  candidates: readonly string[];
}

/** Each stage whose branch some repository has, named by the branch most repositories use. */
function proposeChain(repositories: readonly LookedAtRepository[]): ChainStage[] {
  const chain: ChainStage[] = [];
  for (const stage of STAGES) {
    const uses = new Map<string, number>();
    for (const repo of repositories) {
      const branch = stage.branches.find((candidate) => repo.branches.includes(candidate));
      if (branch) uses.set(branch, (uses.get(branch) ?? 0) + 1);
    }
    const best = [...uses].sort((a, b) => b[1] - a[1] || stage.branches.indexOf(a[0]) - stage.branches.indexOf(b[0]))[0];
    if (best) chain.push({ name: stage.name, branch: best[0], candidates: stage.branches });
  }
  const head = repositories.find((repo) => repo.head)?.head;
  if (chain.length === 0 && head) chain.push({ name: 'prod', branch: head, candidates: [head] });
  return chain;
}

/** The newest release lines, fed from the last stage of the chain (the mainline). */
function proposeReleaseLines(
  repositories: readonly LookedAtRepository[],
  chain: readonly ChainStage[],
): { proposed: ProposedEnvironment[]; others: string[] } {
  const mainline = chain.at(-1);
  const byVersion = new Map<string, Map<string, number>>();
  for (const repo of repositories) {
    for (const branch of repo.branches) {
      const version = RELEASE_LINE.exec(branch)?.[1];
      if (!version || chain.some((stage) => stage.name === version)) continue;
      const branches = byVersion.get(version) ?? new Map<string, number>();
      branches.set(branch, (branches.get(branch) ?? 0) + 1);
      byVersion.set(version, branches);
    }
  }
  const versions = [...byVersion.keys()].sort(newestVersionFirst);
  const proposed = versions.slice(0, RELEASE_LINES_PROPOSED).map((version) => {
    const branch = [...byVersion.get(version)!].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
    // A release line takes backports from the mainline; its own fixes need not flow back there.
    return mainline ? { name: version, branch, from: mainline.name, backflow: 'ignore' as const } : { name: version, branch };
  });
  return { proposed, others: versions.slice(RELEASE_LINES_PROPOSED) };
}

function newestVersionFirst(a: string, b: string): number {
  const [left, right] = [a.split('.').map(Number), b.split('.').map(Number)];
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = (right[index] ?? -1) - (left[index] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}

function placeRepository(repo: LookedAtRepository, chain: readonly ChainStage[], releaseLines: readonly ProposedEnvironment[]): ProposedRepository {
  const branches: Record<string, string> = {};
  const lacking: string[] = [];
  for (const stage of chain) {
    if (repo.branches.includes(stage.branch)) continue;
    const own = stage.candidates.find((candidate) => repo.branches.includes(candidate));
    if (own) branches[stage.name] = own;
    else lacking.push(stage.name);
  }
  for (const line of releaseLines) {
    if (repo.branches.includes(line.branch)) continue;
    const own = repo.branches.find((branch) => RELEASE_LINE.exec(branch)?.[1] === line.name);
    if (own) branches[line.name] = own;
    else lacking.push(line.name);
  }
  return { name: repo.name, path: repo.path, branches, lacking };
}

function countTicketKeys(repositories: readonly LookedAtRepository[]): { projects: string[]; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  for (const repo of repositories) {
    for (const subject of repo.recentSubjects) {
      const keys = new Set([...subject.matchAll(TICKET_MENTION)].map((match) => match[1]!).filter((key) => !NOT_TICKET_KEYS.has(key)));
      for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const top = ranked[0]?.[1] ?? 0;
  const projects = ranked
    .filter(([, count]) => count >= 2 && count >= top * PROJECT_SHARE)
    .slice(0, MAX_PROJECTS)
    .map(([key]) => key);
  return { projects, counts };
}

/** Subjects are newest first: the first mention of a proposed project in any repository. */
function latestTicket(repositories: readonly LookedAtRepository[], projects: readonly string[]): string | null {
  for (const repo of repositories) {
    for (const subject of repo.recentSubjects) {
      for (const match of subject.matchAll(TICKET_MENTION)) {
        if (projects.length === 0 ? !NOT_TICKET_KEYS.has(match[1]!) : projects.includes(match[1]!)) return match[0];
      }
    }
  }
  return null;
}
