import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { GigEnvironment } from '../../config.js';
import { UpstreamError } from '../../errors.js';
import type { LoggedCommit } from '../git/log-parser.js';

const GigOctokit = Octokit.plugin(throttling, retry);
type Client = InstanceType<typeof GigOctokit>;

/** Where conditional requests keep their ETags and bodies (the store, so restarts keep them too). */
export interface EtagCache {
  cached(url: string): { etag: string; body: string } | null;
  cache(url: string, etag: string, body: string, at: string): void;
}

export interface PullRequestFact {
  number: number;
  title: string;
  headRef: string;
  baseRef: string;
  mergeCommitSha: string | null;
  mergedAt: string | null;
  commits: string[];
}

export interface GitHubSourceOptions {
  /** Retries of 5xx and rate limits; tests make them quick. */
  retries?: number;
  /** The retry plugin waits retries² × this many milliseconds. */
  retryBaseMs?: number;
  retryAfterCapSeconds?: number;
  now?: () => Date;
}

/**
 * GitHub through @octokit/rest with the throttling and retry plugins: 429 and secondary limits
 * wait what GitHub asks, 5xx are retried, and every GET carries the ETag of its last answer so an
 * unchanged repository is answered 304 Not Modified, which costs no rate limit.
 */
export class GitHubSource {
  readonly client: Client;
  /** Requests answered from the ETag cache (304) in this process: the doctor and the tests read it. */
  notModified = 0;

