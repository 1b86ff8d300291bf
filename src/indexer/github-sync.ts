import type { GigConfig, RepositoryConfig } from '../config.js';
import { toGigError } from '../errors.js';
import type { GraphNode } from '../engine/merge-attribution.js';
import type { Ledger, SourceSyncResult } from '../engine/ports.js';
import type { TicketRef } from '../engine/ownership.js';
import { githubRepositoryOf, type GitHubSource } from '../sources/github/github-source.js';
import type { GitRunner } from '../sources/git/runner.js';
import type { IndexWriteStore, MembershipChange, NewCommit } from '../store/index-writer.js';
import type { TrackerStore } from '../store/tracker-store.js';
import { mapConcurrently } from './concurrency.js';
import { attributeMerges, ticketReader, toNewCommit, type TicketReader } from './sync.js';

/** GitHub allows a handful of concurrent GETs per token; more only earns secondary rate limits. */
const DETAIL_CONCURRENCY = 6;


export interface GitHubSyncOptions {
  config: GigConfig;
  github: GitHubSource;
  store: IndexWriteStore;
  ledger: Ledger;
  trackers: TrackerStore;
  git: GitRunner;
  apiUrl?: string | undefined;
  now: () => Date;
}

/**
 * GitHub as a source: repositories configured as `github: owner/name` are indexed through the API;
 * for those and for local clones of GitHub repositories, merged pull requests (which explain
 * squash merges) and deployments (what really runs where) are read too. Each repository is its
 * own source: one that fails keeps its last good data and is marked stale.
 */
export async function syncGitHub(options: GitHubSyncOptions): Promise<SourceSyncResult[]> {
  const reader = ticketReader(options.config);
  const results: SourceSyncResult[] = [];
  for (const repository of options.config.repositories) {
    const target = await githubTarget(repository, options);
    if (!target) continue;
    const source = `github:${target.owner}/${target.repo}`;
    const at = options.now().toISOString();
    try {
      let items = 0;
      if (repository.source.kind === 'github') items += await indexThroughApi(repository, target, options, reader);
      const repositoryId = options.store.upsertRepository(repository.name, `${target.owner}/${target.repo}`, repository.source.kind);
      const pulls = await options.github.mergedPullRequests(target.owner, target.repo, options.store.knownPullRequests(repositoryId));
      options.store.savePullRequests(repositoryId, pulls, (text) => reader.matcher.find(text));
      items += pulls.length;
      items += await recordDeployments(repository, target, options);
      options.trackers.sourceSucceeded(source, null, at);
      results.push({ source, ok: true, items });
    } catch (error) {
      const gigError = toGigError(error);
      options.trackers.sourceFailed(source, gigError.message, at);
      results.push({ source, ok: false, items: 0, error: gigError });
    }
  }
  return results;
}

async function githubTarget(repository: RepositoryConfig, options: GitHubSyncOptions): Promise<{ owner: string; repo: string } | null> {
  const source = repository.source;
  if (source.kind === 'github') {
    const [owner, repo] = source.repository.split('/');
    return { owner: owner!, repo: repo! };
  }
  if (source.kind === 'url') return githubRepositoryOf(source.url, options.apiUrl);
  const { stdout, exitCode } = await options.git.run(source.path, ['remote', 'get-url', 'origin'], { okExitCodes: [0, 2, 128] }).catch(() => ({ stdout: '', exitCode: 1 }));
  return exitCode === 0 ? githubRepositoryOf(stdout, options.apiUrl) : null;
}

