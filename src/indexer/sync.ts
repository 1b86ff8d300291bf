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
import type { IndexWriteStore, MembershipChange, MergeRef, NewCommit, Publication, StoredTip } from '../store/index-writer.js';
import { failpoint } from '../failpoints.js';
import { mapConcurrently } from './concurrency.js';
import type { RepositorySyncResult, SyncProgress, SyncResult } from '../engine/ports.js';

export interface SyncOptions {
  config: GigConfig;
  store: IndexWriteStore;
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
  // Asking every repository where its branches are is cheap and independent: a few at a time, so a
  // sync with nothing new costs about one git process's time, not one per repository in a row.
  const inspected = await mapConcurrently(repositories, INSPECT_CONCURRENCY, (repository) =>
    inspectRepository(repository, options, refChecker).catch((error: unknown) => ({ repository, error })),
  );
  for (const [index, inspection] of inspected.entries()) {
    options.onProgress?.({ kind: 'repository', repository: inspection.repository.name, index, total });
    if ('error' in inspection) {
      read.push({ result: failed(inspection.repository.name, inspection.error), publication: null });
      continue;
    }
    try {
      read.push(await syncRepository(inspection, options, matcher));
    } catch (error) {
      read.push({ result: failed(inspection.repository.name, error), publication: null });
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

const INSPECT_CONCURRENCY = 4;

/** Where a repository's environment branches are, against what the index holds. */
interface Inspection {
  repository: RepositoryConfig;
  repo: GitRepository;
  repositoryId: number;
  storedTips: Map<string, StoredTip>;
  targets: Target[];
  changed: Target[];
}

async function inspectRepository(repository: RepositoryConfig, options: SyncOptions, refChecker: RefNameChecker): Promise<Inspection> {
  const { store, git, config } = options;
  const source = repository.source;
  if (source.kind === 'github') throw new GigError('INTERNAL', `${repository.name} is read through the GitHub API, not git`);
  const repo =
    source.kind === 'path'
      ? await GitRepository.open(git, source.path)
      : await GitRepository.mirror(git, source.url, path.join(options.mirrorDir, `${repository.name}.git`));
  const repositoryId = store.upsertRepository(repository.name, repo.dir, source.kind);
  // What an earlier, interrupted sync stored but never published is dropped before anything is read.
  if (store.hasPending(repositoryId)) store.dropUnpublished(repositoryId);
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
  return { repository, repo, repositoryId, storedTips, targets, changed };
}

async function syncRepository(inspection: Inspection, options: SyncOptions, matcher: TicketReader): Promise<{ result: RepositorySyncResult; publication: Publication }> {
  const { store } = options;
  const { repository, repo, repositoryId, storedTips, targets, changed } = inspection;
  const missingBranches = targets.filter((target) => target.sha === null).map((target) => target.environment);
  if (changed.length === 0) {
    return {
      result: { repository: repository.name, ok: true, newCommits: 0, removedCommits: 0, changedBranches: [], missingBranches },
      publication: { repositoryId, changes: [], mergeRefs: [] },
    };
  }
  store.markPending(repositoryId);

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
  const tips = targets.flatMap((target) => (target.sha ? [target.sha] : []));
  // After a first sync only new commits can need a patch, as long as no branch lost commits (checked
  // below, once branch membership is known): what was on every branch still is.
  const incremental = exclude.length > 0;
  const toDiff = incremental ? await repo.notOnEveryBranch(tips, exclude) : store.notDiffed(repositoryId, await repo.notOnEveryBranch(tips));
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
  const [membership, renamedFirst] = await Promise.all([
    branchMembership(store, repositoryId, repo, changed, storedTips, stillThere, ids, exclude.length === 0 ? fresh : null),
    repo.lineCountsWithRenames([...renamed]),
    patching,
  ]);
  let renamedCounts = renamedFirst;
  // A branch that was reset or lost commits may have left old commits on fewer branches than before.
  if (incremental && membership.some((change) => change.reset || change.removes === true)) {
    const more = store.notDiffed(repositoryId, await repo.notOnEveryBranch(tips)).filter((sha) => !diffing.has(sha));
    store.stageMoreDiffs(repositoryId, more);
    await repo.diffs(more, staged.patchId, staged.lines);
    renamedCounts = new Map([...renamedCounts, ...(await repo.lineCountsWithRenames(store.renamedAmong(repositoryId, more)))]);
  }
  // A moved file's lines are counted with rename detection: those counts replace the plain ones.
  staged.override(renamedCounts);
  staged.flush();
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
  store: IndexWriteStore,
  repositoryId: number,
  repo: GitRepository,
  changed: Target[],
  storedTips: Map<string, { branch: string; sha: string | null }>,
  stillThere: Set<string>,
  ids: Map<string, number>,
  graph: Map<string, GraphNode> | null,
): Promise<MembershipChange[]> {
  const toIds = (shas: Iterable<string>): number[] => [...shas].map((sha) => ids.get(sha)).filter((id): id is number => id !== undefined);
  const membership: MembershipChange[] = [];
  store.clearStaged(repositoryId);
  const reachable = graph ? reachabilityByTip(changed.flatMap((target) => (target.sha ? [target.sha] : [])), graph) : null;
  // One branch's lists at a time go to the store's staging tables until the sync publishes.
  const stage = (change: MembershipChange): void => void membership.push(store.stageMembership(repositoryId, change));
  for (const target of changed) {
    const stored = storedTips.get(target.environment);
    const oldSha = stored?.branch === target.branch && stored.sha !== null && stillThere.has(stored.sha) ? stored.sha : null;
    if (target.sha === null) {
      stage({ ...target, reset: true, add: [], remove: [], files: new Map() });
    } else if (oldSha === null) {
      const all = reachable ? reachable(target.sha) : await repo.revList([target.sha], []);
      stage({ ...target, reset: true, add: toIds(all), remove: [], files: await repo.tree(target.sha) });
    } else {
      stage({
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

/**
 * For each tip, its commits and every ancestor `graph` knows (what `git rev-list <tip>` prints), in
 * one pass for all tips: walking from children to parents hands each commit the tips that reach it
 * before it passes them on.
 */
function reachabilityByTip(tips: string[], graph: Map<string, GraphNode>): (tip: string) => string[] {
  const bit = new Map<string, number>();
  const distinct = [...new Set(tips)];
  distinct.forEach((tip, index) => bit.set(tip, 2 ** index));
  const masks = new Map<string, number>();
  for (const [tip, value] of bit) if (graph.has(tip)) masks.set(tip, value);
  // The log lists parents before children (--topo-order --reverse), and `graph` keeps that order:
  // read backwards, every child comes before its parents.
  const shas = [...graph.keys()];
  for (let index = shas.length - 1; index >= 0; index -= 1) {
    const sha = shas[index]!;
    const node = graph.get(sha)!;
    const mask = masks.get(sha);
    if (mask === undefined) continue;
    for (const parent of node.parents) if (graph.has(parent)) masks.set(parent, (masks.get(parent) ?? 0) | mask);
  }
  return (tip) => {
    const value = bit.get(tip) ?? 0;
    const commits: string[] = [];
    for (const [sha, mask] of masks) if (Math.floor(mask / value) % 2 === 1) commits.push(sha);
    return commits;
  };
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
  graph: { fresh: Map<string, GraphNode>; ticketless: Set<string>; ids: Map<string, number>; lookup: (sha: string) => GraphNode | undefined; store: IndexWriteStore },
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

/**
 * Collects what the diff pass finds for one repository (patch-ids and line counts arrive from two
 * streams, in any order) and stages each commit's result once, when the pass is over.
 */
function stagingBuffer(store: IndexWriteStore, repositoryId: number, onProgress: (done: number) => void) {
  const found = new Map<string, { patchId: string | null; additions: number; deletions: number }>();
  const entry = (sha: string): { patchId: string | null; additions: number; deletions: number } => {
    let result = found.get(sha);
    if (!result) {
      result = { patchId: null, additions: 0, deletions: 0 };
      found.set(sha, result);
    }
    return result;
  };
  let counted = 0;
  return {
    patchId(sha: string, patchId: string): void {
      entry(sha).patchId = patchId;
    },
    lines(sha: string, additions: number, deletions: number): void {
      Object.assign(entry(sha), { additions, deletions });
      counted += 1;
      if (counted % BATCH_SIZE === 0) onProgress(counted);
    },
    override(counts: Map<string, { additions: number; deletions: number }>): void {
      for (const [sha, count] of counts) Object.assign(entry(sha), count);
    },
    flush(): void {
      onProgress(counted);
      store.stageDiffResults(repositoryId, found);
      found.clear();
    },
  };
}