  constructor(env: GigEnvironment, cache: EtagCache, options: GitHubSourceOptions = {}) {
    const cap = options.retryAfterCapSeconds ?? 60;
    this.client = new GigOctokit({
      ...(env.GITHUB_TOKEN ? { auth: env.GITHUB_TOKEN } : {}),
      ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL.replace(/\/$/, '') } : {}),
      userAgent: 'gig-release-bot',
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      throttle: {
        onRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => retryCount < 3 && retryAfter <= cap,
        onSecondaryRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => retryCount < 3 && retryAfter <= cap,
      },
      retry: { retries: options.retries ?? 3, doNotRetry: [400, 401, 403, 404, 410, 422, 451], retryAfterBaseValue: options.retryBaseMs ?? 1000 },
    });
    const now = options.now ?? (() => new Date());
    this.client.hook.wrap('request', async (request, requestOptions) => {
      const method = String(requestOptions.method ?? 'GET').toUpperCase();
      const url = this.client.request.endpoint(requestOptions as never).url;
      const cached = method === 'GET' ? cache.cached(url) : null;
      if (cached) requestOptions.headers = { ...requestOptions.headers, 'if-none-match': cached.etag };
      try {
        const response = await request(requestOptions);
        const etag = response.headers.etag;
        // The Link header goes with the body: pagination must go on from a cached page too.
        if (method === 'GET' && etag) cache.cache(url, etag, JSON.stringify({ data: response.data, link: response.headers.link ?? null }), now().toISOString());
        return response;
      } catch (error) {
        if (cached && (error as { status?: number }).status === 304) {
          this.notModified += 1;
          const { data, link } = JSON.parse(cached.body) as { data: unknown; link: string | null };
          return { status: 200, url, headers: { etag: cached.etag, ...(link ? { link } : {}) }, data } as Awaited<ReturnType<typeof request>>;
        }
        throw error;
      }
    });
  }

  /** The SHA a branch points at, or null when the branch does not exist. */
  async branchTip(owner: string, repo: string, branch: string): Promise<string | null> {
    try {
      const { data } = await this.call('GitHub branch', () => this.client.rest.repos.getBranch({ owner, repo, branch }));
      return data.commit.sha;
    } catch (error) {
      if ((error as { cause?: { status?: number } }).cause?.status === 404) return null;
      throw error;
    }
  }

  /** The commits reachable from `tip`, newest first, paged to the end (or until `stopAt`). */
  async commitsFrom(owner: string, repo: string, tip: string, stopAt: string | null): Promise<{ commits: string[]; reachedStop: boolean }> {
    const commits: string[] = [];
    const reachedStop = await this.call('GitHub commits', async () => {
      for await (const page of this.client.paginate.iterator(this.client.rest.repos.listCommits, { owner, repo, sha: tip, per_page: 100 })) {
        for (const commit of page.data) {
          if (commit.sha === stopAt) return true;
          commits.push(commit.sha);
        }
      }
      return false;
    });
    return { commits, reachedStop };
  }

  /** One commit with its message and files (with blob ids), in the shape the git indexer reads. */
  async commit(owner: string, repo: string, sha: string): Promise<LoggedCommit> {
    const { data } = await this.call('GitHub commit', () => this.client.rest.repos.getCommit({ owner, repo, ref: sha, per_page: 300 }));
    const author = data.commit.author ?? { name: 'unknown', email: '', date: new Date(0).toISOString() };
    const committer = data.commit.committer ?? author;
    return {
      sha: data.sha,
      parents: data.parents.map((parent) => parent.sha),
      authorName: author.name ?? 'unknown',
      authorEmail: author.email ?? '',
      authoredAt: new Date(author.date ?? 0).toISOString(),
      committerName: committer.name ?? 'unknown',
      committerEmail: committer.email ?? '',
      committedAt: new Date(committer.date ?? 0).toISOString(),
      message: data.commit.message,
      files: (data.files ?? []).map((file) => ({
        path: file.filename,
        additions: file.additions,
        deletions: file.deletions,
        blob: file.status === 'removed' ? null : (file.sha ?? null),
        renamedFrom: file.status === 'renamed' ? (file.previous_filename ?? null) : null,
      })),
    };
  }

  /** Every file of a commit's tree: path → blob. */
  async tree(owner: string, repo: string, sha: string): Promise<Map<string, string>> {
    const { data } = await this.call('GitHub tree', () => this.client.rest.git.getTree({ owner, repo, tree_sha: sha, recursive: 'true' }));
    return new Map(data.tree.filter((entry) => entry.type === 'blob' && entry.path && entry.sha).map((entry) => [entry.path!, entry.sha!]));
  }

  /** Merged pull requests with their commits; `known` numbers are not asked for their commits again. */
  async mergedPullRequests(owner: string, repo: string, known: Set<number>): Promise<PullRequestFact[]> {
    const pulls = await this.call('GitHub pull requests', () => this.client.paginate(this.client.rest.pulls.list, { owner, repo, state: 'closed', per_page: 100 }));
    const merged = pulls.filter((pull) => pull.merged_at !== null && !known.has(pull.number));
    const facts: PullRequestFact[] = [];
    for (const pull of merged) {
      const commits = await this.call('GitHub pull request commits', () => this.client.paginate(this.client.rest.pulls.listCommits, { owner, repo, pull_number: pull.number, per_page: 100 }));
      facts.push({
        number: pull.number,
        title: pull.title,
        headRef: pull.head.ref,
        baseRef: pull.base.ref,
        mergeCommitSha: pull.merge_commit_sha ?? null,
        mergedAt: pull.merged_at,
        commits: commits.map((commit) => commit.sha),
      });
    }
    return facts;
  }

  /** The newest deployment to an environment whose latest status is success. */
  async latestSuccessfulDeployment(owner: string, repo: string, environment: string): Promise<{ sha: string; at: string } | null> {
    const { data: deployments } = await this.call('GitHub deployments', () => this.client.rest.repos.listDeployments({ owner, repo, environment, per_page: 30 }));
    for (const deployment of deployments) {
      const { data: statuses } = await this.call('GitHub deployment statuses', () => this.client.rest.repos.listDeploymentStatuses({ owner, repo, deployment_id: deployment.id, per_page: 1 }));
      if (statuses[0]?.state === 'success') return { sha: deployment.sha, at: new Date(statuses[0].created_at).toISOString() };
    }
    return null;
  }

  async rateLimit(): Promise<{ remaining: number; limit: number; reset: string }> {
    const { data } = await this.call('GitHub rate limit', () => this.client.rest.rateLimit.get());
    return { remaining: data.resources.core.remaining, limit: data.resources.core.limit, reset: new Date(data.resources.core.reset * 1000).toISOString() };
  }

  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const status = (error as { status?: number }).status;
      throw new UpstreamError(`${what} failed${status ? ` (HTTP ${status})` : ''}.`, {
        hint: status === 401 || status === 403 ? 'Check GITHUB_TOKEN and its access to the repository; `gig doctor` tells what is missing.' : 'gig keeps the last good data; `gig doctor` checks the connection.',
        cause: Object.assign(new Error(String((error as Error).message ?? error)), { status }),
      });
    }
  }
}

/** owner/name of a GitHub remote URL (https or ssh), or null. */
export function githubRepositoryOf(remoteUrl: string, apiUrl?: string): { owner: string; repo: string } | null {
  const host = apiUrl ? new URL(apiUrl).host.replace(/^api\./, '') : 'github.com';
  const match = new RegExp(`(?:https?://(?:[^@/]+@)?|git@|ssh://git@)${host.replace(/[.]/g, '\\.')}[/:]([^/]+)/([^/]+?)(?:\\.git)?/?$`).exec(remoteUrl.trim());
  return match ? { owner: match[1]!, repo: match[2]! } : null;
}
