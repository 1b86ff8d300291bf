import { CREATED_ON_FIRST_USE, LEDGER_TABLES, ledgerExport, requireEmptyLedger, type LedgerExport } from '../ledger-transfer.js';
import type { PgClient } from './connection.js';
import type { PgDatabase } from './database.js';

/** Every row of the PostgreSQL ledger, read in one snapshot; the same lines as an export of the SQLite file. */
export async function exportPgLedger(db: PgDatabase, exportedAt: string): Promise<LedgerExport> {
  const tables = await db.transaction(async (client) => {
    const read: Array<{ table: string; rows: Array<Record<string, unknown>> }> = [];
    for (const table of LEDGER_TABLES) {
      const keys = await primaryKey(client, table);
      read.push({ table, rows: (await client.query<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY ${keys.map((key) => `"${key}"`).join(', ')}`)).rows });
    }
    return read;
  }, 'ISOLATION LEVEL REPEATABLE READ READ ONLY');
  return ledgerExport(tables, exportedAt);
}

/**
 * Reads a parsed export into the PostgreSQL ledger, all or nothing, only into an empty ledger;
 * identity counters are moved past the imported ids, so the next decision gets a new one.
 */
export async function importPgLedger(db: PgDatabase, ledger: LedgerExport): Promise<Record<string, number>> {
  return db.transaction(async (client) => {
    const held: string[] = [];
    for (const table of LEDGER_TABLES) {
      if (CREATED_ON_FIRST_USE.includes(table)) continue;
      if ((await client.query(`SELECT 1 FROM ${table} LIMIT 1`)).rowCount) held.push(table);
    }
    requireEmptyLedger(held, 'Import into an empty PostgreSQL database (a new one, or after dropping its gig tables).');
    for (const table of CREATED_ON_FIRST_USE) await client.query(`DELETE FROM ${table}`);
    const columnsOf = new Map<string, string[]>();
    const written: Record<string, number> = Object.fromEntries(LEDGER_TABLES.map((table) => [table, 0]));
    for (const { table, row } of ledger.rows) {
      let columns = columnsOf.get(table);
      if (!columns) {
        columns = (await client.query<{ name: string }>('SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position', [table])).rows.map((column) => column.name);
        columnsOf.set(table, columns);
      }
      await client.query(
        `INSERT INTO ${table} (${columns.map((column) => `"${column}"`).join(', ')}) VALUES (${columns.map((_, index) => `$${index + 1}`).join(', ')})`,
        columns.map((column) => row[column] ?? null),
      );
      written[table]! += 1;
    }
    for (const table of LEDGER_TABLES) {
      const identity = await client.query<{ sequence: string | null }>("SELECT pg_get_serial_sequence($1, 'id') AS sequence WHERE EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'id' AND is_identity = 'YES')", [table]);
      const sequence = identity.rows[0]?.sequence;
      if (sequence) await client.query(`SELECT setval($1, (SELECT coalesce(max(id), 0) + 1 FROM ${table}), false)`, [sequence]);
    }
    return written;
  });
}

async function primaryKey(client: PgClient, table: string): Promise<string[]> {
  const keys = await client.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
     WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
    [table],
  );
  return keys.rows.map((row) => row.name);
}
