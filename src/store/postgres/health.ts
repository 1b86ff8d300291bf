import { LEDGER_TABLES } from '../ledger-transfer.js';
import { POSTGRES_SCHEMA_VERSION, redact, schemaVersion } from './connection.js';
import type { PgDatabase } from './database.js';

/** What gig does to each ledger table beyond reading and appending, so the role needs that privilege. */
const ALSO_NEEDED: Record<string, string[]> = {
  releases: ['UPDATE'],
  digest_runs: ['UPDATE'],
  conversation_refs: ['UPDATE'],
  settings: ['DELETE'],
  seen_requests: ['DELETE'],
  watches: ['UPDATE'],
  watch_announcements: ['UPDATE', 'DELETE'],
};

export interface PostgresHealth {
  /** The URL without its password. */
  where: string;
  server: string;
  schema: number;
  expected: number;
  /** `table: PRIVILEGE` the connecting role lacks. */
  missing: string[];
}

/**
 * `gig doctor` on a replica: the ledger's server answers, its schema is the one this gig writes
 * (migrating it when it is behind, as any command would), and the role may do what gig does.
 */
export async function postgresHealth(db: PgDatabase): Promise<PostgresHealth> {
  await db.migrated();
  const where = redact((db.pool.options as { connectionString?: string }).connectionString ?? '');
  const server = (await db.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
  const schema = await schemaVersion(db);
  const missing: string[] = [];
  for (const table of LEDGER_TABLES) {
    for (const privilege of ['SELECT', 'INSERT', ...(ALSO_NEEDED[table] ?? [])]) {
      const row = (await db.query<{ granted: boolean }>('SELECT has_table_privilege(current_user, $1, $2) AS granted', [table, privilege])).rows[0];
      if (!row?.granted) missing.push(`${table}: ${privilege}`);
    }
  }
  return { where, server, schema, expected: POSTGRES_SCHEMA_VERSION, missing };
}
