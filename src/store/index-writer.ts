import type { CommitHeader } from '../engine/model.js';
import type { TicketRef } from '../engine/ownership.js';
import type { IndexedBranches } from '../engine/ports.js';
import type { Db } from './database.js';
import { indexedBranches, graphNode, storedTips, type StoredTip } from './index-graph.js';
import { statementCache, type Prepare } from './statements.js';

export type { StoredTip } from './index-graph.js';

export interface NewCommit extends CommitHeader {
  generation: number;
  subject: string;
  body: string;
  files: Array<{ path: string; additions: number | null; deletions: number | null; blob: string | null; renamedFrom?: string | null }>;
  /** Every place the message names a ticket. */
  refs: TicketRef[];
  /** For a merge: the tickets it lends to the commits it brings in. */
  lends: TicketRef[];
  /** Whether the commit names a ticket itself (merges then leave it alone). */
  namesItself: boolean;
  links: Array<{ kind: 'cherry-pick' | 'revert'; target: string }>;
  trailers: Array<{ key: string; value: string }>;
  /** Tickets the commit's Depends-On lines name. */
  dependencies: string[];
}

/** How one environment branch's membership changes in a sync. */
export interface MembershipChange {
  environment: string;
  branch: string;
  ref: string | null;
  sha: string | null;
  /** Drop every row first (new branch, force-push the old tip of which is gone, or branch deleted). */
  reset: boolean;
  add: number[];
  remove: number[];
  /** The branch's files after the sync: all of them after a reset, otherwise only what changed (null: deleted). */
  files: Map<string, string | null>;
  /** The files are the whole tree even though membership is incremental (trees read through an API). */
  wholeTree?: boolean;
  /** Whether there was anything to remove (the removals themselves may be staged). */
  removes?: boolean;
}

/** What one repository's sync makes visible when it is published. */
export interface Publication {
  repositoryId: number;
  changes: MembershipChange[];
  mergeRefs: MergeRef[];
}

/** A ticket a merge lends to a commit it brought in. */
export interface MergeRef extends TicketRef {
  commitId: number;
}

/**
 * The write side of the index: what the indexer stores as it reads git and GitHub (repositories,
 * commits, pull requests), the staging of what a sync found, and its publication. Writes are short
 * transactions, so chat commands and approvals are never kept waiting by a long sync; what a sync
 * stores stays invisible to the read side (index-reader.ts) until `publishAll`.
 */
export class IndexWriteStore {
  /** Statements prepared once per connection (statements.ts). */
  private readonly prepare: Prepare;

  constructor(private readonly db: Db) {
    this.prepare = statementCache(this.db);
  }

  upsertRepository(name: string, location: string, kind: string): number {
    const row = this
      .prepare<[string, string, string], { id: number }>(
        `INSERT INTO repositories (name, location, kind) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET location = excluded.location, kind = excluded.kind
         RETURNING id`,
      )
      .get(name, location, kind)!;
    return row.id;
  }

  tips(repositoryId: number): Map<string, StoredTip> {
    return storedTips(this.prepare, repositoryId);
  }

  /** What a sync published, for the other replicas (Ledger.recordHeads). */
  indexedBranches(repositories: readonly string[]): IndexedBranches[] {
    return indexedBranches(this.prepare, repositories);
  }

  commitIds(repositoryId: number): Map<string, number> {
    const ids = new Map<string, number>();
    const rows = this.prepare<[number], { id: number; sha: string }>('SELECT id, sha FROM commits WHERE repository_id = ?').iterate(repositoryId);
    for (const row of rows) ids.set(row.sha, row.id);
    return ids;
  }


  graphNode(repositoryId: number, sha: string): { parents: string[]; generation: number } | undefined {
    return graphNode(this.prepare, repositoryId, sha);
  }

  knownPullRequests(repositoryId: number): Set<number> {
    return new Set(this.prepare<[number], { number: number }>('SELECT number FROM pull_requests WHERE repository_id = ?').all(repositoryId).map((row) => row.number));
  }

