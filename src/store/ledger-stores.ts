import type { Ledger, RequestClaims, Watches } from '../engine/ports.js';
import type { Db } from './database.js';
import { LedgerStore } from './ledger-store.js';
import { openPool } from './postgres/connection.js';
import { PgDatabase } from './postgres/database.js';
import { PgLedger } from './postgres/pg-ledger.js';
import { PgRequestClaims } from './postgres/pg-request-claims.js';
import { PgWatches } from './postgres/pg-watches.js';
import { ReplayStore } from './replay-store.js';
import { WatchStore } from './watch-store.js';

/** The ledger's stores of one process: in the SQLite file, or in the PostgreSQL at `url` when there is one. */
export interface LedgerStores {
  ledger: Ledger;
  watches: Watches;
  /** Keys of signed chat requests already acted on, kept with the ledger so every replica sees them. */
  requests: RequestClaims;
  /** The PostgreSQL ledger's connection, when the ledger is there. */
  postgres: PgDatabase | null;
  close(): void;
}

/**
 * The one choice of where the ledger lives (GIG_DATABASE_URL), for the main thread and the
 * evaluation workers alike: `migrate` for the main thread, a smaller pool (`max`) for a worker.
 * Watches and request keys are made when first asked for: a worker, whose SQLite connection is
 * read-only, never asks (the SQLite request store prepares its writes as it is made).
 */
export function openLedgerStores(db: Db, url: string | undefined, options: { migrate: boolean; max?: number }): LedgerStores {
  const postgres = url ? new PgDatabase(openPool(url, options.max === undefined ? {} : { max: options.max }), { migrate: options.migrate }) : null;
  let watches: Watches | undefined;
  let requests: RequestClaims | undefined;
  return {
    ledger: postgres ? new PgLedger(postgres) : new LedgerStore(db),
    get watches() {
      return (watches ??= postgres ? new PgWatches(postgres) : new WatchStore(db));
    },
    get requests() {
      return (requests ??= postgres ? new PgRequestClaims(postgres) : new ReplayStore(db));
    },
    postgres,
    // Idle connections let the process exit (allowExitOnIdle); ending the pool is for tidiness.
    close: () => void postgres?.close().catch(() => undefined),
  };
}
