import path from 'node:path';
import type { GigConfig, RepositoryConfig } from '../config.js';
import { GigError, toGigError } from '../errors.js';
import { commitsBroughtInByMerge, type GraphNode } from '../engine/merge-attribution.js';
import { createTicketMatcher, type TicketMatcher } from '../engine/tickets.js';
import { ticketsOfMessage, type TicketRef } from '../engine/ownership.js';
import { parseMessageFacts } from '../engine/trailers.js';
import type { LoggedCommit } from '../sources/git/log-parser.js';
import { GitRepository, RefNameChecker, resolveBranch } from '../sources/git/repository.js';
import type { GitRunner } from '../sources/git/runner.js';
import type { IndexStore, MembershipChange, MergeRef, NewCommit, Publication } from '../store/index-store.js';
import { failpoint } from '../failpoints.js';
import type { RepositorySyncResult, SyncProgress, SyncResult } from '../engine/ports.js';

export interface SyncOptions {
  config: GigConfig;
  store: IndexStore;
  git: GitRunner;
  /** Where `url:` repositories are mirrored. */
  mirrorDir: string;
  now?: () => Date;
  onProgress?: (event: SyncProgress) => void;
  /** Told whether each repository could be read, so answers can say which one is stale. */
  onRepositoryResult?: (source: string, ok: boolean, error: string | null) => void;
}

const BATCH_SIZE = 2000;

/** Brings the index up to date with every configured repository; one failing repository does not stop the others. */
export async function syncAll(options: SyncOptions): Promise<SyncResult> {
  const started = Date.now();
  const spawnedBefore = options.git.spawned;
  const matcher = ticketReader(options.config);
  const refChecker = new RefNameChecker(options.git);
  const read: Array<{ result: RepositorySyncResult; publication: Publication | null }> = [];
  // Repositories read through the GitHub API are indexed by indexer/github-sync.ts.
  const repositories = options.config.repositories.filter((repository) => repository.source.kind !== 'github');
  const total = repositories.length;
  for (const [index, repository] of repositories.entries()) {
    options.onProgress?.({ kind: 'repository', repository: repository.name, index, total });
    try {
      read.push(await syncRepository(repository, options, matcher, refChecker));
    } catch (error) {
      read.push({ result: failed(repository.name, error), publication: null });
    }
  }
  failpoint('sync:before-publish');
  options.onProgress?.({ kind: 'publishing' });
  // Everything read becomes visible in one transaction: readers see the old index or the new one.
  const publications = read.flatMap((entry) => (entry.publication ? [entry.publication] : []));
  let removed = new Map<number, number>();
  let publishError: unknown = null;
  try {
    removed = options.store.publishAll(publications, (options.now ?? (() => new Date()))().toISOString());
  } catch (error) {
    publishError = error;
  }
  failpoint('sync:after-publish');
  const results = read.map(({ result, publication }) => {
    if (publication === null) return result;
    if (publishError !== null) return failed(result.repository, publishError);
    return { ...result, removedCommits: removed.get(publication.repositoryId) ?? 0 };
  });
  for (const result of results) {
    options.onRepositoryResult?.(`git:${result.repository}`, result.ok, result.error?.message ?? null);
    options.onProgress?.({ kind: 'done', repository: result.repository, result });
  }
  return { repositories: results, gitProcesses: options.git.spawned - spawnedBefore, durationMs: Date.now() - started };
}

function failed(repository: string, error: unknown): RepositorySyncResult {
  return { repository, ok: false, newCommits: 0, removedCommits: 0, changedBranches: [], missingBranches: [], error: toGigError(error) };
}

