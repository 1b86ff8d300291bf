import { LEDGER_TABLES } from '../src/store/ledger-transfer.js';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { GIG_APPLICATION_ID, loadMigrations, openDatabase, SCHEMA_VERSION, type Db } from '../src/store/database.js';
import { postgresMigrations } from '../src/store/postgres/connection.js';
import { tempDir } from './helpers/workspace.js';

/**
 * The ledger is guarded (issue #13): what people decided and recorded cannot be rebuilt from git,
 * so no migration may lose it. Index tables are rebuildable and migrations may clear them.
 *
 * The ledger: the tables 001_initial.sql files under "ledger" (deployments, rejections, manual
 * steps and their events, releases, approvals, digest runs, conversation references), plus
 * `settings` (003: the key that signs release-packet links, which nothing can recreate) and
 * `seen_requests` (008: signed requests already acted on, kept across restarts so a replay is
 * still refused — README, "Reliability").
 */
const LEDGER: readonly string[] = LEDGER_TABLES;

/** Rebuilt by `gig sync` from git, trackers and CI: a migration may clear or reshape these. */
const INDEX = [
  'repositories',
  'branch_tips',
  // Where the replicas' syncs saw each branch: derived from the sources, rebuilt by the next sync.
  'branch_heads',
  'commits',
  'commit_files',
  'ticket_refs',
  'commit_links',
  'commit_trailers',
  'branch_commits',
  'sync_runs',
  'tickets',
  'ticket_links',
  'pull_requests',
  'source_state',
  'branch_files',
  'ticket_dependencies',
  'http_cache',
  'tracker_unknown_keys',
  'tracker_fix_versions',
];

/**
 * Losses that happened before this guard existed, each allowed explicitly and nowhere else.
 * 002_release_engine.sql replaced the first manual-step tables (integer ids and a fingerprint per
 * step) with stable text ids, dropping both tables and the append-only triggers of the events; it
 * shipped before any team recorded manual steps. Nothing may be added to this list: a change of a
 * ledger table is a new table or a new column, never a loss.
 */
const GRANDFATHERED: Array<{ migration: number; table: string }> = [
  { migration: 2, table: 'manual_steps' },
  { migration: 2, table: 'manual_step_events' },
];

const grandfathered = (migration: number, table: string): boolean => GRANDFATHERED.some((entry) => entry.migration === migration && entry.table === table);

const MIGRATIONS = loadMigrations();

/** The SQL without comments, on one line, so statements can be matched whatever their layout. */
function statementsOf(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\s+/g, ' ');
}

const NAME = String.raw`["\`\[]?(\w+)["\`\]]?`;

/** What a migration's SQL does that could lose ledger rows or columns, per table. */
function lossesIn(sql: string, triggers: Map<string, string>): Array<{ table: string; what: string }> {
  const text = statementsOf(sql);
  const found: Array<{ table: string; what: string }> = [];
  const each = (pattern: string, what: (match: RegExpExecArray) => { table: string; what: string } | null): void => {
    for (const match of text.matchAll(new RegExp(pattern, 'gi'))) {
      const loss = what(match);
      if (loss) found.push(loss);
    }
  };
  each(String.raw`\bDROP TABLE (?:IF EXISTS )?${NAME}`, (match) => ({ table: match[1]!, what: 'drops the table' }));
  each(String.raw`\bALTER TABLE ${NAME} DROP (?:COLUMN )?${NAME}`, (match) => ({ table: match[1]!, what: `drops column ${match[2]}` }));
  each(String.raw`\bALTER TABLE ${NAME} RENAME (?:COLUMN )?${NAME} TO`, (match) =>
    match[2]!.toUpperCase() === 'TO' ? null : { table: match[1]!, what: `renames column ${match[2]}` },
  );
  each(String.raw`\bALTER TABLE ${NAME} RENAME TO`, (match) => ({ table: match[1]!, what: 'renames the table' }));
  each(String.raw`\bDELETE FROM ${NAME}`, (match) => ({ table: match[1]!, what: 'deletes rows' }));
  // A uniqueness constraint added later narrows what the table accepts (and fails on rows it holds).
  each(String.raw`\bCREATE UNIQUE INDEX (?:IF NOT EXISTS )?${NAME} ON ${NAME}`, (match) => ({ table: match[2]!, what: `adds unique index ${match[1]}` }));
  // The append-only triggers are the ledger's own guard.
  each(String.raw`\bDROP TRIGGER (?:IF EXISTS )?${NAME}`, (match) => {
    const table = triggers.get(match[1]!.toLowerCase());
    return table ? { table, what: `drops trigger ${match[1]}` } : null;
  });
  return found.map((loss) => ({ ...loss, table: loss.table.toLowerCase() }));
}

function tablesCreatedIn(sql: string): string[] {
  return [...statementsOf(sql).matchAll(new RegExp(String.raw`\bCREATE (?:TEMP |TEMPORARY )?TABLE (?:IF NOT EXISTS )?${NAME}`, 'gi'))].map((match) => match[1]!.toLowerCase());
}

