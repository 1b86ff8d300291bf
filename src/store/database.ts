import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type BetterSqlite3 from 'better-sqlite3';
import { GigError } from '../errors.js';
import { latestVersion, migrationsAfter, type Migration } from './migration-files.js';
import { holderAlive } from './holder.js';

export type Db = BetterSqlite3.Database;

// better-sqlite3 is CommonJS: required, not imported, it skips Node's ESM-to-CommonJS translation
// (which reads and lexes its sources for named exports) on every start of every command.
const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** The SQLite file's migrations after `after`; PRAGMA user_version records the last one applied. */
export function loadMigrations(dir = MIGRATIONS_DIR, after = 0): Migration[] {
  return migrationsAfter(dir, after);
}

export const SCHEMA_VERSION = latestVersion(MIGRATIONS_DIR);

/** "gig1": marks a file as gig's (PRAGMA application_id), so gig never takes over another program's database. */
export const GIG_APPLICATION_ID = 0x67696731;

/**
 * When to run `PRAGMA quick_check`, whose cost grows with the database (about 0.1 s at 25k commits,
 * 0.4 s at 250k): never on a plain read ('skip', the default); at every open for `gig doctor` and
 * at the start of `gig serve` ('always'); for `gig sync`, 'when-due': when the last check is older
 * than a day, or a sync since did not end cleanly (its process died while holding the lease).
 */
export type IntegrityCheck = 'skip' | 'when-due' | 'always';

export interface OpenDatabaseOptions {
  integrityCheck?: IntegrityCheck;
  /** The clock 'when-due' compares with. */
  now?: () => Date;
}

/** How old the last integrity check may be before a 'when-due' open runs another. */
export const INTEGRITY_CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;

/** The settings row that holds when the last integrity check passed (ISO UTC). */
export const INTEGRITY_CHECKED_AT = 'integrity_checked_at';

/** A sync lease not renewed for this long belongs to a sync that is gone (as in sync-runs.ts). */
const SYNC_STALE_AFTER_MS = 10 * 60 * 1000;

/**
 * Opens (and creates) the store: WAL so readers never wait for a sync, foreign keys on, an integrity
 * check when `options.integrityCheck` asks for one, and every pending migration applied in one
 * transaction. A database written by a newer gig is refused rather than misread. Nothing here reads
 * more than the schema and a few small rows, so opening costs the same at any size of history.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  const existed = file !== ':memory:' && existsSync(file) && statSync(file).size > 0;
  if (file !== ':memory:') {
    try {
      mkdirSync(path.dirname(file), { recursive: true });
    } catch (error) {
      throw new GigError('STORE_UNAVAILABLE', `Cannot create the folder of the database ${file}: ${(error as Error).message}`, {
        hint: 'Point --db (or GIG_DB) at a file in a folder this user may write.',
        cause: error,
      });
    }
  }
  let db: Db;
  try {
    db = new Database(file);
  } catch (error) {
    throw new GigError('STORE_UNAVAILABLE', `Cannot open the database ${file}: ${(error as Error).message}`, {
      hint: 'Check the path given with --db or GIG_DB and that this user may write there.',
      cause: error,
    });
  }
  try {
    db.pragma('busy_timeout = 5000');
    // Before anything changes the file (WAL, migrations): is it a database, and gig's at all?
    if (existed) readableAs(file, () => checkOwnership(db, file));
    const mode = options.integrityCheck ?? 'skip';
    const now = options.now ?? (() => new Date());
    const checked = mode === 'always' || (mode === 'when-due' && readableAs(file, () => integrityDue(db, now())));
    if (checked) checkIntegrity(db, file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    migrate(db, file);
    if ((db.pragma('application_id', { simple: true }) as number) === 0) db.pragma(`application_id = ${GIG_APPLICATION_ID}`);
    if (checked) {
      db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(INTEGRITY_CHECKED_AT, now().toISOString());
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Another program's SQLite file given by mistake must come out unchanged: gig refuses a file marked
 * for another application, and an unmarked one whose tables are not gig's.
 */
