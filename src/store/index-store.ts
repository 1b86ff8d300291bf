import { commitsNotIn } from '../engine/merge-attribution.js';
import type { DeploymentFact, IndexedCommit, Mention, RepositoryFacts, TicketFacts, TrackerFact } from '../engine/model.js';
import { SOURCES_OF_PLACE, type TicketRef } from '../engine/ownership.js';
import { LedgerStore } from './ledger-store.js';
import { TrackerStore } from './tracker-store.js';
import type { IndexReader, SourceHealth } from '../engine/ports.js';
import type { Db } from './database.js';
import { statementCache } from './statements.js';

export interface NewCommit {
  sha: string;
  parents: string[];
  generation: number;
  authorName: string;
  authorEmail: string;
  authoredAt: string;
  committerName: string;
  committerEmail: string;
  committedAt: string;
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

export interface StoredTip {
  branch: string;
  ref: string | null;
  sha: string | null;
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

/** Which places of a message make a commit a ticket's (config `tickets.ownedBy`). */
export interface IndexStoreOptions {
  ownedBy: Array<keyof typeof SOURCES_OF_PLACE>;
}

const MENTION_LIMIT = 10;

/** How far back the running SHA of an environment may lie behind its branch before gig stops counting. */
const DEPLOYMENT_WALK_LIMIT = 20_000;

/**
 * The index half of the store: what git, trackers and CI say. Writes come from the indexer in
 * short transactions so that chat commands and approvals are never kept waiting by a long sync.
 */
export class IndexStore implements IndexReader {
  /** Statements prepared once per connection (statements.ts). */
  private readonly prepare: ReturnType<typeof statementCache>;

  private readonly ledger: LedgerStore;
  private readonly trackers: TrackerStore;
  /** The ref sources that own, as a JSON array for `IN (SELECT value FROM json_each(?))`. */
  private readonly owning: string;

  constructor(
    private readonly db: Db,
    options: IndexStoreOptions = { ownedBy: ['subject', 'trailers', 'branch', 'pr'] },
  ) {
    this.prepare = statementCache(this.db);
    this.ledger = new LedgerStore(db);
    this.trackers = new TrackerStore(db);
    this.owning = JSON.stringify(options.ownedBy.map((place) => SOURCES_OF_PLACE[place]));
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
    const rows = this
      .prepare<[number], { environment: string; branch: string; ref: string | null; sha: string | null }>(
        'SELECT environment, branch, ref, sha FROM branch_tips WHERE repository_id = ?',
      )
      .all(repositoryId);
    return new Map(rows.map((row) => [row.environment, { branch: row.branch, ref: row.ref, sha: row.sha }]));
  }

  commitIds(repositoryId: number): Map<string, number> {
    const ids = new Map<string, number>();
    const rows = this.prepare<[number], { id: number; sha: string }>('SELECT id, sha FROM commits WHERE repository_id = ?').iterate(repositoryId);
    for (const row of rows) ids.set(row.sha, row.id);
    return ids;
  }

