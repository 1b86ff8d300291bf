import type { TrackerTicket } from '../engine/model.js';
import type { Db } from './database.js';
import { statementCache } from './statements.js';

/** Tracker facts (tickets, their links, rejections and manual steps) and each source's health. */
/** A tracker ticket with its manual steps already given their stable ids. */
export type TrackerTicketRecord = TrackerTicket<{ id: string; summary: string }>;

export interface SourceState {
  source: string;
  cursor: string | null;
  okAt: string | null;
  failedAt: string | null;
  lastError: string | null;
}

export class TrackerStore {
  /** Statements prepared once per connection (statements.ts). */
  private readonly prepare: ReturnType<typeof statementCache>;

  constructor(private readonly db: Db) {
    this.prepare = statementCache(this.db);
  }

  /**
   * Writes what a tracker said about some tickets, in one transaction. Their rejections and manual
   * steps are the ledger's (Ledger.addTrackerRecords), written first by the tracker sync.
   */
  saveTickets(source: string, tickets: TrackerTicketRecord[], fetchedAt: string): void {
    const upsert = this.prepare(
      `INSERT INTO tickets (key, summary, status, type, assignee, fix_versions, url, source, updated_at, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET summary = excluded.summary, status = excluded.status, type = excluded.type, assignee = excluded.assignee,
         fix_versions = excluded.fix_versions, url = excluded.url, source = excluded.source, updated_at = excluded.updated_at, fetched_at = excluded.fetched_at`,
    );
    const clearLinks = this.prepare("DELETE FROM ticket_dependencies WHERE ticket = ? AND kind = 'tracker'");
    const addLink = this.prepare("INSERT OR IGNORE INTO ticket_dependencies (ticket, depends_on, kind, commit_id, source) VALUES (?, ?, 'tracker', NULL, ?)");
    this.db.transaction(() => {
      for (const ticket of tickets) {
        upsert.run(ticket.key, ticket.summary, ticket.status, ticket.type, ticket.assignee, JSON.stringify(ticket.fixVersions), ticket.url, source, ticket.updatedAt, fetchedAt);
        clearLinks.run(ticket.key);
        for (const need of ticket.needs) addLink.run(ticket.key, need.ticket, source);
      }
    })();
  }

  /** Tickets named in commits, limited to the given project keys. */
  ticketsSeenInCommits(projects: string[] | null): string[] {
    const keys = this.prepare<[], { ticket: string }>('SELECT DISTINCT ticket FROM ticket_refs ORDER BY ticket').all().map((row) => row.ticket);
    return projects === null ? keys : keys.filter((key) => projects.includes(key.slice(0, key.lastIndexOf('-'))));
  }

  fetchedTickets(): Set<string> {
    return new Set(this.prepare<[], { key: string }>('SELECT key FROM tickets').all().map((row) => row.key));
  }

  /** Keys the tracker said it does not have, checked after `since` (older ones are worth asking again). */
  unknownKeys(source: string, since: string): Set<string> {
    return new Set(
      this
        .prepare<[string, string], { key: string }>('SELECT key FROM tracker_unknown_keys WHERE source = ? AND checked_at >= ?')
        .all(source, since)
        .map((row) => row.key),
    );
  }

  markUnknown(source: string, keys: string[], at: string): void {
    const mark = this.prepare('INSERT INTO tracker_unknown_keys (key, source, checked_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET checked_at = excluded.checked_at');
    const forget = this.prepare('DELETE FROM tracker_unknown_keys WHERE key = ?');
    this.db.transaction(() => {
      for (const key of keys) mark.run(key, source, at);
      // A key that turns up after all is known now.
      for (const row of this.prepare<[string], { key: string }>('SELECT key FROM tracker_unknown_keys WHERE source = ?').all(source)) {
        if (this.prepare('SELECT 1 FROM tickets WHERE key = ?').get(row.key)) forget.run(row.key);
      }
    })();
  }

  /** Fix versions whose tickets were read whole at least once. */
  fixVersionsRead(source: string): Set<string> {
    return new Set(this.prepare<[string], { version: string }>('SELECT version FROM tracker_fix_versions WHERE source = ?').all(source).map((row) => row.version));
  }

  markFixVersionsRead(source: string, versions: string[], at: string): void {
    const mark = this.prepare('INSERT INTO tracker_fix_versions (source, version, read_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.db.transaction(() => {
      for (const version of versions) mark.run(source, version, at);
    })();
  }

  ticketsInFixVersion(version: string): string[] {
    return this
      .prepare<[string], { key: string }>('SELECT key FROM tickets WHERE EXISTS (SELECT 1 FROM json_each(tickets.fix_versions) v WHERE v.value = ?) ORDER BY key')
      .all(version)
      .map((row) => row.key);
  }

  sourceState(source: string): SourceState {
    const row = this
      .prepare<[string], { source: string; cursor: string | null; ok_at: string | null; failed_at: string | null; last_error: string | null }>('SELECT * FROM source_state WHERE source = ?')
      .get(source);
    return { source, cursor: row?.cursor ?? null, okAt: row?.ok_at ?? null, failedAt: row?.failed_at ?? null, lastError: row?.last_error ?? null };
  }

  sourceStates(): SourceState[] {
    return this
      .prepare<[], { source: string; cursor: string | null; ok_at: string | null; failed_at: string | null; last_error: string | null }>('SELECT * FROM source_state ORDER BY source')
      .all()
      .map((row) => ({ source: row.source, cursor: row.cursor, okAt: row.ok_at, failedAt: row.failed_at, lastError: row.last_error }));
  }

  /** Forgets the health and cursor of every source but these; returns how many were forgotten. */
  forgetSourcesOtherThan(keep: string[]): number {
    return this.prepare('DELETE FROM source_state WHERE source NOT IN (SELECT value FROM json_each(?))').run(JSON.stringify(keep)).changes;
  }

  sourceSucceeded(source: string, cursor: string | null, at: string): void {
    this
      .prepare(
        `INSERT INTO source_state (source, cursor, ok_at, failed_at, last_error) VALUES (?, ?, ?, NULL, NULL)
         ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, ok_at = excluded.ok_at, failed_at = NULL, last_error = NULL`,
      )
      .run(source, cursor, at);
  }

  sourceFailed(source: string, error: string, at: string): void {
    this
      .prepare(
        `INSERT INTO source_state (source, failed_at, last_error) VALUES (?, ?, ?)
         ON CONFLICT (source) DO UPDATE SET failed_at = excluded.failed_at, last_error = excluded.last_error`,
      )
      .run(source, at, error);
  }

  /** ETag cache for conditional requests. */
  cached(url: string): { etag: string; body: string } | null {
    return this.prepare<[string], { etag: string; body: string }>('SELECT etag, body FROM http_cache WHERE url = ?').get(url) ?? null;
  }

  cache(url: string, etag: string, body: string, at: string): void {
    this
      .prepare('INSERT INTO http_cache (url, etag, body, fetched_at) VALUES (?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, body = excluded.body, fetched_at = excluded.fetched_at')
      .run(url, etag, body, at);
  }
}
