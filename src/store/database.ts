import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
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
export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  let db: Db;
  try {
    db = new Database(file);
  } catch (error) {
    throw new GigError('STORE_CORRUPT', `Cannot open the database ${file}: ${(error as Error).message}`, {
      hint: 'Check the path given with --db or GIG_DB and that this user may write there.',
      cause: error,
    });
  }
  try {
    db.pragma('busy_timeout = 5000');
    checkIntegrity(db, file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    migrate(db, file);
    return db;
  } catch (error) {
    db.close();
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
  const pending = loadMigrations().filter((migration) => migration.version > current);
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const migration of pending) {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }
  }).immediate();
}