  graphNode(repositoryId: number, sha: string): { parents: string[]; generation: number } | undefined {
    const row = this
      .prepare<[number, string], { parents: string; generation: number }>('SELECT parents, generation FROM commits WHERE repository_id = ? AND sha = ?')
      .get(repositoryId, sha);
    return row ? { parents: splitParents(row.parents), generation: row.generation } : undefined;
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

  /** The moment the configured repositories were all last synced: the oldest of their sync times. */
  asOf(repositories: string[]): string | null {
    if (repositories.length === 0) return null;
    const row = this
      .prepare<[string], { synced: number; oldest: string | null }>(
        `SELECT count(synced_at) AS synced, min(synced_at) AS oldest FROM repositories WHERE name IN (SELECT value FROM json_each(?))`,
      )
      .get(JSON.stringify(repositories))!;
    return row.synced === repositories.length ? row.oldest : null;
  }

  ticketFacts(ticket: string, environments: string[], repositories: string[]): TicketFacts {
    const repoRows = this
      .prepare<[string], { id: number; name: string }>('SELECT id, name FROM repositories WHERE name IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(repositories));
    const order = new Map(repositories.map((name, index) => [name, index]));
    repoRows.sort((a, b) => order.get(a.name)! - order.get(b.name)!);
    return {
      ticket,
      asOf: this.asOf(repositories),
      environments,
      repositories: repoRows
        .map((repo) => this.repositoryFacts(repo.id, repo.name, ticket))
        .filter((facts) => facts.ticketCommits.length > 0),
      mentions: this.mentionsOf(ticket, repoRows),
      rejections: this.ledger.rejections(ticket),
      lastApproval: this.ledger.lastApprovalOf(ticket),
      dependencies: this.dependencyEdges(ticket),
      manualSteps: { added: this.ledger.addedManualSteps(ticket), states: this.ledger.manualStepStates(ticket) },
      tracker: this.trackerTicket(ticket),
      staleSources: this.sourceHealth().filter((source) => source.stale),
    };
  }

  /** Every ticket that owns a non-merge commit in the given repositories, sorted. */
  ownedTickets(repositories: string[]): string[] {
    return this
      .prepare<[string, string], { ticket: string }>(
        `SELECT DISTINCT t.ticket FROM ticket_refs t JOIN commits c ON c.id = t.commit_id JOIN repositories r ON r.id = c.repository_id
         WHERE r.name IN (SELECT value FROM json_each(?)) AND instr(c.parents, ' ') = 0 AND t.source IN (SELECT value FROM json_each(?))
           AND EXISTS (SELECT 1 FROM commit_files f WHERE f.commit_id = c.id) AND EXISTS (SELECT 1 FROM branch_commits b WHERE b.commit_id = c.id)
         ORDER BY t.ticket`,
      )
      .all(JSON.stringify(repositories), this.owning)
      .map((row) => row.ticket);
  }

  trackerTicket(ticket: string): TrackerFact | null {
    const row = this
      .prepare<[string], { summary: string | null; status: string | null; type: string | null; assignee: string | null; fix_versions: string; url: string | null }>(
        'SELECT summary, status, type, assignee, fix_versions, url FROM tickets WHERE key = ?',
      )
      .get(ticket);
    if (!row) return null;
    return { summary: row.summary ?? '', status: row.status ?? '', type: row.type, assignee: row.assignee, fixVersions: JSON.parse(row.fix_versions) as string[], url: row.url ?? '' };
  }

  ticketsInFixVersion(version: string): string[] {
    return this.trackers.ticketsInFixVersion(version);
  }

  sourceHealth(): SourceHealth[] {
    return this.trackers.sourceStates().map((state) => ({
      source: state.source,
      okAt: state.okAt,
      // A success clears failed_at: a failure on record is newer than the last good data.
      stale: state.failedAt !== null,
      error: state.lastError,
    }));
  }

  resolveCommit(repository: string, sha: string): string | null {
    const prefix = sha.toLowerCase();
    if (!/^[0-9a-f]{4,64}$/.test(prefix)) return null;
    const rows = this
      .prepare<[string, string, string], { sha: string }>(
        `SELECT c.sha FROM commits c JOIN repositories r ON r.id = c.repository_id WHERE r.name = ? AND c.sha >= ? AND c.sha < ?
           AND EXISTS (SELECT 1 FROM branch_commits b WHERE b.commit_id = c.id) LIMIT 2`,
      )
      .all(repository, prefix, `${prefix}g`);
    return rows.length === 1 ? rows[0]!.sha : null;
  }

  /**
   * Declared and tracker edges as stored; companions from ownership: the tickets that own a commit
   * together with this one (a mere mention makes no companion).
   */
  dependencyEdges(ticket: string): TicketFacts['dependencies'] {
    const rows = this
      .prepare<[string, string, string, string, string], { other: string; kind: 'declared' | 'companion' | 'tracker'; direction: 'needs' | 'needed-by' }>(
        `SELECT DISTINCT depends_on AS other, kind, 'needs' AS direction FROM ticket_dependencies d WHERE ticket = ? AND kind <> 'companion' AND (d.commit_id IS NULL OR EXISTS (SELECT 1 FROM branch_commits b WHERE b.commit_id = d.commit_id))
         UNION SELECT DISTINCT ticket AS other, kind, 'needed-by' AS direction FROM ticket_dependencies d WHERE depends_on = ? AND kind <> 'companion' AND (d.commit_id IS NULL OR EXISTS (SELECT 1 FROM branch_commits b WHERE b.commit_id = d.commit_id))
         UNION SELECT DISTINCT other.ticket AS other, 'companion' AS kind, 'needs' AS direction
           FROM ticket_refs mine JOIN ticket_refs other ON other.commit_id = mine.commit_id
           JOIN commits c ON c.id = mine.commit_id
           WHERE mine.ticket = ? AND other.ticket <> mine.ticket AND instr(c.parents, ' ') = 0 AND EXISTS (SELECT 1 FROM branch_commits b WHERE b.commit_id = c.id)
             AND mine.source IN (SELECT value FROM json_each(?)) AND other.source IN (SELECT value FROM json_each(?))
         ORDER BY direction DESC, other, kind`,
      )
      .all(ticket, ticket, ticket, this.owning, this.owning);
    return rows.map((row) => ({ ticket: row.other, kind: row.kind, direction: row.direction }));
  }

  /** Commits naming the ticket in a place that does not own (a body mention), newest first. */
  private mentionsOf(ticket: string, repositories: Array<{ id: number; name: string }>): Mention[] {
    const names = new Map(repositories.map((repo) => [repo.id, repo.name]));
    const rows = this
      .prepare<[{ ticket: string; repositories: string; owning: string; limit: number }], { id: number; repository_id: number; sha: string; subject: string; committed_at: string; owners: string }>(
        `SELECT c.id, c.repository_id, c.sha, c.subject, c.committed_at,
           (SELECT json_group_array(DISTINCT o.ticket) FROM ticket_refs o WHERE o.commit_id = c.id AND o.source IN (SELECT value FROM json_each(@owning))) AS owners
         FROM ticket_refs t JOIN commits c ON c.id = t.commit_id
         WHERE t.ticket = @ticket AND c.repository_id IN (SELECT value FROM json_each(@repositories)) AND instr(c.parents, ' ') = 0 AND EXISTS (SELECT 1 FROM branch_commits b WHERE b.commit_id = c.id)
           AND NOT EXISTS (SELECT 1 FROM ticket_refs own WHERE own.commit_id = c.id AND own.ticket = @ticket AND own.source IN (SELECT value FROM json_each(@owning)))
         GROUP BY c.id ORDER BY c.committed_at DESC LIMIT @limit`,
      )
      .all({ ticket, repositories: JSON.stringify([...names.keys()]), owning: this.owning, limit: MENTION_LIMIT });
    return rows.map((row) => ({
      repository: names.get(row.repository_id)!,
      sha: row.sha,
      subject: row.subject,
      committedAt: row.committed_at,
      owners: JSON.parse(row.owners) as string[],
    }));
  }

  /** The latest deployment of each environment, with what the running SHA lacks of the branch. */
  private deployments(repositoryId: number, name: string, tips: Map<string, StoredTip>): Record<string, DeploymentFact> {
    const result: Record<string, DeploymentFact> = {};
    for (const deployment of this.ledger.latestDeployments(name)) {
      const tip = tips.get(deployment.environment)?.sha ?? null;
      let notRunning: string[] | null = null;
      if (tip !== null && this.graphNode(repositoryId, deployment.sha)) {
        notRunning = tip === deployment.sha ? [] : commitsNotIn(deployment.sha, tip, (sha) => this.graphNode(repositoryId, sha), DEPLOYMENT_WALK_LIMIT);
      }
      result[deployment.environment] = { sha: deployment.sha, at: deployment.at, source: deployment.source, notRunning };
    }
    return result;
  }

  /** Merged pull requests holding any of the commits, with the environments their merge commit reached. */
  private pullRequestsOf(repositoryId: number, shas: string[]): RepositoryFacts['pullRequests'] {
    const rows = this
      .prepare<[number, string], { number: number; merge_commit_sha: string | null; commit_shas: string }>(
        `SELECT DISTINCT p.number, p.merge_commit_sha, p.commit_shas FROM pull_requests p, json_each(p.commit_shas) c
         WHERE p.repository_id = ? AND c.value IN (SELECT value FROM json_each(?)) AND p.merge_commit_sha IS NOT NULL`,
      )
      .all(repositoryId, JSON.stringify(shas));
    const environmentsOf = this.prepare<[number, string], { environment: string }>(
      'SELECT b.environment FROM branch_commits b JOIN commits c ON c.id = b.commit_id WHERE c.repository_id = ? AND c.sha = ?',
    );
    return rows.map((row) => ({
      number: row.number,
      mergeCommit: row.merge_commit_sha!,
      commits: JSON.parse(row.commit_shas) as string[],
      environments: environmentsOf.all(repositoryId, row.merge_commit_sha!).map((entry) => entry.environment),
    }));
  }

  /** The blob of each given path on each environment branch of a repository. */
  private trees(repositoryId: number, environments: Iterable<string>, paths: string[]): Record<string, Record<string, string>> {
    const trees: Record<string, Record<string, string>> = {};
    // One lookup per (environment, path) on the primary key, never a scan of the branch's files.
    const lookup = this.prepare<[number, string, string], { path: string; blob: string }>(
      'SELECT path, blob FROM branch_files WHERE repository_id = ? AND environment = ? AND path IN (SELECT value FROM json_each(?))',
    );
    const wanted = JSON.stringify([...new Set(paths)]);
    for (const environment of environments) {
      const tree: Record<string, string> = {};
      for (const row of lookup.all(repositoryId, environment, wanted)) tree[row.path] = row.blob;
      trees[environment] = tree;
    }
    return trees;
  }

  /** The ticket's own commits are its non-merge, non-empty commits (docs/history.md §2): an empty commit changes nothing to promote. */
  private repositoryFacts(repositoryId: number, name: string, ticket: string): RepositoryFacts {
    const ticketIds = this
      .prepare<[number, string, string], { id: number }>(
        `SELECT DISTINCT c.id FROM ticket_refs t JOIN commits c ON c.id = t.commit_id
         WHERE c.repository_id = ? AND t.ticket = ? AND instr(c.parents, ' ') = 0 AND t.source IN (SELECT value FROM json_each(?))
           AND EXISTS (SELECT 1 FROM commit_files f WHERE f.commit_id = c.id) AND EXISTS (SELECT 1 FROM branch_commits b WHERE b.commit_id = c.id)`,
      )
      .all(repositoryId, ticket, this.owning)
      .map((row) => row.id);
    const tips = this.tips(repositoryId);
    const branches = [...tips].map(([environment, tip]) => ({ environment, branch: tip.branch, exists: tip.sha !== null }));
    if (ticketIds.length === 0) return { name, branches, ticketCommits: [], relatives: [], trees: {}, deployments: {}, pullRequests: [] };

    const ticketCommits = this.commitsById(ticketIds);
    const relativeIds = this.relativeIds(repositoryId, ticketCommits).filter((id) => !ticketIds.includes(id));
    // A relative on no branch is one an unfinished sync stored: not published, not seen.
    const relatives = this.commitsById(relativeIds).filter((commit) => commit.environments.length > 0);
    return {
      name,
      branches,
      ticketCommits,
      relatives,
      trees: this.trees(repositoryId, tips.keys(), [...ticketCommits, ...relatives].flatMap((commit) => Object.keys(commit.blobs))),
      deployments: this.deployments(repositoryId, name, tips),
      pullRequests: this.pullRequestsOf(repositoryId, ticketCommits.map((commit) => commit.sha)),
    };
  }

  /** Commits that copy, or are copied by, or revert a ticket commit. */
  private relativeIds(repositoryId: number, commits: IndexedCommit[]): number[] {
    const patchIds = commits.map((commit) => commit.patchId).filter((id): id is string => id !== null);
    const shas = commits.map((commit) => commit.sha);
    const origins = commits.flatMap((commit) => [...commit.cherryPickedFrom, ...commit.reverts]);
    const ids = new Set<number>();
    const samePatch = this.prepare<[number, string], { id: number }>(
      'SELECT id FROM commits WHERE repository_id = ? AND patch_id IN (SELECT value FROM json_each(?))',
    );
    for (const row of samePatch.all(repositoryId, JSON.stringify(patchIds))) ids.add(row.id);
    // Links may name a commit by an abbreviated SHA: look up every prefix git could have written.
    // CROSS JOIN keeps SQLite from walking every commit of the repository first.
    const prefixes = shas.flatMap((sha) => Array.from({ length: sha.length - 6 }, (_, index) => sha.slice(0, 7 + index)));
    const linking = this.prepare<[string, number], { commit_id: number }>(
      `SELECT l.commit_id FROM commit_links l CROSS JOIN commits c ON c.id = l.commit_id
       WHERE l.target_sha IN (SELECT value FROM json_each(?)) AND c.repository_id = ?`,
    );
    for (const row of linking.all(JSON.stringify(prefixes), repositoryId)) ids.add(row.commit_id);
    const byPrefix = this.prepare<[number, string, string], { id: number }>(
      'SELECT id FROM commits WHERE repository_id = ? AND sha >= ? AND sha < ? LIMIT 2',
    );
    for (const origin of origins) {
      const matches = byPrefix.all(repositoryId, origin, `${origin}g`);
      if (matches.length === 1) ids.add(matches[0]!.id);
    }
    return [...ids];
  }

  private commitsById(ids: number[]): IndexedCommit[] {
    if (ids.length === 0) return [];
    const rows = this
      .prepare<[string], CommitRow>(
        `SELECT c.sha, c.parents, c.generation, c.subject, c.author_name, c.author_email, c.committed_at, c.patch_id, c.additions, c.deletions,
           (SELECT json_group_array(json_array(path, blob, renamed_from)) FROM (SELECT path, blob, renamed_from FROM commit_files f WHERE f.commit_id = c.id ORDER BY path)) AS files,
           (SELECT json_group_array(value) FROM (SELECT value FROM commit_trailers t WHERE t.commit_id = c.id AND t.key = 'Manual-Step' ORDER BY position)) AS manual_steps,
           (SELECT json_group_array(environment) FROM branch_commits b WHERE b.commit_id = c.id) AS environments,
           (SELECT json_group_array(json_array(kind, target_sha)) FROM commit_links l WHERE l.commit_id = c.id) AS links
         FROM commits c WHERE c.id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(ids));
    return rows.map((row) => {
      const links = JSON.parse(row.links) as Array<[string, string]>;
      const files = JSON.parse(row.files) as Array<[string, string | null, string | null]>;
      // A rename wrote the new path and removed the old one.
      const blobs: Record<string, string | null> = {};
      for (const [, , renamedFrom] of files) if (renamedFrom !== null && !(renamedFrom in blobs)) blobs[renamedFrom] = null;
      for (const [path, blob] of files) blobs[path] = blob;
      return {
        sha: row.sha,
        parents: splitParents(row.parents),
        generation: row.generation,
        subject: row.subject,
        authorName: row.author_name,
        authorEmail: row.author_email,
        committedAt: row.committed_at,
        files: files.map(([path]) => path),
        blobs,
        additions: row.additions,
        deletions: row.deletions,
        manualSteps: JSON.parse(row.manual_steps) as string[],
        patchId: row.patch_id,
        cherryPickedFrom: links.filter(([kind]) => kind === 'cherry-pick').map(([, target]) => target),
        reverts: links.filter(([kind]) => kind === 'revert').map(([, target]) => target),
        environments: JSON.parse(row.environments) as string[],
      };
    });
  }
}

interface CommitRow {
  sha: string;
  parents: string;
  generation: number;
  subject: string;
  author_name: string;
  author_email: string;
  committed_at: string;
  patch_id: string | null;
  additions: number;
  deletions: number;
  manual_steps: string;
  files: string;
  environments: string;
  links: string;
}

function splitParents(parents: string): string[] {
  return parents === '' ? [] : parents.split(' ');
}
