import { spawnSync } from 'node:child_process';
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GigError } from '../src/errors.js';
import { INTEGRITY_CHECK_INTERVAL_MS, INTEGRITY_CHECKED_AT, openDatabase, type Db, type IntegrityCheck } from '../src/store/database.js';
import { tempDir } from './helpers/workspace.js';

/**
 * Opening the store costs the same at any size of history (issue #12, "Open the store cheaply"):
 * SQLite's integrity check, whose cost grows with the file, runs only where it is asked for.
 */
const T0 = Date.parse('2026-11-20T09:00:00Z');
const HOUR = 3_600_000;

function lastCheck(db: Db): string | undefined {
  return db.prepare<[string], string>('SELECT value FROM settings WHERE key = ?').pluck().get(INTEGRITY_CHECKED_AT);
}

/** Opens, reads when the last integrity check passed, closes. */
function openAt(file: string, integrityCheck: IntegrityCheck | undefined, at: number): string | undefined {
  const db = openDatabase(file, { ...(integrityCheck ? { integrityCheck } : {}), now: () => new Date(at) });
  try {
    return lastCheck(db);
  } finally {
    db.close();
  }
}

/** A gig database with one page near its end overwritten: quick_check fails, but it still opens. */
function damagedDatabase(): string {
  const file = path.join(tempDir(), 'gig.db');
  const db = openDatabase(file);
  db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, text TEXT); CREATE INDEX filler_text ON filler (text);');
  const insert = db.prepare('INSERT INTO filler (text) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 2000; i += 1) insert.run(`row ${i} ${'x'.repeat(50)}`);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const size = statSync(file).size;
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(4000, 0x55), 0, 4000, size - 4000);
  closeSync(fd);
  return file;
}

describe('opening the store', () => {
  it('runs no integrity check for a read, and records none', () => {
    const file = path.join(tempDir(), 'gig.db');
    expect(openAt(file, undefined, T0)).toBeUndefined();
    expect(openAt(file, 'skip', T0)).toBeUndefined();
  });

  it('checks a damaged file only when asked: reads open it, doctor and serve refuse it', () => {
    const file = damagedDatabase();
    expect(() => openDatabase(file).close()).not.toThrow();
    expect(() => openDatabase(file, { integrityCheck: 'always' })).toThrowError(
      expect.objectContaining({ code: 'STORE_CORRUPT', message: expect.stringContaining('failed its integrity check') }) as GigError,
    );
    expect(() => openDatabase(file, { integrityCheck: 'when-due' })).toThrowError(expect.objectContaining({ code: 'STORE_CORRUPT' }) as GigError);
  });

  it('still refuses a file that is not a database without the check', () => {
    const file = damagedDatabase();
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.from('not a database, not even its header'), 0, undefined, 0);
    closeSync(fd);
    expect(() => openDatabase(file)).toThrowError(expect.objectContaining({ code: 'STORE_CORRUPT' }) as GigError);
  });

  it('checks when due (sync): never checked, or last checked a day ago; not in between', () => {
    const file = path.join(tempDir(), 'gig.db');
    openDatabase(file).close();
    const first = new Date(T0).toISOString();
    expect(openAt(file, 'when-due', T0)).toBe(first);
    expect(openAt(file, 'when-due', T0 + 23 * HOUR)).toBe(first);
    expect(openAt(file, 'when-due', T0 + INTEGRITY_CHECK_INTERVAL_MS)).toBe(new Date(T0 + INTEGRITY_CHECK_INTERVAL_MS).toISOString());
    // 'always' (doctor, serve) checks whatever the last check.
    expect(openAt(file, 'always', T0 + INTEGRITY_CHECK_INTERVAL_MS + HOUR)).toBe(new Date(T0 + INTEGRITY_CHECK_INTERVAL_MS + HOUR).toISOString());
  });

  it('checks when due (sync) after a sync that did not end cleanly, not while one is running', () => {
    const file = path.join(tempDir(), 'gig.db');
    const first = new Date(T0).toISOString();
    expect(openAt(file, 'when-due', T0)).toBe(first);
    const db = openDatabase(file);
    const running = db.prepare("INSERT INTO sync_runs (started_at, status, owner, heartbeat_at) VALUES (?, 'running', ?, ?)");
    // A sync of a process on this host that is alive (this one) is at work, not interrupted.
    const live = running.run(first, `${hostname()}:${process.pid}`, new Date(T0 + HOUR - 60_000).toISOString()).lastInsertRowid;
    db.close();
    expect(openAt(file, 'when-due', T0 + HOUR)).toBe(first);
    const reopened = openDatabase(file);
    reopened.prepare("UPDATE sync_runs SET status = 'ok' WHERE id = ?").run(live);
    // One left running by a process that is gone.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    reopened.prepare("INSERT INTO sync_runs (started_at, status, owner, heartbeat_at) VALUES (?, 'running', ?, ?)").run(first, `${hostname()}:${gone}`, first);
    reopened.close();
    expect(openAt(file, 'when-due', T0 + 2 * HOUR)).toBe(new Date(T0 + 2 * HOUR).toISOString());
    // Reads never check, even then.
    expect(openAt(file, 'skip', T0 + 3 * HOUR)).toBe(new Date(T0 + 2 * HOUR).toISOString());
  });
});
