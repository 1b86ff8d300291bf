import path from 'node:path';
import { loadConfig, type GigConfig } from './config.js';
import type { CommandContext } from './commands/context.js';
import { syncAll } from './indexer/sync.js';
import { createGitRunner, type GitRunner } from './sources/git/runner.js';
import { openDatabase, type Db } from './store/database.js';
import { IndexStore } from './store/index-store.js';
import { LedgerStore } from './store/ledger-store.js';

/**
 * The composition root: configuration → store → sources → command context. Surfaces (CLI, bots,
 * schedules) get a CommandContext from here and nothing else.
 */
export interface App {
  config: GigConfig;
  db: Db;
  git: GitRunner;
  context: CommandContext;
  close(): void;
}

export interface AppOptions {
  configFile: string;
  dbFile: string;
  now?: () => Date;
}

export function openApp(options: AppOptions): App {
  const config = loadConfig(options.configFile);
  const db = openDatabase(options.dbFile);
  const store = new IndexStore(db);
  const git = createGitRunner();
  const now = options.now ?? (() => new Date());
  const mirrorDir = path.join(path.dirname(options.dbFile), 'mirrors');
  const context: CommandContext = {
    config,
    index: store,
    ledger: new LedgerStore(db),
    now,
    sync: (onProgress) => syncAll({ config, store, git, mirrorDir, now, ...(onProgress ? { onProgress } : {}) }),
  };
  return { config, db, git, context, close: () => db.close() };
}
