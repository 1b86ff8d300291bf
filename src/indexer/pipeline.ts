import type { GigConfig, GigEnvironment } from '../config.js';
import type { Ledger, SourceSyncResult, SyncProgress, SyncResult } from '../engine/ports.js';
import { toGigError } from '../errors.js';
import type { GitHubSource } from '../sources/github/github-source.js';
import type { GitRunner } from '../sources/git/runner.js';
import type { JiraSource } from '../sources/jira/jira-source.js';
import type { IndexWriteStore } from '../store/index-writer.js';
import { thisHolder } from '../store/holder.js';
import type { SyncRuns } from '../store/sync-runs.js';
import type { TrackerStore } from '../store/tracker-store.js';
import { syncAll } from './sync.js';

/** How often a long sync renews its lease (it goes stale after 10 minutes without one). */
const LEASE_RENEWAL_MS = 30_000;

/**
 * The outside sources a sync reads besides git, created on first use: their SDKs are loaded only
 * then, and only when the configuration or the environment asks for them (main.ts).
 */
export interface OutsideSources {
  /** The Jira client; throws when Jira is configured but cannot be used (missing credentials). */
  jira(): Promise<JiraSource>;
  /** The GitHub client when GitHub is in use, else null. */
  github(): Promise<GitHubSource | null>;
}

/** What a sync writes to and reads from, as the composition root (main.ts) built it. */
export interface SyncPipeline {
  config: GigConfig;
  env: GigEnvironment;
  index: IndexWriteStore;
  ledger: Ledger;
  trackers: TrackerStore;
  /** One sync at a time per database (store/sync-runs.ts). */
  syncRuns: SyncRuns;
  git: GitRunner;
  /** Where `url:` repositories are mirrored. */
  mirrorDir: string;
  sources: OutsideSources;
  now: () => Date;
}

/**
 * One sync of everything configured, under the sync lease: the git repositories (all published at
 * once), then Jira, then GitHub. Each source's health is recorded as it goes, so answers can say
 * which one is stale; a failing source never fails the others.
 */
export async function runSyncPipeline(pipeline: SyncPipeline, onProgress?: (event: SyncProgress) => void, extra: { fixVersions?: string[] } = {}): Promise<SyncResult> {
  // A sync writes to the ledger too (tracker records, deployments, branch heads): one that cannot be
  // reached fails the sync at once (exit 6), and a sync is how an operator migrates a new one.
  await pipeline.ledger.ready();
  const lease = pipeline.syncRuns.begin();
  let renewedAt = Date.now();
  const progress = (event: SyncProgress): void => {
    if (Date.now() - renewedAt > LEASE_RENEWAL_MS) {
      lease.renew();
      renewedAt = Date.now();
    }
    onProgress?.(event);
  };
  try {
    const result = await syncSources(pipeline, progress, extra);
    lease.finish(result.repositories.every((repo) => repo.ok) ? 'ok' : 'failed', { repositories: result.repositories.length, ms: result.durationMs });
    return result;
  } catch (error) {
    lease.finish('failed', { error: toGigError(error).message });
    throw error;
  }
}

async function syncSources(pipeline: SyncPipeline, onProgress: (event: SyncProgress) => void, extra: { fixVersions?: string[] }): Promise<SyncResult> {
  const { config, trackers, now } = pipeline;
  const onRepositoryResult = (source: string, ok: boolean, error: string | null): void => {
    if (ok) trackers.sourceSucceeded(source, null, now().toISOString());
    else trackers.sourceFailed(source, error ?? 'unknown error', now().toISOString());
  };
  const result = await syncAll({ config, store: pipeline.index, git: pipeline.git, mirrorDir: pipeline.mirrorDir, now, onRepositoryResult, onProgress });
  const sources: SourceSyncResult[] = [];
  if (config.jira) {
    onProgress({ kind: 'source', source: 'jira' });
    sources.push(await syncJiraSource(pipeline, extra.fixVersions ?? []));
  }
  const github = await pipeline.sources.github();
  if (github) {
    onProgress({ kind: 'source', source: 'github' });
    // Loaded only when GitHub is in use: it imports the Octokit client.
    const { syncGitHub } = await import('./github-sync.js');
    sources.push(
      ...(await syncGitHub({ config, github, store: pipeline.index, ledger: pipeline.ledger, trackers, git: pipeline.git, apiUrl: pipeline.env.GITHUB_API_URL, now })),
    );
  }
  // Where this index holds the environment branches (git and GitHub API repositories alike), each
  // as of its own last sync, for the other replicas to tell whether they are behind; the ledger
  // keeps the newest sighting, so an older one recorded again changes nothing. Advisory: a ledger
  // that cannot take it now fails nothing of the sync itself.
  const configured = config.repositories.map((repository) => repository.name);
  await pipeline.ledger.recordHeads(pipeline.index.indexedBranches(configured), thisHolder()).catch(() => undefined);
  // What this sync did not read is no longer configured (a repository removed, Jira or GitHub no
  // longer in use): its health would warn in every answer for good, so it is forgotten.
  trackers.forgetSourcesOtherThan([...result.repositories.map((repository) => `git:${repository.repository}`), ...sources.map((source) => source.source)]);
  return { ...result, sources };
}

async function syncJiraSource(pipeline: SyncPipeline, fixVersions: string[]): Promise<SourceSyncResult> {
  try {
    // jira.js is loaded only when the configuration has a jira: section, and only to sync.
    const [jira, { syncJira }] = await Promise.all([pipeline.sources.jira(), import('./tracker-sync.js')]);
    return await syncJira(jira, pipeline.trackers, pipeline.ledger, pipeline.config, pipeline.now(), fixVersions);
  } catch (error) {
    // Missing credentials make the tracker stale, not the whole sync a failure.
    const gigError = toGigError(error);
    pipeline.trackers.sourceFailed('jira', gigError.message, pipeline.now().toISOString());
    return { source: 'jira', ok: false, items: 0, error: gigError };
  }
}
