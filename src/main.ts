import path from 'node:path';
import { configuredSources, loadConfig, loadEnvironment, type GigConfig, type GigEnvironment } from './config.js';
import type { CommandContext } from './commands/context.js';
import type { OutsideSources, SyncPipeline } from './indexer/pipeline.js';
import type { GitHubSource } from './sources/github/github-source.js';
import type { JiraSource } from './sources/jira/jira-source.js';
import type { RetryPolicy } from './sources/retry.js';
import { createGitRunner, type GitRunner } from './sources/git/runner.js';
import { openDatabase, type Db, type IntegrityCheck } from './store/database.js';
import { IndexReadStore } from './store/index-reader.js';
import { IndexWriteStore } from './store/index-writer.js';
import { openLedgerStores, type LedgerStores } from './store/ledger-stores.js';
import { SyncRuns } from './store/sync-runs.js';
import { TrackerStore } from './store/tracker-store.js';

/**
 * The composition root: configuration and environment (loaded once) → store → sources → command
 * context. Surfaces (CLI, bots, schedules) get a CommandContext from here and nothing else.
 *
 * Opening is cheap and loads no SDK: the sync pipeline (indexer/pipeline.ts) and the Jira and
 * GitHub clients are imported when a sync (or `loadSources`) first needs them, and only when the
 * configuration or the environment asks for them, so that reads (`gig status`, `gig check`, …)
 * start fast.
 */
export interface App {
  config: GigConfig;
  /** The environment variables gig reads, parsed once. */
  env: GigEnvironment;
  db: Db;
  git: GitRunner;
  /** The app's stores over `db`: one of each, shared by the commands and the sync. */
  stores: AppStores;
  /**
   * The GitHub client when GitHub is in use (its ETag counter tells what 304s saved), once loaded:
   * by a sync or by `loadSources()`; null before, and when GitHub is not in use.
   */
  readonly github: GitHubSource | null;
  /** Imports and creates the clients of the outside sources in use (GitHub; Jira is created by a sync). */
  loadSources(): Promise<void>;
  context: CommandContext;
  close(): void;
}

/** The ledger's stores are in the SQLite file, or shared in PostgreSQL (GIG_DATABASE_URL). */
export interface AppStores extends Omit<LedgerStores, 'close'> {
  /** The read side of the index (the engine's IndexReader). */
  index: IndexReadStore;
  /** The write side of the index (the indexer's). */
  writer: IndexWriteStore;
  trackers: TrackerStore;
}

export interface AppOptions {
  configFile: string;
  dbFile: string;
  now?: () => Date;
  /** Environment variables (credentials of Jira and GitHub); none by default. */
  env?: NodeJS.ProcessEnv;
  /** How outside services are retried (tests shorten the waits). */
  retry?: RetryPolicy;
  githubRetries?: number;
  /**
   * Whether opening runs SQLite's integrity check (store/database.ts): 'skip' by default, as every
   * read does; `gig doctor` and `gig serve` ask for 'always', `gig sync` for 'when-due'.
   */
  integrityCheck?: IntegrityCheck;
}

export function openApp(options: AppOptions): App {
  const config = loadConfig(options.configFile);
  const now = options.now ?? (() => new Date());
  const db = openDatabase(options.dbFile, { integrityCheck: options.integrityCheck ?? 'skip', now });
  const env = loadEnvironment(options.env ?? {});
  const ledgerStores = openLedgerStores(db, env.GIG_DATABASE_URL, { migrate: true });
  const { ledger } = ledgerStores;
  const trackers = new TrackerStore(db);
  const stores: AppStores = {
    index: new IndexReadStore(db, { ownedBy: config.tickets.ownedBy, trackers, configured: configuredSources(config) }),
    writer: new IndexWriteStore(db),
    ledger,
    // Made when first asked for: most commands never use them.
    get watches() {
      return ledgerStores.watches;
    },
    get requests() {
      return ledgerStores.requests;
    },
    postgres: ledgerStores.postgres,
    trackers,
  };
  const git = createGitRunner();
  const sources = outsideSources(config, env, trackers, now, options);
  const pipeline: SyncPipeline = {
    config,
    env,
    index: stores.writer,
    ledger,
    trackers,
    syncRuns: new SyncRuns(db, now),
    git,
    mirrorDir: path.join(path.dirname(options.dbFile), 'mirrors'),
    sources,
    now,
  };
  const context: CommandContext = {
    config,
    index: stores.index,
    ledger,
    watches: stores.watches,
    now,
    async sync(onProgress, extra = {}) {
      // The indexer is loaded by the first sync, not by every command that opens the store.
      const { runSyncPipeline } = await import('./indexer/pipeline.js');
      return runSyncPipeline(pipeline, onProgress, extra);
    },
  };
  return {
    config,
    env,
    db,
    git,
    stores,
    get github() {
      return sources.loaded.github;
    },
    async loadSources() {
      await sources.github();
    },
    context,
    close: () => {
      db.close();
      ledgerStores.close();
    },
  };
}

/**
 * The Jira and GitHub clients, each imported and created the first time it is asked for. Only
 * repositories configured as github:, or a GITHUB_TOKEN, send gig to the GitHub API.
 */
function outsideSources(config: GigConfig, env: GigEnvironment, trackers: TrackerStore, now: () => Date, options: AppOptions): OutsideSources & { loaded: { github: GitHubSource | null } } {
  const useGitHub = config.repositories.some((repository) => repository.source.kind === 'github') || Boolean(env.GITHUB_TOKEN);
  const loaded: { github: GitHubSource | null; jira: JiraSource | null } = { github: null, jira: null };
  return {
    loaded,
    async jira() {
      const { JiraSource } = await import('./sources/jira/jira-source.js');
      loaded.jira ??= new JiraSource(config.jira!, env, options.retry);
      return loaded.jira;
    },
    async github() {
      if (!useGitHub || loaded.github) return loaded.github;
      // Octokit is loaded here, at the point of use, not by every command that opens the store.
      const { GitHubSource } = await import('./sources/github/github-source.js');
      loaded.github ??= new GitHubSource(env, trackers, {
        now,
        ...(options.githubRetries === undefined ? {} : { retries: options.githubRetries, retryAfterCapSeconds: 1, retryBaseMs: 10 }),
      });
      return loaded.github;
    },
  };
}