/** The newest successful deployment of each environment becomes deployment evidence, once. */
async function recordDeployments(repository: RepositoryConfig, target: { owner: string; repo: string }, options: GitHubSyncOptions): Promise<number> {
  let recorded = 0;
  const environments = options.config.environments.map((env) => env.name);
  // What the ledger holds already, read once: adding one environment's deployment changes no other's newest.
  const { deployments } = await options.ledger.records([], { repositories: [repository.name], environments });
  for (const env of options.config.environments) {
    const name = options.config.github.environments[env.name] ?? env.name;
    const deployment = await options.github.latestSuccessfulDeployment(target.owner, target.repo, name);
    if (!deployment) continue;
    const latest = deployments.get(repository.name)?.find((candidate) => candidate.environment === env.name);
    if (latest?.sha === deployment.sha && latest.at === deployment.at) continue;
    await options.ledger.addDeployment({ repository: repository.name, environment: env.name, sha: deployment.sha, at: deployment.at, source: 'github', recordedBy: 'github' }, options.now().toISOString());
    recorded += 1;
  }
  return recorded;
}

/**
 * Indexes the environment branches of a repository gig has no clone of: commit lists paged to
 * the end whenever a tip moved, each new commit read once with its files, the
 * branch's tree for net-change checks. No patch-ids: equivalence comes from cherry-pick lines and
 * pull requests.
 */
async function indexThroughApi(repository: RepositoryConfig, target: { owner: string; repo: string }, options: GitHubSyncOptions, reader: TicketReader): Promise<number> {
  const { store, github } = options;
  const repositoryId = store.upsertRepository(repository.name, `${target.owner}/${target.repo}`, 'github');
  if (store.hasPending(repositoryId)) store.dropUnpublished(repositoryId);
  store.markPending(repositoryId);
  const storedTips = store.tips(repositoryId);
  const ids = store.commitIds(repositoryId);
  const fresh = new Map<string, GraphNode>();
  const lookup = (sha: string): GraphNode | undefined => fresh.get(sha) ?? store.graphNode(repositoryId, sha);
  const membership: MembershipChange[] = [];
  const merges: Array<{ sha: string; lends: TicketRef[] }> = [];
  const ticketless = new Set<string>();
  let newCommits = 0;
  for (const env of options.config.environments) {
    const branch = repository.branches[env.name]!;
    const tip = await github.branchTip(target.owner, target.repo, branch);
    const stored = storedTips.get(env.name);
    if (stored && stored.sha === tip && stored.branch === branch) continue;
    if (tip === null) {
      membership.push({ environment: env.name, branch, ref: null, sha: null, reset: true, add: [], remove: [], files: new Map() });
      continue;
    }
    // The whole list every time the tip moved: stopping at the old tip would miss older commits a
    // merge brought in. Only commits gig has not seen are read in detail.
    const { commits: listed } = await github.commitsFrom(target.owner, target.repo, tip, null);
    // Details of new commits are read a few at a time; they are then indexed oldest first, so
    // parents get their generation before children.
    const unseen = [...listed].reverse().filter((sha) => !ids.has(sha) && !fresh.has(sha));
    const details = await mapConcurrently(unseen, DETAIL_CONCURRENCY, (sha) => github.commit(target.owner, target.repo, sha));
    const batch: NewCommit[] = [];
    for (const logged of details) {
      const commit = toNewCommit(logged, lookup, reader);
      fresh.set(commit.sha, { parents: commit.parents, generation: commit.generation });
      if (commit.lends.length > 0) merges.push({ sha: commit.sha, lends: commit.lends });
      if (!commit.namesItself) ticketless.add(commit.sha);
      batch.push(commit);
    }
    store.insertCommits(repositoryId, batch, ids);
    newCommits += batch.length;
    membership.push({
      environment: env.name,
      branch,
      ref: `refs/heads/${branch}`,
      sha: tip,
      reset: true,
      add: listed.map((sha) => ids.get(sha)).filter((id): id is number => id !== undefined),
      remove: [],
      files: await github.tree(target.owner, target.repo, tip),
      wholeTree: true,
    });
  }
  store.publishAll([{ repositoryId, changes: membership, mergeRefs: attributeMerges(merges, { fresh, ticketless, ids, lookup, store }) }], options.now().toISOString());
  return newCommits;
}