async function syncRepository(
  repository: RepositoryConfig,
  options: SyncOptions,
  matcher: TicketReader,
  refChecker: RefNameChecker,
): Promise<{ result: RepositorySyncResult; publication: Publication }> {
  const { store, git, config } = options;
  const source = repository.source;
  if (source.kind === 'github') throw new GigError('INTERNAL', `${repository.name} is read through the GitHub API, not git`);
  const repo =
    source.kind === 'path'
      ? await GitRepository.open(git, source.path)
      : await GitRepository.mirror(git, source.url, path.join(options.mirrorDir, `${repository.name}.git`));
  const repositoryId = store.upsertRepository(repository.name, repo.dir, source.kind);
  // What an earlier, interrupted sync stored but never published is dropped before anything is read.
  store.dropUnpublished(repositoryId);
  const storedTips = store.tips(repositoryId);
  const refs = await repo.refs();

  const targets: Target[] = [];
  for (const env of config.environments) {
    const branch = repository.branches[env.name]!;
    if (!(await refChecker.isValidBranch(repo.dir, branch))) {
      throw new GigError('CONFIG_INVALID', `Repository ${repository.name}: "${branch}" (environment ${env.name}) is not a valid branch name.`, {
        hint: 'Fix the branch in "environments" or in the repository\'s "branches" override.',
      });
    }
    const resolved = resolveBranch(refs, branch);
    targets.push({ environment: env.name, branch, ref: resolved?.ref ?? null, sha: resolved?.sha ?? null });
  }
  const changed = targets.filter((target) => {
    const stored = storedTips.get(target.environment);
    return stored === undefined || stored.sha !== target.sha || stored.branch !== target.branch;
  });
  const missingBranches = targets.filter((target) => target.sha === null).map((target) => target.environment);
  if (changed.length === 0) {
    return {
      result: { repository: repository.name, ok: true, newCommits: 0, removedCommits: 0, changedBranches: [], missingBranches },
      publication: { repositoryId, changes: [], mergeRefs: [] },
    };
  }

  // Everything reachable from a tip indexed before is already in the index (or was removed with it).
  const previousTips = [...new Set([...storedTips.values()].map((tip) => tip.sha).filter((sha): sha is string => sha !== null))];
  const stillThere = await repo.existingCommits(previousTips);
  const exclude = previousTips.filter((sha) => stillThere.has(sha));
  const include = [...new Set(changed.map((target) => target.sha).filter((sha): sha is string => sha !== null))].filter((sha) => !exclude.includes(sha));

  // Counted first, so progress can say "12,000 of 24,070" rather than a number with no end.
  const toRead = await repo.count(include, exclude);
  options.onProgress?.({ kind: 'commits', repository: repository.name, commits: 0, total: toRead });
  const ids = store.commitIds(repositoryId);
  const fresh = new Map<string, GraphNode>();
  const lookup = (sha: string): GraphNode | undefined => fresh.get(sha) ?? store.graphNode(repositoryId, sha);
  const merges: Array<{ sha: string; lends: TicketRef[] }> = [];
  const ticketless = new Set<string>();
  let batch: NewCommit[] = [];
  let newCommits = 0;
  const flush = (): void => {
    store.insertCommits(repositoryId, batch, ids);
    newCommits += batch.length;
    batch = [];
    options.onProgress?.({ kind: 'commits', repository: repository.name, commits: newCommits, total: toRead });
  };

  // Patches are read only for commits some environment lacks and no earlier sync read; the reading
  // runs beside the log, on the other core.
  const toDiff = store.notDiffed(repositoryId, await repo.notOnEveryBranch(targets.flatMap((target) => (target.sha ? [target.sha] : []))));
  const diffing = new Set(toDiff);
  const renamed = new Set(store.renamedAmong(repositoryId, toDiff));
  store.stageDiffs(repositoryId, toDiff);
  const staged = stagingBuffer(store, repositoryId, (done) => options.onProgress?.({ kind: 'patches', repository: repository.name, done, total: toDiff.length }));

  const reading = repo.log(include, exclude, (logged) => {
    const commit = toNewCommit(logged, lookup, matcher);
    fresh.set(commit.sha, { parents: commit.parents, generation: commit.generation });
    if (commit.lends.length > 0) merges.push({ sha: commit.sha, lends: commit.lends });
    if (!commit.namesItself) ticketless.add(commit.sha);
    if (diffing.has(commit.sha) && logged.files.some((file) => file.renamedFrom !== null)) renamed.add(commit.sha);
    batch.push(commit);
    if (batch.length >= BATCH_SIZE) flush();
  });
  const patching = repo.diffs(toDiff, staged.patchId, staged.lines);
  // Whatever fails first fails the sync; the other is not left to fail unobserved.
  patching.catch(() => undefined);
  await reading;
  flush();

  // Branch membership, trees and the moved files' line counts are read while the patches still stream.
  options.onProgress?.({ kind: 'branches', repository: repository.name });
  const mergeRefs = attributeMerges(merges, { fresh, ticketless, ids, lookup, store });
  const [membership, renamedCounts] = await Promise.all([
    branchMembership(repo, changed, storedTips, stillThere, ids, exclude.length === 0 ? fresh : null),
    repo.lineCountsWithRenames([...renamed]),
    patching,
  ]);
  staged.flush();
  // A moved file's lines are counted with rename detection: those counts replace the plain ones.
  staged.override(renamedCounts);
  failpoint('sync:commits-stored');

  return {
    result: { repository: repository.name, ok: true, newCommits, removedCommits: 0, changedBranches: changed.map((target) => target.environment), missingBranches },
    publication: { repositoryId, changes: membership, mergeRefs },
  };
}

