import path from 'node:path';
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { GigError } from '../src/errors.js';
import { GIG_APPLICATION_ID, openDatabase, SCHEMA_VERSION } from '../src/store/database.js';
import { IndexReadStore } from '../src/store/index-reader.js';
import { IndexWriteStore, type NewCommit } from '../src/store/index-writer.js';
import { LedgerStore } from '../src/store/ledger-store.js';
import { TrackerStore } from '../src/store/tracker-store.js';
import { tempDir } from './helpers/workspace.js';

describe('the store', () => {
  it('creates a WAL database with every migration applied', () => {
    const file = path.join(tempDir(), 'nested', 'gig.db');
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(
      expect.arrayContaining(['repositories', 'commits', 'commit_files', 'ticket_refs', 'branch_commits', 'commit_links', 'commit_trailers',
        'approvals', 'rejections', 'deployments', 'manual_steps', 'digest_runs', 'releases', 'conversation_refs']),
    );
    db.close();
  });

  it('opens an existing database again without re-applying migrations', () => {
    const file = path.join(tempDir(), 'gig.db');
    openDatabase(file).close();
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('refuses a database written by a newer gig, and says what to do', () => {
    const file = path.join(tempDir(), 'gig.db');
    const newer = new Database(file);
    newer.pragma(`application_id = ${GIG_APPLICATION_ID}`);
    newer.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    newer.close();
    expect(() => openDatabase(file)).toThrowError(
      expect.objectContaining({ code: 'STORE_NEWER', message: expect.stringContaining('written by a newer gig') }) as GigError,
    );
  });

  it('refuses a file that is not a database', () => {
    const file = path.join(tempDir(), 'gig.db');
    writeFileSync(file, 'this is not sqlite, it is a text file that is long enough to have a header'.repeat(20));
    expect(() => openDatabase(file)).toThrowError(expect.objectContaining({ code: 'STORE_CORRUPT' }) as GigError);
  });

  it('keeps approvals append-only', () => {
    const db = openDatabase(path.join(tempDir(), 'gig.db'));
    db.prepare("INSERT INTO releases (id, source_env, target_env, tickets, manifest_hash, manifest, created_at, updated_at) VALUES ('R1', 'qa', 'uat', '[]', 'h', '{}', 'now', 'now')").run();
    db.prepare("INSERT INTO approvals (release_id, manifest_hash, decision, by, at, platform) VALUES ('R1', 'h', 'approve', 'ana', 'now', 'cli')").run();
    expect(() => db.prepare("UPDATE approvals SET decision = 'flag'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM approvals').run()).toThrow(/append-only/);
    db.close();
  });
});

describe('the index: written by the indexer, read by the engine', () => {
  const commit = (sha: string, subject: string, parents: string[] = []): NewCommit => ({
    sha,
    parents,
    generation: parents.length + 1,
    authorName: 'Ana',
    authorEmail: 'ana@example.com',
    authoredAt: '2026-11-02T10:00:00Z',
    committerName: 'Ana',
    committerEmail: 'ana@example.com',
    committedAt: '2026-11-02T10:00:00Z',
    subject,
    body: '',
    files: [{ path: `${sha}.txt`, additions: 1, deletions: 0, blob: `blob-${sha}` }],
    refs: [{ ticket: 'ABC-1', source: 'subject' }],
    lends: [],
    namesItself: true,
    links: [],
    trailers: [],
    dependencies: [],
  });

  it('shows what a sync stored only once it is published, with the ledger and tracker facts of the app', async () => {
    const sha = 'a1b2c3d4'.repeat(5);
    const db = openDatabase(':memory:');
    const ledger = new LedgerStore(db);
    const trackers = new TrackerStore(db);
    const writer = new IndexWriteStore(db);
    const reader = new IndexReadStore(db, { ownedBy: ['subject', 'trailers', 'branch', 'pr'], trackers, configured: { repositories: ['orders'], jira: true } });
    const repositoryId = writer.upsertRepository('orders', '/repos/orders', 'path');
    writer.markPending(repositoryId);
    const ids = new Map<string, number>();
    writer.insertCommits(repositoryId, [commit(sha, 'ABC-1 totals')], ids);
    await ledger.addRejection({ ticket: 'ABC-1', stage: 'qa', at: '2026-11-03T10:00:00Z', reason: 'off by one', by: 'Ben', source: 'cli' }, '2026-11-03T10:00:00Z');
    trackers.sourceFailed('jira', 'Jira is down', '2026-11-03T11:00:00Z');

    const before = reader.ticketFacts('ABC-1', ['dev'], ['orders'], await ledger.records(['ABC-1'], { repositories: ['orders'], environments: ['dev'] }));
    expect(before.repositories).toEqual([]);
    expect(reader.resolveCommit('orders', sha.slice(0, 8))).toBeNull();
    expect(writer.hasPending(repositoryId)).toBe(true);

    writer.publishAll([{ repositoryId, changes: [{ environment: 'dev', branch: 'develop', ref: 'refs/heads/develop', sha, reset: true, add: [ids.get(sha)!], remove: [], files: new Map([[`${sha}.txt`, `blob-${sha}`]]) }], mergeRefs: [] }], '2026-11-03T12:00:00Z');
    const after = reader.ticketFacts('ABC-1', ['dev'], ['orders'], await ledger.records(['ABC-1'], { repositories: ['orders'], environments: ['dev'] }));
    expect(after.asOf).toBe('2026-11-03T12:00:00Z');
    expect(after.repositories.map((repository) => [repository.name, repository.ticketCommits.map((indexed) => [indexed.sha, indexed.environments])])).toEqual([['orders', [[sha, ['dev']]]]]);
    expect(after.repositories[0]!.trees).toEqual({ dev: { [`${sha}.txt`]: `blob-${sha}` } });
    expect(after.rejections).toMatchObject([{ stage: 'qa', reason: 'off by one' }]);
    expect(after.staleSources).toMatchObject([{ source: 'jira', stale: true, error: 'Jira is down' }]);
    expect(reader.resolveCommit('orders', sha.slice(0, 8))).toBe(sha);
    expect(writer.hasPending(repositoryId)).toBe(false);
    db.close();
  });
});