function triggersCreatedIn(sql: string): Array<[string, string]> {
  return [...statementsOf(sql).matchAll(new RegExp(String.raw`\bCREATE TRIGGER (?:IF NOT EXISTS )?${NAME} .*? ON ${NAME}`, 'gi'))].map((match) => [
    match[1]!.toLowerCase(),
    match[2]!.toLowerCase(),
  ]);
}

interface Column {
  name: string;
  type: string;
  notnull: number;
  pk: number;
}

const columnsOf = (db: Db, table: string): Column[] => db.prepare<[], Column>(`SELECT name, type, "notnull", pk FROM pragma_table_xinfo('${table}')`).all();
const tablesOf = (db: Db): string[] =>
  db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all();

/** A database at schema `version`: the migrations up to it applied to a new file, as an older gig left it. */
function databaseAt(version: number): { file: string; db: Db } {
  const file = path.join(tempDir(), 'gig.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`application_id = ${GIG_APPLICATION_ID}`);
  for (const migration of MIGRATIONS.filter((candidate) => candidate.version <= version)) {
    db.exec(migration.sql);
    db.pragma(`user_version = ${migration.version}`);
  }
  return { file, db };
}

/**
 * A row in every given table, from each column's declared type (whatever the tables look like at
 * that schema); a column that references another table takes the value of that table's row.
 */
function writeRows(db: Db, tables: string[]): Map<string, Record<string, unknown>> {
  const written = new Map<string, Record<string, unknown>>();
  const pending = [...tables];
  while (pending.length > 0) {
    const index = pending.findIndex((table) => referencesOf(db, table).every((reference) => written.has(reference.table) || !pending.includes(reference.table)));
    if (index < 0) throw new Error(`cyclic references among ${pending.join(', ')}`);
    const [table] = pending.splice(index, 1);
    written.set(table!, writeRow(db, table!, written));
  }
  return written;
}

const referencesOf = (db: Db, table: string): Array<{ table: string; from: string; to: string | null }> =>
  db.prepare<[], { table: string; from: string; to: string | null }>(`SELECT "table", "from", "to" FROM pragma_foreign_key_list('${table}')`).all();

function writeRow(db: Db, table: string, written: Map<string, Record<string, unknown>>): Record<string, unknown> {
  const columns = columnsOf(db, table);
  const references = referencesOf(db, table);
  const row: Record<string, unknown> = {};
  for (const column of columns) {
    // An INTEGER PRIMARY KEY is the rowid: SQLite numbers it.
    if (column.pk === 1 && column.type.toUpperCase() === 'INTEGER' && columns.filter((other) => other.pk > 0).length === 1) continue;
    const reference = references.find((candidate) => candidate.from === column.name);
    const target = reference ? written.get(reference.table) : undefined;
    if (reference && target) row[column.name] = target[reference.to ?? 'id'] ?? 1;
    else row[column.name] = /INT/i.test(column.type) ? 7 : /REAL|FLOA|DOUB/i.test(column.type) ? 7.5 : `${table}.${column.name} written at an older schema`;
  }
  const names = Object.keys(row);
  db.prepare(`INSERT INTO "${table}" (${names.map((name) => `"${name}"`).join(', ')}) VALUES (${names.map((name) => `@${name}`).join(', ')})`).run(row);
  return db.prepare(`SELECT * FROM "${table}"`).get() as Record<string, unknown>;
}

describe('the ledger is guarded: migrations are additive for ledger tables', () => {
  it('knows every table as ledger or index, so a new table is classified when it is added', () => {
    const created = [...new Set(MIGRATIONS.flatMap((migration) => tablesCreatedIn(migration.sql)))].sort();
    expect(created).toEqual([...LEDGER, ...INDEX].sort());
  });

  it('reads a loss in SQL, whatever its layout (the guard itself works)', () => {
    const triggers = new Map([['approvals_append_only_delete', 'approvals']]);
    const sql = `-- DROP TABLE settings; is only a comment
      drop   table IF EXISTS "approvals";
      ALTER TABLE rejections
        DROP COLUMN reason;
      ALTER TABLE releases RENAME COLUMN tickets TO ticket_list;
      ALTER TABLE deployments RENAME TO old_deployments;
      DELETE FROM digest_runs WHERE status = 'missed';
      CREATE UNIQUE INDEX one_per_ticket ON manual_steps (ticket);
      DROP TRIGGER approvals_append_only_delete;
      ALTER TABLE releases ADD COLUMN note TEXT;`;
    expect(lossesIn(sql, triggers)).toEqual([
      { table: 'approvals', what: 'drops the table' },
      { table: 'rejections', what: 'drops column reason' },
      { table: 'releases', what: 'renames column tickets' },
      { table: 'deployments', what: 'renames the table' },
      { table: 'digest_runs', what: 'deletes rows' },
      { table: 'manual_steps', what: 'adds unique index one_per_ticket' },
      { table: 'approvals', what: 'drops trigger approvals_append_only_delete' },
    ]);
  });

  it('no migration after a ledger table\'s creation drops it, drops or renames a column, deletes its rows or narrows it', () => {
    const createdIn = new Map<string, number>();
    const triggers = new Map<string, string>();
    const offences: string[] = [];
    for (const migration of MIGRATIONS) {
      for (const loss of lossesIn(migration.sql, triggers)) {
        const since = createdIn.get(loss.table);
        if (!LEDGER.includes(loss.table) || since === undefined || since >= migration.version) continue;
        if (!grandfathered(migration.version, loss.table)) offences.push(`${migration.name} ${loss.what} (ledger table ${loss.table})`);
      }
      for (const table of tablesCreatedIn(migration.sql)) if (!createdIn.has(table)) createdIn.set(table, migration.version);
      for (const [trigger, table] of triggersCreatedIn(migration.sql)) triggers.set(trigger, table);
    }
    expect(offences).toEqual([]);
  });

  it('holds the PostgreSQL ledger to the same rule, and it creates every ledger table the SQLite file has', () => {
    const createdIn = new Map<string, number>();
    const triggers = new Map<string, string>();
    const offences: string[] = [];
    for (const migration of postgresMigrations()) {
      for (const loss of lossesIn(migration.sql, triggers)) {
        const since = createdIn.get(loss.table);
        if (LEDGER.includes(loss.table) && since !== undefined && since < migration.version) offences.push(`${migration.name} ${loss.what} (ledger table ${loss.table})`);
      }
      for (const table of tablesCreatedIn(migration.sql)) if (!createdIn.has(table)) createdIn.set(table, migration.version);
      for (const [trigger, table] of triggersCreatedIn(migration.sql)) triggers.set(trigger, table);
    }
    expect(offences).toEqual([]);
    expect([...createdIn.keys()].filter((table) => LEDGER.includes(table)).sort()).toEqual([...LEDGER].sort());
  });

  it('keeps every ledger table and column, with its type and nullability, across every migration', () => {
    const db = new Database(':memory:');
    const offences: string[] = [];
    for (const migration of MIGRATIONS) {
      const before = new Map(tablesOf(db).filter((table) => LEDGER.includes(table)).map((table) => [table, columnsOf(db, table)]));
      db.exec(migration.sql);
      const after = new Set(tablesOf(db));
      for (const [table, columns] of before) {
        if (grandfathered(migration.version, table)) continue;
        if (!after.has(table)) {
          offences.push(`${migration.name} loses table ${table}`);
          continue;
        }
        const now = new Map(columnsOf(db, table).map((column) => [column.name, column]));
        for (const column of columns) {
          const kept = now.get(column.name);
          if (!kept) offences.push(`${migration.name} loses ${table}.${column.name}`);
          else if (kept.type.toUpperCase() !== column.type.toUpperCase()) offences.push(`${migration.name} changes the type of ${table}.${column.name}`);
          else if (kept.notnull > column.notnull) offences.push(`${migration.name} makes ${table}.${column.name} NOT NULL`);
        }
      }
    }
    db.close();
    expect(offences).toEqual([]);
  });
});

/** The rows of a table as they read now, limited to the columns `row` had (a lost column reads as missing). */
function rowsNow(db: Db, table: string, row: Record<string, unknown>): Array<Record<string, unknown>> {
  if (!tablesOf(db).includes(table)) return [];
  return (db.prepare(`SELECT * FROM "${table}"`).all() as Array<Record<string, unknown>>).map((now) =>
    Object.fromEntries(Object.keys(row).filter((name) => name in now).map((name) => [name, now[name]])),
  );
}

describe('upgrading keeps the ledger', () => {
  it(`a database at schema ${SCHEMA_VERSION - 1} with a row in every ledger table has every row intact at schema ${SCHEMA_VERSION}`, () => {
    const { file, db } = databaseAt(SCHEMA_VERSION - 1);
    // Every ledger table there is at N-1 is written to (the newest migration may add ledger tables).
    const ledgerTables = tablesOf(db).filter((table) => LEDGER.includes(table));
    expect(ledgerTables.length).toBeGreaterThanOrEqual(LEDGER.length - 2);
    const written = writeRows(db, ledgerTables);
    db.close();

    const upgraded = openDatabase(file);
    try {
      expect(upgraded.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(tablesOf(upgraded).filter((table) => LEDGER.includes(table)).sort()).toEqual([...LEDGER].sort());
      for (const [table, row] of written) expect(rowsNow(upgraded, table, row), table).toEqual([row]);
    } finally {
      upgraded.close();
    }
  });

  it('rows written at any earlier schema survive every later migration (only 002\'s grandfathered loss aside)', () => {
    for (let version = 1; version < SCHEMA_VERSION; version += 1) {
      const { file, db } = databaseAt(version);
      const written = writeRows(db, tablesOf(db).filter((table) => LEDGER.includes(table)));
      db.close();
      const upgraded = openDatabase(file);
      try {
        for (const [table, row] of written) {
          if (MIGRATIONS.some((migration) => migration.version > version && grandfathered(migration.version, table))) continue;
          expect(rowsNow(upgraded, table, row), `${table}, written at schema ${version}`).toEqual([row]);
        }
      } finally {
        upgraded.close();
      }
    }
  });
});
