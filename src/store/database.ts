import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { GigError } from '../errors.js';

export type Db = Database.Database;

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Migrations are `NNN_name.sql` files applied in order; PRAGMA user_version records the last one. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d+_.+\.sql$/.test(file))
    .map((file) => ({ version: Number.parseInt(file, 10), name: file, sql: readFileSync(path.join(dir, file), 'utf8') }))
    .sort((a, b) => a.version - b.version);
}

export const SCHEMA_VERSION = Math.max(...loadMigrations().map((migration) => migration.version));

/**
 * Opens (and creates) the store: WAL so readers never wait for a sync, foreign keys on, an integrity
 * check, and every pending migration applied in one transaction. A database written by a newer gig
 * is refused rather than misread.
 */
/** "gig1": marks a file as gig's (PRAGMA application_id), so gig never takes over another program's database. */
export const GIG_APPLICATION_ID = 0x67696731;

export function openDatabase(file: string): Db {
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
    checkIntegrity(db, file);
    // Before anything changes the file (WAL, migrations): is it gig's at all?
    if (existed) checkOwnership(db, file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    migrate(db, file);
    if ((db.pragma('application_id', { simple: true }) as number) === 0) db.pragma(`application_id = ${GIG_APPLICATION_ID}`);
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
  const pending = loadMigrations().filter((migration) => migration.version > current);
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const migration of pending) {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }
  }).immediate();
}