type Target = { environment: string; branch: string; ref: string | null; sha: string | null };

/**
 * Which commits each changed branch gained or lost. On a first sync every commit is in `graph`
 * (read by this sync), so a branch's commits are found by walking parents in memory; otherwise git
 * says what moved since the tip indexed last time, or lists a force-pushed branch whole.
 */
async function branchMembership(
  repo: GitRepository,
  changed: Target[],
  storedTips: Map<string, { branch: string; sha: string | null }>,
  stillThere: Set<string>,
  ids: Map<string, number>,
  graph: Map<string, GraphNode> | null,
): Promise<MembershipChange[]> {
  const toIds = (shas: Iterable<string>): number[] => [...shas].map((sha) => ids.get(sha)).filter((id): id is number => id !== undefined);
  const membership: MembershipChange[] = [];
  for (const target of changed) {
    const stored = storedTips.get(target.environment);
    const oldSha = stored?.branch === target.branch && stored.sha !== null && stillThere.has(stored.sha) ? stored.sha : null;
    if (target.sha === null) {
      membership.push({ ...target, reset: true, add: [], remove: [], files: new Map() });
    } else if (oldSha === null) {
      const all = graph ? ancestorsInGraph(target.sha, graph) : await repo.revList([target.sha], []);
      membership.push({ ...target, reset: true, add: toIds(all), remove: [], files: await repo.tree(target.sha) });
    } else {
      membership.push({
        ...target,
        reset: false,
        add: toIds(await repo.revList([target.sha], [oldSha])),
        remove: toIds(await repo.revList([oldSha], [target.sha])),
        files: await repo.treeChanges(oldSha, target.sha),
      });
    }
  }
  return membership;
}

/** A commit and every ancestor of it that `graph` knows: what `git rev-list <tip>` prints. */
function ancestorsInGraph(tip: string, graph: Map<string, GraphNode>): Set<string> {
  const seen = new Set<string>();
  const stack = [tip];
  while (stack.length > 0) {
    const sha = stack.pop()!;
    if (seen.has(sha)) continue;
    const node = graph.get(sha);
    if (!node) continue;
    seen.add(sha);
    for (const parent of node.parents) if (!seen.has(parent)) stack.push(parent);
  }
  return seen;
}

/** How the indexer reads tickets out of messages: the matcher and the trailer keys that own. */
export interface TicketReader {
  matcher: TicketMatcher;
  owningTrailers: string[];
}

