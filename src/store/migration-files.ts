import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Migrations of either store are plain SQL files `NNN_name.sql` in one folder, applied in order:
 * the SQLite file's (store/migrations/) and the PostgreSQL ledger's (store/postgres/pg-migrations/).
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The migration files of a folder, in order (names only: their SQL is read when one is pending). */
export function migrationFiles(dir: string): Array<{ version: number; name: string }> {
  return readdirSync(dir)
    .filter((file) => /^\d+_.+\.sql$/.test(file))
    .map((file) => ({ version: Number.parseInt(file, 10), name: file }))
    .sort((a, b) => a.version - b.version);
}

/** The migrations of a folder after version `after`, with their SQL. */
export function migrationsAfter(dir: string, after = 0): Migration[] {
  return migrationFiles(dir)
    .filter((migration) => migration.version > after)
    .map((migration) => ({ ...migration, sql: readFileSync(path.join(dir, migration.name), 'utf8') }));
}

/** The newest version a folder holds. */
export function latestVersion(dir: string): number {
  return Math.max(...migrationFiles(dir).map((migration) => migration.version));
}
