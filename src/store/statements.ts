import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';

/** Prepares a statement, or returns the one prepared before for the same SQL. */
export type Prepare = <P extends unknown[] | object = unknown[], R = unknown>(sql: string) => Statement<P, R>;

/**
 * Prepared statements, prepared once per connection: preparing is most of what a small query
 * costs, and answering one ticket runs a few dozen of them per repository.
 */
export function statementCache(db: Db): Prepare {
  const cache = new Map<string, Statement>();
  return <P extends unknown[] | object = unknown[], R = unknown>(sql: string): Statement<P, R> => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement as unknown as Statement<P, R>;
  };
}