export function ticketReader(config: GigConfig): TicketReader {
  return { matcher: createTicketMatcher(config.tickets), owningTrailers: config.tickets.trailers };
}

export function toNewCommit(logged: LoggedCommit, lookup: (sha: string) => GraphNode | undefined, reader: TicketReader): NewCommit {
  const facts = parseMessageFacts(logged.message);
  const tickets = ticketsOfMessage(logged.message, logged.parents.length > 1, reader.matcher, reader.owningTrailers);
  const newline = logged.message.indexOf('\n');
  const generation = 1 + Math.max(0, ...logged.parents.map((parent) => lookup(parent)?.generation ?? 0));
  return {
    sha: logged.sha,
    parents: logged.parents,
    generation,
    authorName: logged.authorName,
    authorEmail: logged.authorEmail,
    authoredAt: logged.authoredAt,
    committerName: logged.committerName,
    committerEmail: logged.committerEmail,
    committedAt: logged.committedAt,
    subject: newline === -1 ? logged.message : logged.message.slice(0, newline),
    body: newline === -1 ? '' : logged.message.slice(newline + 1).trim(),
    files: logged.files,
    refs: tickets.refs,
    lends: tickets.lends,
    namesItself: tickets.namesItself,
    links: [
      ...facts.cherryPickedFrom.map((target) => ({ kind: 'cherry-pick' as const, target })),
      ...facts.reverts.map((target) => ({ kind: 'revert' as const, target })),
    ],
    trailers: facts.trailers,
    dependencies: facts.trailers.filter((trailer) => trailer.key === 'Depends-On').flatMap((trailer) => reader.matcher.find(trailer.value)),
  };
}

/**
 * Ticket references for commits brought in by merges that name tickets (docs/history.md §2),
 * limited to commits naming no ticket themselves.
 */
export function attributeMerges(
  merges: Array<{ sha: string; lends: TicketRef[] }>,
  graph: { fresh: Map<string, GraphNode>; ticketless: Set<string>; ids: Map<string, number>; lookup: (sha: string) => GraphNode | undefined; store: IndexStore },
): MergeRef[] {
  const refs: MergeRef[] = [];
  for (const merge of merges) {
    for (const sha of commitsBroughtInByMerge(graph.lookup(merge.sha)!, graph.lookup)) {
      const id = graph.ids.get(sha);
      if (id === undefined) continue;
      const ticketless = graph.ticketless.has(sha) || (!graph.fresh.has(sha) && !graph.store.namesAnyTicket(id));
      if (ticketless) for (const lent of merge.lends) refs.push({ ...lent, commitId: id });
    }
  }
  return refs;
}

/** Buffers what the diff pass finds and stages it in batches, so memory stays flat however many commits are read. */
function stagingBuffer(store: IndexStore, repositoryId: number, onProgress: (done: number) => void) {
  let patchIds: Array<[string, string]> = [];
  let lines: Array<[string, number, number]> = [];
  let done = 0;
  const flush = (): void => {
    if (patchIds.length > 0) store.stagePatchIds(repositoryId, patchIds);
    if (lines.length > 0) store.stageLineCounts(repositoryId, lines);
    done += lines.length;
    if (lines.length > 0) onProgress(done);
    patchIds = [];
    lines = [];
  };
  return {
    patchId(sha: string, patchId: string): void {
      patchIds.push([sha, patchId]);
      if (patchIds.length >= BATCH_SIZE) flush();
    },
    lines(sha: string, additions: number, deletions: number): void {
      lines.push([sha, additions, deletions]);
      if (lines.length >= BATCH_SIZE) flush();
    },
    flush,
    override(counts: Map<string, { additions: number; deletions: number }>): void {
      store.stageLineCounts(repositoryId, [...counts].map(([sha, count]) => [sha, count.additions, count.deletions]));
    },
  };
}
