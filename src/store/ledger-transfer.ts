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

/** One ledger row of an export. */
export interface LedgerRow {
  table: string;
  row: Record<string, unknown>;
}

/** A ledger as exported: its header and its rows, each table in primary-key order. */
export interface LedgerExport {
  header: LedgerHeader;
  rows: LedgerRow[];
}

/** Every ledger row of the SQLite file, read in one transaction, so the export is one moment of the ledger. */
export function exportLedger(db: Db, exportedAt: string): LedgerExport {
  const read = db.transaction(() =>
    LEDGER_TABLES.map((table) => ({ table, rows: db.prepare(`SELECT * FROM ${table} ORDER BY ${orderOf(db, table)}`).all() as Array<Record<string, unknown>> })),
  );
  return ledgerExport(read(), exportedAt);
}

export function ledgerExport(tables: Array<{ table: string; rows: Array<Record<string, unknown>> }>, exportedAt: string): LedgerExport {
  const header: LedgerHeader = { gig: 'ledger', schema: SCHEMA_VERSION, exportedAt, rows: Object.fromEntries(tables.map(({ table, rows }) => [table, rows.length])) };
  return { header, rows: tables.flatMap(({ table, rows }) => rows.map((row) => ({ table, row }))) };
}

/**
 * Reads and checks an export before anything is written: its header, each line, and each table's
 * count against the header. The format is the same whichever store wrote it (SQLite or
 * PostgreSQL keep the same columns), so an export of either imports into the other.
 */
export function parseLedgerExport(lines: Iterable<string>): LedgerExport {
  const known = new Set<string>(LEDGER_TABLES);
  const iterator = lines[Symbol.iterator]();
  const first = iterator.next();
  const header = parseLine(first.done ? '' : first.value, 1) as LedgerHeader;
  if (header?.gig !== 'ledger' || typeof header.schema !== 'number') throw new GigError('USAGE', 'The file is not a gig ledger export (its first line is not the header).');
  if (header.schema > SCHEMA_VERSION) {
    throw new GigError('USAGE', `The export was written at ledger schema ${header.schema}; this gig knows up to ${SCHEMA_VERSION}.`, { hint: 'Import it with the gig that exported it, or a newer one.' });
  }
  const rows: LedgerRow[] = [];
  const counted: Record<string, number> = Object.fromEntries(LEDGER_TABLES.map((table) => [table, 0]));
  let number = 1;
  for (let next = iterator.next(); !next.done; next = iterator.next()) {
    number += 1;
    if (next.value.trim() === '') continue;
    const { table, row } = parseLine(next.value, number) as LedgerRow;
    if (!known.has(table) || typeof row !== 'object' || row === null) throw new GigError('USAGE', `Line ${number} of the export names no ledger table.`);
    rows.push({ table, row });
    counted[table]! += 1;
  }
  for (const [table, count] of Object.entries(header.rows ?? {})) {
    if (known.has(table) && counted[table] !== count) throw new GigError('USAGE', `The export is incomplete: ${table} has ${counted[table]} rows, its header says ${count}.`);
  }
  return { header, rows };
}

/** Refuses an import into a ledger that holds rows: merging two teams' decisions is not a copy. */
export function requireEmptyLedger(held: string[], hint: string): void {
  if (held.length > 0) throw new GigError('USAGE', `The ledger already holds rows (${held.join(', ')}).`, { hint });
}

/** Tables whose rows gig writes by itself on first use (the packet signing key): the export's win. */
export const CREATED_ON_FIRST_USE = ['settings'];

/**
 * Reads an export into the SQLite file's ledger, all or nothing, only into an empty ledger (a
 * second import of the same file must not double it). Returns the rows written per table.
 */
export function importLedger(db: Db, ledger: LedgerExport): Record<string, number> {
  requireEmptyLedger(
    LEDGER_TABLES.filter((table) => !CREATED_ON_FIRST_USE.includes(table) && (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n > 0),
    'Import into a new database: gig --db <new file> ledger import <export>.',
  );
  const written: Record<string, number> = Object.fromEntries(LEDGER_TABLES.map((table) => [table, 0]));
  const insert = new Map<string, (row: Record<string, unknown>) => void>();
  db.transaction(() => {
    for (const table of CREATED_ON_FIRST_USE) db.prepare(`DELETE FROM ${table}`).run();
    for (const { table, row } of ledger.rows) {
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
