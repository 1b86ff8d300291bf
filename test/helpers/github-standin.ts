import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { failureControls, listenOnLoopback, type FailureControls } from './standin.js';

/**
 * A local stand-in for the GitHub REST API with recorded-shape JSON, Link-header pagination and
 * ETags (304 on If-None-Match), answering the real Octokit client.
 */
export interface FakeCommit {
  sha: string;
  parents: string[];
  message: string;
  date: string;
  files: Array<{ filename: string; sha: string }>;
}

export interface GitHubStandIn extends FailureControls {
  url: string;
  commits: Map<string, FakeCommit>;
  branches: Map<string, string>;
  pulls: Array<{ number: number; title: string; merge_commit_sha: string; merged_at: string; head: { ref: string }; base: { ref: string }; commits: string[] }>;
  deployments: Array<{ id: number; sha: string; environment: string; state: string; created_at: string }>;
  requests: Array<{ path: string; status: number }>;
  close(): Promise<void>;
}

export const fakeSha = (seed: string): string => createHash('sha1').update(seed).digest('hex');

export async function startGitHubStandIn(owner: string, repo: string): Promise<GitHubStandIn> {
  const commits = new Map<string, FakeCommit>();
  const branches = new Map<string, string>();
  const pulls: GitHubStandIn['pulls'] = [];
  const deployments: GitHubStandIn['deployments'] = [];
  const requests: GitHubStandIn['requests'] = [];
  const controls = failureControls();
  let base = '';
  const prefix = `/repos/${owner}/${repo}`;

  // Every page of a commit list and every tree walks the history from a tip: walked once per tip
  // (and again only after commits were added), so a long history is paged as fast as a short one.
  const walked = new Map<string, { size: number; commits: FakeCommit[] }>();
  const reachable = (tip: string): FakeCommit[] => {
    const known = walked.get(tip);
    if (known && known.size === commits.size) return known.commits;
    const seen = new Set<string>();
    const stack = [tip];
    const out: FakeCommit[] = [];
    while (stack.length > 0) {
      const sha = stack.pop()!;
      if (seen.has(sha) || !commits.has(sha)) continue;
      seen.add(sha);
      const commit = commits.get(sha)!;
      out.push(commit);
      stack.push(...commit.parents);
    }
    // Newest first, as GitHub lists them (ISO dates and hex SHAs compare as plain strings).
    out.sort((a, b) => (a.date === b.date ? (a.sha < b.sha ? 1 : a.sha > b.sha ? -1 : 0) : a.date < b.date ? 1 : -1));
    walked.set(tip, { size: commits.size, commits: out });
    return out;
  };
  const commitJson = (commit: FakeCommit, withFiles: boolean): unknown => ({
    sha: commit.sha,
    parents: commit.parents.map((sha) => ({ sha })),
    commit: { message: commit.message, author: { name: 'Ana Lima', email: 'ana@example.com', date: commit.date }, committer: { name: 'Ana Lima', email: 'ana@example.com', date: commit.date } },
    ...(withFiles ? { files: commit.files.map((file) => ({ filename: file.filename, status: 'modified', sha: file.sha, additions: 1, deletions: 0 })) } : {}),
  });

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/^\/api\/v3/, '');
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      const text = JSON.stringify(body);
      const etag = `"${createHash('sha1').update(text).digest('hex')}"`;
      if (status === 200 && request.headers['if-none-match'] === etag) {
        requests.push({ path, status: 304 });
        response.writeHead(304, { etag });
        response.end();
        return;
      }
      requests.push({ path, status });
      response.writeHead(status, { 'content-type': 'application/json', ...(status === 200 ? { etag } : {}), 'x-ratelimit-remaining': '4999', 'x-ratelimit-limit': '5000', ...headers });
      response.end(text);
    };
    const failure = controls.takeFailure();
    if (failure) {
      return reply(failure.status, { message: failure.status === 429 ? 'API rate limit exceeded' : 'Server Error' }, failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter), 'x-ratelimit-remaining': '0' } : {});
    }
    if (controls.down) return reply(503, { message: 'Service Unavailable' });
    if (path === '/rate_limit') return reply(200, { resources: { core: { limit: 5000, remaining: 4999, reset: 1_900_000_000, used: 1 } }, rate: { limit: 5000, remaining: 4999, reset: 1_900_000_000, used: 1 } });
    let match: RegExpExecArray | null;
    if ((match = new RegExp(`^${prefix}/branches/(.+)$`).exec(path))) {
      const tip = branches.get(decodeURIComponent(match[1]!));
      return tip ? reply(200, { name: match[1], commit: { sha: tip } }) : reply(404, { message: 'Branch not found' });
    }
    if (path === `${prefix}/commits`) {
      const all = reachable(branches.get(url.searchParams.get('sha') ?? '') ?? url.searchParams.get('sha') ?? '');
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      const slice = all.slice((page - 1) * perPage, page * perPage);
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const link: Record<string, string> = page < last ? { link: `<${base}${prefix}/commits?sha=${url.searchParams.get('sha')}&per_page=${perPage}&page=${page + 1}>; rel="next", <${base}${prefix}/commits?sha=${url.searchParams.get('sha')}&per_page=${perPage}&page=${last}>; rel="last"` } : {};
      return reply(200, slice.map((commit) => commitJson(commit, false)), link);
    }
    if ((match = new RegExp(`^${prefix}/commits/([0-9a-f]{40})$`).exec(path))) {
      const commit = commits.get(match[1]!);
      return commit ? reply(200, commitJson(commit, true)) : reply(404, { message: 'No commit found' });
    }
    if ((match = new RegExp(`^${prefix}/git/trees/([0-9a-f]{40})$`).exec(path))) {
      const files = new Map<string, string>();
      for (const commit of [...reachable(match[1]!)].reverse()) for (const file of commit.files) files.set(file.filename, file.sha);
      return reply(200, { sha: match[1], tree: [...files].map(([filePath, sha]) => ({ path: filePath, type: 'blob', sha, mode: '100644' })), truncated: false });
    }
    if (path === `${prefix}/pulls`) return reply(200, pulls.map(({ commits: _commits, ...pull }) => ({ ...pull, state: 'closed' })));
    if ((match = new RegExp(`^${prefix}/pulls/(\\d+)/commits$`).exec(path))) {
      const pull = pulls.find((candidate) => candidate.number === Number(match![1]));
      return reply(200, (pull?.commits ?? []).map((sha) => commitJson(commits.get(sha)!, false)));
    }
    if (path === `${prefix}/deployments`) {
      return reply(200, deployments.filter((deployment) => deployment.environment === url.searchParams.get('environment')).map(({ state: _state, ...deployment }) => deployment));
    }
    if ((match = new RegExp(`^${prefix}/deployments/(\\d+)/statuses$`).exec(path))) {
      const deployment = deployments.find((candidate) => candidate.id === Number(match![1]));
      return reply(200, deployment ? [{ state: deployment.state, created_at: deployment.created_at }] : []);
    }
    return reply(404, { message: `Not Found ${path}` });
  });
  const listening = await listenOnLoopback(server);
  base = listening.url;
  return Object.assign(controls, {
    url: base,
    commits,
    branches,
    pulls,
    deployments,
    requests,
    close: listening.close,
  });
}
