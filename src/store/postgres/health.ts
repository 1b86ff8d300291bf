import { LEDGER_TABLES } from '../ledger-transfer.js';
import { ledgerAddress, POSTGRES_SCHEMA_VERSION, schemaVersion } from './connection.js';
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
  // Statements wait for the migration (PgDatabase.query), so the schema read below is after it.
  const server = (await db.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
  const schema = await schemaVersion(db);
  const wanted = LEDGER_TABLES.flatMap((table) => ['SELECT', 'INSERT', ...(ALSO_NEEDED[table] ?? [])].map((privilege) => ({ table, privilege })));
  const granted = await db.query<{ table: string; privilege: string; granted: boolean }>(
    `SELECT t AS "table", p AS privilege, has_table_privilege(current_user, t, p) AS granted
     FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(t, p, n) ORDER BY n`,
    [wanted.map((want) => want.table), wanted.map((want) => want.privilege)],
  );
  const missing = granted.rows.filter((row) => !row.granted).map((row) => `${row.table}: ${row.privilege}`);
  return { where: ledgerAddress(db.pool), server, schema, expected: POSTGRES_SCHEMA_VERSION, missing };
}
