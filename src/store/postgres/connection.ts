import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type Pg from 'pg';
import { GigError } from '../../errors.js';
import { latestVersion, migrationsAfter, type Migration } from '../migration-files.js';

export type PgPool = Pg.Pool;
export type PgClient = Pg.PoolClient;

/**
 * The plain-SQL migrations of the PostgreSQL ledger, `NNN_name.sql`, next to this module (the build
 * copies them next to the bundle that holds it, scripts/build.mjs).
 */
const MIGRATIONS_DIR = fileURLToPath(new URL('./pg-migrations/', import.meta.url));

/** One number for gig's advisory lock: replicas starting together migrate one after the other. */
const MIGRATION_LOCK = 0x6769_6731; // "gig1"

/** The PostgreSQL ledger's migrations after `after`, with their SQL. */
export function postgresMigrations(after = 0): Migration[] {
  return migrationsAfter(MIGRATIONS_DIR, after);
}

export const POSTGRES_SCHEMA_VERSION = latestVersion(MIGRATIONS_DIR);

export interface PoolOptions {
  /** Connections this process may hold; a replica needs few (every statement is short). */
  max?: number;
}

/**
 * A pool on the ledger's database (`GIG_DATABASE_URL`). node-postgres is CommonJS and loaded only
 * here, so a gig on SQLite never reads it. Idle connections do not keep a CLI process alive.
 */
export function openPool(url: string, options: PoolOptions = {}): PgPool {
  const { Pool, types } = createRequire(import.meta.url)('pg') as typeof Pg;
  const pool = new Pool({
    // BIGINT (only seen_requests.seen_at, milliseconds since the epoch) as a number, as SQLite gives it.
    types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === types.builtins.INT8 ? Number : types.getTypeParser(oid, format))) as typeof types.getTypeParser },
    connectionString: url,
    max: options.max ?? 5,
    allowExitOnIdle: true,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'gig',
  });
  // An idle connection the server drops (a restart, a failover) must not crash the process: the
  // pool replaces it, and the next statement reports what is wrong if it still is.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Applies the migrations this gig knows and the database has not seen, under an advisory lock, each
 * in its own transaction. A database migrated by a newer gig is refused: its rules may be ones this
 * gig does not keep.
 */
export async function migrate(pool: PgPool): Promise<number> {
  const client = await connect(pool);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const current = await schemaVersion(client);
      // Only a migration needs CREATE: a role that may only read and write the tables starts too.
      if (current < POSTGRES_SCHEMA_VERSION) await client.query('CREATE TABLE IF NOT EXISTS gig_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      if (current > POSTGRES_SCHEMA_VERSION) {
        throw new GigError('STORE_NEWER', `The PostgreSQL ledger is at schema ${current}; this gig knows up to ${POSTGRES_SCHEMA_VERSION}.`, {
          hint: 'Run the newer gig that migrated it (every replica runs the same version).',
        });
      }
      for (const migration of postgresMigrations(current)) {
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO gig_schema (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, new Date().toISOString()]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
      return POSTGRES_SCHEMA_VERSION;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

export async function schemaVersion(client: { query<R extends object>(sql: string): Promise<{ rows: R[] }> }): Promise<number> {
  const exists = await client.query<{ present: boolean }>("SELECT to_regclass('gig_schema') IS NOT NULL AS present");
  if (!exists.rows[0]?.present) return 0;
  const row = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM gig_schema');
  return row.rows[0]?.version ?? 0;
}

/** A connection, or gig's error naming the database and what to check (never the password). */
export async function connect(pool: PgPool): Promise<PgClient> {
  try {
    return await pool.connect();
  } catch (error) {
    throw unavailable(pool, error);
  }
}

/** A statement the role may not run (SQLSTATE 42501): gig's error, with the grant that fixes it. */
export function notPermitted(error: unknown): GigError {
  return new GigError('STORE_UNAVAILABLE', `The PostgreSQL role in GIG_DATABASE_URL may not do what gig needs: ${(error as Error).message}.`, {
    hint: 'GRANT it the privileges docs/replicas.md lists (gig doctor names what is missing).',
  });
}

export function unavailable(pool: PgPool, error: unknown): GigError {
  return new GigError('STORE_UNAVAILABLE', `The PostgreSQL ledger at ${ledgerAddress(pool)} cannot be reached: ${(error as Error).message}.`, {
    hint: 'Check GIG_DATABASE_URL (host, port, database, user) and that the server accepts this machine.',
  });
}

/** Where a pool connects, without the password: for messages, logs and `gig doctor`. */
export function ledgerAddress(pool: PgPool): string {
  return redact((pool.options as { connectionString?: string }).connectionString ?? '');
}

/** A connection URL without its password, for messages and logs. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'GIG_DATABASE_URL';
  }
}
