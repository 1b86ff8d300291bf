import { GigError } from '../errors.js';
import type { Db } from './database.js';
import { SCHEMA_VERSION } from './database.js';

/**
 * The ledger: what people decided and what gig promised, which nothing can recreate (DESIGN; the
 * guard in test/ledger-migrations.test.ts keeps these additive). Listed parents first, so an import
 * inserts a row after the rows it refers to.
 */
export const LEDGER_TABLES = [
  'releases',
  'approvals',
  'rejections',
  'deployments',
  'manual_steps',
  'manual_step_events',
  'digest_runs',
  'conversation_refs',
  'settings',
  'seen_requests',
  'watches',
  'watch_announcements',
] as const;

/** The first line of an export: what it is, and the schema it was written at. */
export interface LedgerHeader {
  gig: 'ledger';
  schema: number;
  exportedAt: string;
  rows: Record<string, number>;
}

/**
 * Every ledger row, for JSON lines: a header, then `{ table, row }` per row, each table in
 * primary-key order. Read in one transaction, so the export is one moment of the ledger.
 */
export function* exportLedger(db: Db, exportedAt: string): Generator<LedgerHeader | { table: string; row: Record<string, unknown> }> {
  const read = db.transaction(() =>
    LEDGER_TABLES.map((table) => ({ table, rows: db.prepare(`SELECT * FROM ${table} ORDER BY ${orderOf(db, table)}`).all() as Array<Record<string, unknown>> })),
  );
  const tables = read();
  const header: LedgerHeader = { gig: 'ledger', schema: SCHEMA_VERSION, exportedAt, rows: Object.fromEntries(tables.map(({ table, rows }) => [table, rows.length])) };
  yield header;
  for (const { table, rows } of tables) for (const row of rows) yield { table, row };
}

/**
 * Reads an export into this database's ledger, all or nothing. Only into an empty ledger: merging
 * two teams' decisions is not a copy, and a second import of the same file must not double them.
 * Returns the rows written per table, which must equal the header's counts.
 */
export function importLedger(db: Db, lines: Iterable<string>): Record<string, number> {
  const known = new Set<string>(LEDGER_TABLES);
  const iterator = lines[Symbol.iterator]();
  const first = iterator.next();
  const header = parseLine(first.done ? '' : first.value, 1) as LedgerHeader;
  if (header.gig !== 'ledger' || typeof header.schema !== 'number') throw new GigError('USAGE', 'The file is not a gig ledger export (its first line is not the header).');
  if (header.schema > SCHEMA_VERSION) {
    throw new GigError('USAGE', `The export was written at ledger schema ${header.schema}; this gig knows up to ${SCHEMA_VERSION}.`, { hint: 'Import it with the gig that exported it, or a newer one.' });
  }
  const held = LEDGER_TABLES.filter((table) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n > 0 && table !== 'settings');
  if (held.length > 0) {
    throw new GigError('USAGE', `The ledger of this database already holds rows (${held.join(', ')}).`, { hint: 'Import into a new database: gig --db <new file> ledger import <export>.' });
  }
  const written: Record<string, number> = Object.fromEntries(LEDGER_TABLES.map((table) => [table, 0]));
  const insert = new Map<string, (row: Record<string, unknown>) => void>();
  db.transaction(() => {
    // `settings` holds keys gig creates on first use (the packet signing key): the export's win.
    db.prepare('DELETE FROM settings').run();
    let number = 1;
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      number += 1;
      if (next.value.trim() === '') continue;
      const { table, row } = parseLine(next.value, number) as { table: string; row: Record<string, unknown> };
      if (!known.has(table) || typeof row !== 'object' || row === null) throw new GigError('USAGE', `Line ${number} of the export names no ledger table.`);
      let put = insert.get(table);
      if (!put) {
        const columns = (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as Array<{ name: string }>).map((column) => column.name);
        const statement = db.prepare(`INSERT INTO ${table} (${columns.map((column) => `"${column}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
        put = (values) => statement.run(...columns.map((column) => (values[column] === undefined ? null : values[column])));
        insert.set(table, put);
      }
      put(row);
      written[table]! += 1;
    }
    for (const [table, count] of Object.entries(header.rows ?? {})) {
      if (known.has(table) && written[table] !== count) throw new GigError('USAGE', `The export is incomplete: ${table} has ${written[table]} rows, its header says ${count}.`);
    }
  })();
  return written;
}

/** A table's primary key columns, in key order (some ledger tables are WITHOUT ROWID). */
function orderOf(db: Db, table: string): string {
  const keys = (db.prepare('SELECT name, pk FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk').all(table) as Array<{ name: string }>).map((column) => `"${column.name}"`);
  return keys.length > 0 ? keys.join(', ') : 'rowid';
}

function parseLine(line: string, number: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new GigError('USAGE', `Line ${number} of the export is not JSON.`);
  }
}
