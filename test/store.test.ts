import path from 'node:path';
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { GigError } from '../src/errors.js';
import { GIG_APPLICATION_ID, openDatabase, SCHEMA_VERSION } from '../src/store/database.js';
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