  /** Stores merged pull requests; a PR title naming tickets makes its commits part of them. */
  savePullRequests(repositoryId: number, pulls: Array<{ number: number; title: string; headRef: string; baseRef: string; mergeCommitSha: string | null; mergedAt: string | null; commits: string[] }>, tickets: (text: string) => string[]): void {
    const upsert = this.prepare(
      `INSERT INTO pull_requests (repository_id, number, title, head_ref, base_ref, merge_commit_sha, merged_at, commit_shas) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (repository_id, number) DO UPDATE SET title = excluded.title, merge_commit_sha = excluded.merge_commit_sha, merged_at = excluded.merged_at, commit_shas = excluded.commit_shas`,
    );
    const idOf = this.prepare<[number, string], { id: number }>('SELECT id FROM commits WHERE repository_id = ? AND sha = ?');
    const ref = this.prepare("INSERT OR IGNORE INTO ticket_refs (ticket, commit_id, source) VALUES (?, ?, 'pr')");
    this.db.transaction(() => {
      for (const pull of pulls) {
        upsert.run(repositoryId, pull.number, pull.title, pull.headRef, pull.baseRef, pull.mergeCommitSha, pull.mergedAt, JSON.stringify(pull.commits));
        for (const sha of pull.commits) {
          const id = idOf.get(repositoryId, sha)?.id;
          if (id !== undefined) for (const ticket of tickets(`${pull.title}\n${pull.headRef}`)) ref.run(ticket, id);
        }
      }
    })();
  }

  /** Whether the commit's own message names a ticket (merge attribution leaves those alone). */
  namesAnyTicket(commitId: number): boolean {
    return (
      this
        .prepare<[number], { one: number }>("SELECT 1 AS one FROM ticket_refs WHERE commit_id = ? AND source IN ('subject', 'trailer', 'pr') LIMIT 1")
        .get(commitId) !== undefined
    );
  }