function checkOwnership(db: Db, file: string): void {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  if (applicationId === GIG_APPLICATION_ID) return;
  const version = db.pragma('user_version', { simple: true }) as number;
  const tables = new Set(db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all().map((row) => row.name));
  const foreign = applicationId !== 0 || (version === 0 && tables.size > 0) || (version > 0 && !(tables.has('approvals') && tables.has('commits')));
  if (foreign) {
    throw new GigError('STORE_FOREIGN', `${file} is a SQLite database of another program, not gig's; gig left it unchanged.`, {
      hint: 'Point --db (or GIG_DB) at gig\'s own database, or at a new file (default .gig/gig.db).',
    });
  }
}

/** Runs a first read of the file; one that is not SQLite, or is damaged, says so as the integrity check would. */
function readableAs<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? '');
    if (!code.startsWith('SQLITE_NOTADB') && !code.startsWith('SQLITE_CORRUPT')) throw error;
    throw new GigError('STORE_CORRUPT', `${file} is not a gig database or is damaged: ${(error as Error).message}`, {
      hint: 'Point --db at another file; the index can be rebuilt with `gig sync`, but keep the damaged file: it holds the approval ledger.',
      cause: error,
    });
  }
}

/**
 * Whether a 'when-due' open checks integrity: never checked (or a database from before the
 * settings table), last checked more than a day ago, or the previous sync did not end cleanly: it
 * is still marked running but its process is gone (the partial index on running rows keeps this a
 * lookup, not a scan of every sync ever run).
 */
function integrityDue(db: Db, now: Date): boolean {
  const tables = new Set(db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('settings', 'sync_runs')").pluck().all());
  if (!tables.has('settings')) return true;
  const last = db.prepare<[string], string>('SELECT value FROM settings WHERE key = ?').pluck().get(INTEGRITY_CHECKED_AT);
  const lastMs = last === undefined ? Number.NaN : Date.parse(last);
  if (!Number.isFinite(lastMs) || now.getTime() - lastMs >= INTEGRITY_CHECK_INTERVAL_MS || lastMs > now.getTime()) return true;
  if (!tables.has('sync_runs')) return false;
  try {
    const running = db
      .prepare<[], { owner: string | null; started_at: string; heartbeat_at: string | null }>("SELECT owner, started_at, heartbeat_at FROM sync_runs WHERE status = 'running'")
      .all();
    return running.some((run) => !holderAlive(run.owner, run.heartbeat_at ?? run.started_at, SYNC_STALE_AFTER_MS, now));
  } catch (error) {
    // A sync_runs table from before the lease columns: check rather than guess.
    if (/no such column/.test((error as Error).message)) return true;
    throw error;
  }
}

function checkIntegrity(db: Db, file: string): void {
  let result: string;
  try {
    result = db.pragma('quick_check', { simple: true }) as string;
  } catch (error) {
    throw new GigError('STORE_CORRUPT', `${file} is not a gig database or is damaged: ${(error as Error).message}`, {
      hint: 'Point --db at another file; the index can be rebuilt with `gig sync`, but keep the damaged file: it holds the approval ledger.',
      cause: error,
    });
  }
  if (result !== 'ok') {
    throw new GigError('STORE_CORRUPT', `${file} failed its integrity check: ${result}`, {
      hint: 'Restore the database from a backup, or move it aside and run `gig sync` to rebuild the index.',
    });
  }
}

function migrate(db: Db, file: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new GigError(
      'STORE_NEWER',
      `${file} was written by a newer gig (schema ${current}; this gig knows up to ${SCHEMA_VERSION}).`,
      { hint: 'Upgrade gig to the version that wrote this database, or point --db at another file.' },
    );
  }
  if (current === SCHEMA_VERSION) return;
  const pending = loadMigrations(MIGRATIONS_DIR, current);
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const migration of pending) {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }
  }).immediate();
}
