import type { Mention, TicketFacts, TrackerFact } from '../engine/model.js';
import { SOURCES_OF_PLACE } from '../engine/ownership.js';
import type { IndexedBranches, IndexReader, LedgerRecords, SourceHealth } from '../engine/ports.js';
import { indexedBranches } from './index-graph.js';
import type { Db } from './database.js';
import { RepositoryFactsReader } from './repository-facts.js';
import { statementCache, type Prepare } from './statements.js';
import type { TrackerStore } from './tracker-store.js';

/** What the read side asks of the tracker facts. */
export type TrackerReads = Pick<TrackerStore, 'ticketsInFixVersion' | 'sourceStates'>;

export interface IndexReadStoreOptions {
  /** Which places of a message make a commit a ticket's (config `tickets.ownedBy`). */
  ownedBy: Array<keyof typeof SOURCES_OF_PLACE>;
  /** The app's tracker store (main.ts creates one and hands it here). */
  trackers: TrackerReads;
  /**
   * What the configuration names as sources: the health of any other source (a repository or Jira
   * taken out of the configuration) is not reported, and the next sync forgets it.
   */
  configured: { repositories: string[]; jira: boolean };
}

const MENTION_LIMIT = 10;

/**
 * The read side of the index, as the engine asks for it (engine/ports.ts): everything known about a
 * ticket — its commits per repository, mentions, dependencies, tracker facts, the ledger's decisions
 * — and the staleness of each source. Reads only what a sync published: a commit on no
 * environment branch is invisible here.
 */
export class IndexReadStore implements IndexReader {
  /** Statements prepared once per connection (statements.ts). */
  private readonly prepare: Prepare;
  private readonly trackers: TrackerReads;
  private readonly configured: IndexReadStoreOptions['configured'];
  /** The ref sources that own, as a JSON array for `IN (SELECT value FROM json_each(?))`. */
  private readonly owning: string;
  private readonly repositories: RepositoryFactsReader;

  constructor(db: Db, options: IndexReadStoreOptions) {
    this.prepare = statementCache(db);
    this.trackers = options.trackers;
    this.configured = options.configured;
    this.owning = JSON.stringify(options.ownedBy.map((place) => SOURCES_OF_PLACE[place]));
    this.repositories = new RepositoryFactsReader(this.prepare, this.owning);
  }

  indexedBranches(repositories: readonly string[]): IndexedBranches[] {
    return indexedBranches(this.prepare, repositories);
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

  ticketFacts(ticket: string, environments: string[], repositories: string[], records: LedgerRecords): TicketFacts {
    const recorded = records.tickets.get(ticket);
    // A command reads the ledger records of every ticket it evaluates first (commands/evaluation.ts).
    if (recorded === undefined) throw new Error(`the ledger records of ${ticket} were not read`);
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
        .map((repo) => this.repositories.of(repo.id, repo.name, ticket, records.deployments.get(repo.name) ?? []))
        .filter((facts) => facts.ticketCommits.length > 0),
      mentions: this.mentionsOf(ticket, repoRows),
      rejections: recorded.rejections,
      lastApproval: recorded.lastApproval,
      dependencies: this.dependencyEdges(ticket),
      manualSteps: recorded.manualSteps,
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
    // The GitHub sources of configured repositories, read once rather than once per source.
    const github = new Set(
      this.prepare<[string], { location: string }>('SELECT location FROM repositories WHERE name IN (SELECT value FROM json_each(?))')
        .all(JSON.stringify(this.configured.repositories))
        .map((row) => `github:${row.location}`),
    );
    return this.trackers.sourceStates().filter((state) => this.isConfigured(state.source, github)).map((state) => ({
      source: state.source,
      okAt: state.okAt,
      // A success clears failed_at: a failure on record is newer than the last good data.
      stale: state.failedAt !== null,
      error: state.lastError,
    }));
  }

  /** Whether a source of source_state is still in the configuration (indexer/pipeline.ts names them). */
  private isConfigured(source: string, github: ReadonlySet<string>): boolean {
    const { repositories, jira } = this.configured;
    if (source === 'jira') return jira;
    if (source.startsWith('git:')) return repositories.includes(source.slice('git:'.length));
    if (source.startsWith('github:')) return github.has(source);
    return true;
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
}