  /** Inserts a batch of new commits in one transaction; records each one's id in `ids`. */
  insertCommits(repositoryId: number, commits: NewCommit[], ids: Map<string, number>): void {
    const insertCommit = this.prepare(
      `INSERT INTO commits (repository_id, sha, parents, generation, author_name, author_email, authored_at,
         committer_name, committer_email, committed_at, subject, body, additions, deletions)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (repository_id, sha) DO UPDATE SET generation = excluded.generation
       RETURNING id`,
    );
    const insertFile = this.prepare('INSERT OR IGNORE INTO commit_files (commit_id, path, additions, deletions, blob, renamed_from) VALUES (?, ?, ?, ?, ?, ?)');
    const insertRef = this.prepare('INSERT OR IGNORE INTO ticket_refs (ticket, commit_id, source) VALUES (?, ?, ?)');
    const insertLink = this.prepare('INSERT OR IGNORE INTO commit_links (commit_id, kind, target_sha) VALUES (?, ?, ?)');
    const insertTrailer = this.prepare('INSERT OR REPLACE INTO commit_trailers (commit_id, position, key, value) VALUES (?, ?, ?, ?)');
    const insertDependency = this.prepare('INSERT OR IGNORE INTO ticket_dependencies (ticket, depends_on, kind, commit_id) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const commit of commits) {
        const additions = commit.files.reduce((sum, file) => sum + (file.additions ?? 0), 0);
        const deletions = commit.files.reduce((sum, file) => sum + (file.deletions ?? 0), 0);
        const { id } = insertCommit.get(
          repositoryId, commit.sha, commit.parents.join(' '), commit.generation, commit.authorName, commit.authorEmail,
          commit.authoredAt, commit.committerName, commit.committerEmail, commit.committedAt, commit.subject, commit.body,
          additions, deletions,
        ) as { id: number };
        ids.set(commit.sha, id);
        for (const file of commit.files) insertFile.run(id, file.path, file.additions, file.deletions, file.blob, file.renamedFrom ?? null);
        for (const ref of commit.refs) insertRef.run(ref.ticket, id, ref.source);
        for (const link of commit.links) insertLink.run(id, link.kind, link.target);
        commit.trailers.forEach((trailer, position) => insertTrailer.run(id, position, trailer.key, trailer.value));
        // Companions are not stored: they follow from ownership, which is read with the configuration (dependencyEdges).
        const declaring = new Set(commit.refs.filter((ref) => ref.source !== 'body').map((ref) => ref.ticket));
        for (const ticket of declaring) {
          for (const dependency of commit.dependencies) if (dependency !== ticket) insertDependency.run(ticket, dependency, 'declared', id);
        }
      }
    })();
  }

  /**
   * Staging for what the diff pass finds (patch-ids, line counts) while the commits themselves may
   * not be stored yet: a temporary table of this connection, applied when the sync publishes.
   */
  stageDiffs(repositoryId: number, shas: string[]): void {
    this.db.exec('CREATE TEMP TABLE IF NOT EXISTS diff_stage (repository_id INTEGER NOT NULL, sha TEXT NOT NULL, patch_id TEXT, additions INTEGER NOT NULL DEFAULT 0, deletions INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (repository_id, sha)) WITHOUT ROWID');
    const insert = this.prepare('INSERT OR REPLACE INTO temp.diff_stage (repository_id, sha) VALUES (?, ?)');
    this.db.transaction(() => {
      this.prepare('DELETE FROM temp.diff_stage WHERE repository_id = ?').run(repositoryId);
      for (const sha of shas) insert.run(repositoryId, sha);
    })();
  }

  /** Adds commits to what this repository's staging will mark as read. */
  stageMoreDiffs(repositoryId: number, shas: string[]): void {
    const insert = this.prepare('INSERT OR IGNORE INTO temp.diff_stage (repository_id, sha) VALUES (?, ?)');
    this.db.transaction(() => {
      for (const sha of shas) insert.run(repositoryId, sha);
    })();
  }

  /** What the diff pass found for each commit it read; commits it found nothing for keep the defaults (no patch-id, no lines). */
  stageDiffResults(repositoryId: number, found: Map<string, { patchId: string | null; additions: number; deletions: number }>): void {
    const update = this.prepare('UPDATE temp.diff_stage SET patch_id = ?, additions = ?, deletions = ? WHERE repository_id = ? AND sha = ?');
    this.db.transaction(() => {
      for (const [sha, result] of found) update.run(result.patchId, result.additions, result.deletions, repositoryId, sha);
    })();
  }

  /** Of the given commits, those whose patch was never read (new ones included). */
  notDiffed(repositoryId: number, shas: string[]): string[] {
    if (shas.length === 0) return [];
    const diffed = new Set(
      this
        .prepare<[number, string], { sha: string }>('SELECT sha FROM commits WHERE repository_id = ? AND diffed = 1 AND sha IN (SELECT value FROM json_each(?))')
        .all(repositoryId, JSON.stringify(shas))
        .map((row) => row.sha),
    );
    return shas.filter((sha) => !diffed.has(sha));
  }

  /** Of the given commits, those that renamed a file (their line counts need rename detection). */
  renamedAmong(repositoryId: number, shas: string[]): string[] {
    if (shas.length === 0) return [];
    return this
      .prepare<[number, string], { sha: string }>(
        `SELECT DISTINCT c.sha FROM commits c JOIN commit_files f ON f.commit_id = c.id
         WHERE c.repository_id = ? AND f.renamed_from IS NOT NULL AND c.sha IN (SELECT value FROM json_each(?))`,
      )
      .all(repositoryId, JSON.stringify(shas))
      .map((row) => row.sha);
  }

  /**
   * Makes the new state of every repository of a sync visible at once, in one transaction:
   * membership, merge attributions, tips, and the removal of commits no branch holds any more
   * (after a force-push). Until then, commits a sync stored are invisible: readers only see commits
   * that are on an environment branch. Returns, per repository, how many commits were dropped.
   */
  publishAll(publications: Publication[], syncedAt: string): Map<number, number> {
    return this.db.transaction(() => new Map(publications.map((publication) => [publication.repositoryId, this.publishOne(publication, syncedAt)])))();
  }

  /** From here until its publication, this repository may hold commits nobody should see. */
  markPending(repositoryId: number): void {
    this.prepare('UPDATE repositories SET pending = 1 WHERE id = ?').run(repositoryId);
  }

  /** Whether a sync of this repository stored commits and was not published (it died, or failed). */
  hasPending(repositoryId: number): boolean {
    return this.prepare<[number], { pending: number }>('SELECT pending FROM repositories WHERE id = ?').get(repositoryId)?.pending === 1;
  }

  /** Commits an interrupted sync stored but never published: on no branch, so nobody saw them. */
  dropUnpublished(repositoryId: number): number {
    return this
      .prepare('DELETE FROM commits WHERE repository_id = ? AND NOT EXISTS (SELECT 1 FROM branch_commits b WHERE b.commit_id = commits.id)')
      .run(repositoryId).changes;
  }

  /**
   * Moves a branch's membership and file changes into this connection's staging tables right away,
   * so a sync over many repositories holds one branch's lists at a time, not all of them until it
   * publishes; returns the change without its lists.
   */
  stageMembership(repositoryId: number, change: MembershipChange): MembershipChange {
    this.ensureMembershipStage();
    const member = this.prepare('INSERT OR IGNORE INTO temp.membership_stage (repository_id, environment, commit_id, op) VALUES (?, ?, ?, ?)');
    const file = this.prepare('INSERT OR REPLACE INTO temp.tree_stage (repository_id, environment, path, blob) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const id of change.add) member.run(repositoryId, change.environment, id, '+');
      for (const id of change.remove) member.run(repositoryId, change.environment, id, '-');
      for (const [path, blob] of change.files) file.run(repositoryId, change.environment, path, blob);
    })();
    return { ...change, add: [], remove: [], files: new Map(), removes: change.remove.length > 0 };
  }

  private ensureMembershipStage(): void {
    this.db.exec(`CREATE TEMP TABLE IF NOT EXISTS membership_stage (repository_id INTEGER NOT NULL, environment TEXT NOT NULL, commit_id INTEGER NOT NULL, op TEXT NOT NULL,
                    PRIMARY KEY (repository_id, environment, op, commit_id)) WITHOUT ROWID;
                  CREATE TEMP TABLE IF NOT EXISTS tree_stage (repository_id INTEGER NOT NULL, environment TEXT NOT NULL, path TEXT NOT NULL, blob TEXT,
                    PRIMARY KEY (repository_id, environment, path)) WITHOUT ROWID;`);
  }

  /** Forgets what an earlier attempt staged for a repository (a sync that failed half-way through it). */
  clearStaged(repositoryId: number): void {
    this.ensureMembershipStage();
    this.prepare('DELETE FROM temp.membership_stage WHERE repository_id = ?').run(repositoryId);
    this.prepare('DELETE FROM temp.tree_stage WHERE repository_id = ?').run(repositoryId);
  }

  private publishOne({ repositoryId, changes, mergeRefs }: Publication, syncedAt: string): number {
    const reset = this.prepare('DELETE FROM branch_commits WHERE repository_id = ? AND environment = ?');
    const add = this.prepare('INSERT OR IGNORE INTO branch_commits (repository_id, environment, commit_id) VALUES (?, ?, ?)');
    const remove = this.prepare('DELETE FROM branch_commits WHERE repository_id = ? AND environment = ? AND commit_id = ?');
    const tip = this.prepare(
      `INSERT INTO branch_tips (repository_id, environment, branch, ref, sha, synced_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (repository_id, environment) DO UPDATE SET branch = excluded.branch, ref = excluded.ref, sha = excluded.sha, synced_at = excluded.synced_at`,
    );
    const mergeRef = this.prepare('INSERT OR IGNORE INTO ticket_refs (ticket, commit_id, source) VALUES (?, ?, ?)');
    const resetFiles = this.prepare('DELETE FROM branch_files WHERE repository_id = ? AND environment = ?');
    const putFile = this.prepare('INSERT OR REPLACE INTO branch_files (repository_id, environment, path, blob) VALUES (?, ?, ?, ?)');
    const dropFile = this.prepare('DELETE FROM branch_files WHERE repository_id = ? AND environment = ? AND path = ?');
    this.ensureMembershipStage();
    const removeStaged = this.prepare(
      `DELETE FROM branch_commits WHERE repository_id = @repo AND environment = @env
       AND commit_id IN (SELECT commit_id FROM temp.membership_stage WHERE repository_id = @repo AND environment = @env AND op = '-')`,
    );
    const addStaged = this.prepare(
      `INSERT OR IGNORE INTO branch_commits (repository_id, environment, commit_id)
       SELECT repository_id, environment, commit_id FROM temp.membership_stage WHERE repository_id = @repo AND environment = @env AND op = '+'`,
    );
    const dropStagedFiles = this.prepare(
      `DELETE FROM branch_files WHERE repository_id = @repo AND environment = @env
       AND path IN (SELECT path FROM temp.tree_stage WHERE repository_id = @repo AND environment = @env AND blob IS NULL)`,
    );
    const putStagedFiles = this.prepare(
      `INSERT OR REPLACE INTO branch_files (repository_id, environment, path, blob)
       SELECT repository_id, environment, path, blob FROM temp.tree_stage WHERE repository_id = @repo AND environment = @env AND blob IS NOT NULL`,
    );
    let removedAny = false;
    for (const change of changes) {
      if (change.reset) reset.run(repositoryId, change.environment);
      for (const id of change.remove) remove.run(repositoryId, change.environment, id);
      removeStaged.run({ repo: repositoryId, env: change.environment });
      for (const id of change.add) add.run(repositoryId, change.environment, id);
      addStaged.run({ repo: repositoryId, env: change.environment });
      if (change.reset || change.wholeTree) resetFiles.run(repositoryId, change.environment);
      for (const [file, blob] of change.files) {
        if (blob === null) dropFile.run(repositoryId, change.environment, file);
        else putFile.run(repositoryId, change.environment, file, blob);
      }
      dropStagedFiles.run({ repo: repositoryId, env: change.environment });
      putStagedFiles.run({ repo: repositoryId, env: change.environment });
      tip.run(repositoryId, change.environment, change.branch, change.ref, change.sha, syncedAt);
      removedAny ||= change.reset || change.remove.length > 0 || change.removes === true;
    }
    this.clearStaged(repositoryId);
    for (const ref of mergeRefs) mergeRef.run(ref.ticket, ref.commitId, ref.source);
    if (this.prepare("SELECT 1 FROM temp.sqlite_master WHERE name = 'diff_stage'").get()) {
      this
        .prepare(
          `UPDATE commits SET patch_id = s.patch_id, additions = s.additions, deletions = s.deletions, diffed = 1
           FROM temp.diff_stage s WHERE s.repository_id = ? AND commits.repository_id = s.repository_id AND commits.sha = s.sha`,
        )
        .run(repositoryId);
      this.prepare('DELETE FROM temp.diff_stage WHERE repository_id = ?').run(repositoryId);
    }
    const orphans = removedAny ? this.dropUnpublished(repositoryId) : 0;
    this.prepare('UPDATE repositories SET synced_at = ?, pending = 0 WHERE id = ?').run(syncedAt, repositoryId);
    return orphans;
  }
}
