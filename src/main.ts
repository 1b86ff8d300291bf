import path from 'node:path';
import { loadConfig, loadEnvironment, type GigConfig } from './config.js';
import { toGigError } from './errors.js';
import type { GitHubSource } from './sources/github/github-source.js';
import type { JiraSource } from './sources/jira/jira-source.js';
import type { RetryPolicy } from './sources/retry.js';
import { TrackerStore } from './store/tracker-store.js';
import type { CommandContext } from './commands/context.js';
import { createGitRunner, type GitRunner } from './sources/git/runner.js';
import { openDatabase, type Db, type IntegrityCheck } from './store/database.js';
import { IndexStore } from './store/index-store.js';
import { LedgerStore } from './store/ledger-store.js';
import { SyncRuns } from './store/sync-runs.js';
import type { SyncProgress, SyncResult } from './engine/ports.js';

/** How often a long sync renews its lease (it goes stale after 10 minutes without one). */
const LEASE_RENEWAL_MS = 30_000;

/**
 * The composition root: configuration → store → sources → command context. Surfaces (CLI, bots,
 * schedules) get a CommandContext from here and nothing else.
 *
 * Opening is cheap and loads no SDK: the indexer and the Jira and GitHub clients are imported when
 * a sync (or `loadSources`) first needs them, and only when the configuration or the environment
 * asks for them, so that reads (`gig status`, `gig check`, …) start fast.
 */
export interface App {
  config: GigConfig;
  db: Db;
  git: GitRunner;
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
  const store = new IndexStore(db, { ownedBy: config.tickets.ownedBy });
  const git = createGitRunner();
  const mirrorDir = path.join(path.dirname(options.dbFile), 'mirrors');
  const env = loadEnvironment(options.env ?? {});
  const trackers = new TrackerStore(db);
  let jira: JiraSource | null = null;
  const ledger = new LedgerStore(db);
  // Only repositories configured as github:, or a GITHUB_TOKEN, send gig to the GitHub API.
  const useGitHub = config.repositories.some((repository) => repository.source.kind === 'github') || Boolean(env.GITHUB_TOKEN);
  let github: GitHubSource | null = null;
  async function loadSources(): Promise<void> {
    if (!useGitHub || github) return;
    // Octokit is loaded here, at the point of use, not by every command that opens the store.
    const { GitHubSource } = await import('./sources/github/github-source.js');
    github ??= new GitHubSource(env, trackers, { now, ...(options.githubRetries === undefined ? {} : { retries: options.githubRetries, retryAfterCapSeconds: 1, retryBaseMs: 10 }) });
  }
  const context: CommandContext = {
    config,
    index: store,
    ledger,
    now,
    async sync(onProgress, extra = {}) {
      const lease = syncRuns.begin();
      let renewedAt = Date.now();
      const progress = (event: SyncProgress): void => {
        if (Date.now() - renewedAt > LEASE_RENEWAL_MS) {
          lease.renew();
          renewedAt = Date.now();
        }
        onProgress?.(event);
      };
      try {
        const result = await syncSources(progress, extra);
        lease.finish(result.repositories.every((repo) => repo.ok) ? 'ok' : 'failed', { repositories: result.repositories.length, ms: result.durationMs });
        return result;
      } catch (error) {
        lease.finish('failed', { error: toGigError(error).message });
        throw error;
      }
    },
  };
  const syncRuns = new SyncRuns(db, now);
  async function syncSources(onProgress: (event: SyncProgress) => void, extra: { fixVersions?: string[] }): Promise<SyncResult> {
    const onRepositoryResult = (source: string, ok: boolean, error: string | null): void => {
      if (ok) trackers.sourceSucceeded(source, null, now().toISOString());
      else trackers.sourceFailed(source, error ?? 'unknown error', now().toISOString());
    };
    const { syncAll } = await import('./indexer/sync.js');
    const result = await syncAll({ config, store, git, mirrorDir, now, onRepositoryResult, onProgress });
    const sources = [];
    if (config.jira) {
      onProgress({ kind: 'source', source: 'jira' });
      try {
        // jira.js is loaded only when the configuration has a jira: section, and only to sync.
        const [{ JiraSource }, { syncJira }] = await Promise.all([import('./sources/jira/jira-source.js'), import('./indexer/tracker-sync.js')]);
        jira ??= new JiraSource(config.jira, env, options.retry);
        sources.push(await syncJira(jira, trackers, config, now(), extra.fixVersions ?? []));
      } catch (error) {
        // Missing credentials make the tracker stale, not the whole sync a failure.
        const gigError = toGigError(error);
        trackers.sourceFailed('jira', gigError.message, now().toISOString());
        sources.push({ source: 'jira', ok: false, items: 0, error: gigError });
      }
    }
    await loadSources();
    if (github) {
      onProgress({ kind: 'source', source: 'github' });
      const { syncGitHub } = await import('./indexer/github-sync.js');
      sources.push(...(await syncGitHub({ config, github, store, ledger, trackers, git, apiUrl: env.GITHUB_API_URL, now })));
    }
    return { ...result, sources };
  }
  return {
    config,
    db,
    git,
    get github() {
      return github;
    },
    loadSources,
    context,
    close: () => db.close(),
  };
}
