import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStatus } from '../src/commands/status.js';
import { loadEnvironment } from '../src/config.js';
import { CHAIN_YAML } from '../src/demo/workspace.js';
import type { SyncResult } from '../src/engine/ports.js';
import { openApp, type App } from '../src/main.js';
import { GitHubSource, githubRepositoryOf } from '../src/sources/github/github-source.js';
import { fakeSha, startGitHubStandIn, type FakeCommit, type GitHubStandIn } from './helpers/github-standin.js';

let root: string;
let github: GitHubStandIn;
let app: App;
/** The first sync of the repository (beforeAll): every test reads it, none depends on another. */
let firstSync: SyncResult;
let firstSyncRequests: GitHubStandIn['requests'];
/** A second history, 2,100 commits long, that only the paging test asks for. */
let longTip: string;
const TOKEN = 'ghp_secret_token_never_printed';
const BASE_COMMITS = 150;
const LONG_HISTORY = 2100;
const day = (n: number, minute = 0): string => new Date(Date.UTC(2026, 9, 1) + n * 86_400_000 + minute * 60_000).toISOString().replace('.000', '');

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'gig-github-'));
  github = await startGitHubStandIn('acme', 'payments');
  // A history on main (prod), cut into uat and test, then develop: two pages of commits per branch.
  let parent: string | null = null;
  const add = (sha: string, message: string, date: string, files: FakeCommit['files'], parents = parent ? [parent] : []): string => {
    github.commits.set(sha, { sha, parents, message, date, files });
    parent = sha;
    return sha;
  };
  for (let index = 0; index < BASE_COMMITS; index += 1) add(fakeSha(`base-${index}`), index % 10 === 0 ? `PAY-${100 + (index % 7)} base work ${index}` : `chore ${index}`, day(0, index), [{ filename: `src/base${index % 50}.java`, sha: fakeSha(`blob-base-${index}`) }]);
  const baseTip = parent!;
  for (const branch of ['main', 'uat', 'test']) github.branches.set(branch, baseTip);
  const a = add(fakeSha('pay30-a'), 'PAY-30 export job', day(3), [{ filename: 'jobs/export.py', sha: fakeSha('export-v1') }]);
  const b = add(fakeSha('pay30-b'), 'retry exports', day(3, 30), [{ filename: 'jobs/export.py', sha: fakeSha('export-v2') }]);
  github.branches.set('develop', b);
  // test got PAY-30 as one squash commit from pull request #7.
  const squash = fakeSha('pay30-squash');
  github.commits.set(squash, { sha: squash, parents: [baseTip], message: 'Export job (#7)', date: day(4), files: [{ filename: 'jobs/export.py', sha: fakeSha('export-v2') }] });
  github.branches.set('test', squash);
  github.pulls.push({ number: 7, title: 'PAY-30 export job', merge_commit_sha: squash, merged_at: day(4), head: { ref: 'feature/PAY-30' }, base: { ref: 'test' }, commits: [a, b] });
  github.deployments.push({ id: 1, sha: b, environment: 'development', state: 'success', created_at: day(5) });
  github.deployments.push({ id: 2, sha: squash, environment: 'qa', state: 'failure', created_at: day(5) });
  // The long history has a root of its own: no configured branch reaches it.
  parent = null;
  for (let index = 0; index < LONG_HISTORY; index += 1) add(fakeSha(`long-${index}`), `chore ${index}`, day(-10, index), []);
  longTip = parent!;

  const configFile = path.join(root, 'gig.config.yaml');
  writeFileSync(configFile, `projects: [PAY]\n${CHAIN_YAML}repositories:\n  - { name: payments, github: acme/payments }\ngithub:\n  environments: { dev: development }\n`);
  app = openApp({ configFile, dbFile: path.join(root, '.gig', 'gig.db'), env: { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url }, now: () => new Date('2026-11-21T09:00:00Z'), githubRetries: 2 });
  firstSync = await app.context.sync();
  firstSyncRequests = [...github.requests];
});
afterAll(async () => {
  app.close();
  await github.close();
  rmSync(root, { recursive: true, force: true });
});

describe('GitHub as a source', () => {
  it('indexes a github: repository through the API, every page of every branch', () => {
    // Every commit read once in detail (the base, PAY-30's two and the squash), one pull request, one deployment.
    expect(firstSync.sources).toEqual([{ source: 'github:acme/payments', ok: true, items: BASE_COMMITS + 3 + 2 }]);
    const count = app.db.prepare("SELECT count(*) AS n FROM branch_commits WHERE environment = 'prod'").get() as { n: number };
    expect(count.n).toBe(BASE_COMMITS);
    // Every page of every branch was read (main repeats uat's list, so it is answered with 304s).
    const pages = firstSyncRequests.filter((request) => request.path.endsWith('/commits'));
    expect(pages.length).toBeGreaterThanOrEqual(2 * 4);
    expect(pages.some((request) => request.status === 304)).toBe(true);
  });

  it('pages a commit list past 2,000 commits, from the API and again from cached pages (304)', async () => {
    const bodies = new Map<string, { etag: string; body: string }>();
    const client = new GitHubSource(loadEnvironment({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url }), {
      cached: (url) => bodies.get(url) ?? null,
      cache: (url, etag, body) => void bodies.set(url, { etag, body }),
    });
    const expected = Array.from({ length: LONG_HISTORY }, (_, index) => fakeSha(`long-${LONG_HISTORY - 1 - index}`));
    const pagesOf = async (): Promise<{ commits: string[]; statuses: number[] }> => {
      const before = github.requests.length;
      const { commits } = await client.commitsFrom('acme', 'payments', longTip, null);
      return { commits, statuses: github.requests.slice(before).map((request) => request.status) };
    };
    const fresh = await pagesOf();
    expect(fresh.commits).toEqual(expected);
    expect(fresh.statuses).toEqual(Array.from({ length: 21 }, () => 200));
    // The cached pages carry their Link header: the list goes on past the 20th page from the cache too.
    const cached = await pagesOf();
    expect(cached.commits).toEqual(expected);
    expect(cached.statuses).toEqual(Array.from({ length: 21 }, () => 304));
    expect(client.notModified).toBe(21);
  });

  it('counts commits of a squash-merged pull request as present where the squash commit is', async () => {
    const { evaluation } = await runStatus(app.context, 'PAY-30');
    expect(evaluation.status.repositories[0]!.commits.map((commit) => [commit.subject, commit.presence.dev, commit.presence.qa])).toEqual([
      ['PAY-30 export job', 'reachable', 'squashed'],
      ['retry exports', 'reachable', 'squashed'],
    ]);
  });

  it('makes the newest successful deployment the running state of its environment', async () => {
    const { evaluation } = await runStatus(app.context, 'PAY-30');
    expect(evaluation.status.repositories[0]!.commits.map((commit) => commit.deployment.dev)).toEqual(['deployed', 'deployed']);
    expect(evaluation.status.repositories[0]!.commits[0]!.deployment.qa).toBe('unknown');
  });

  it('answers an unchanged repository from ETags (304), which costs no rate limit', async () => {
    const before = github.requests.length;
    const notModified = app.github!.notModified;
    const result = await app.context.sync();
    expect(result.sources?.[0]).toMatchObject({ ok: true, items: 0 });
    const again = github.requests.slice(before);
    expect(again.length).toBeGreaterThan(0);
    expect(again.every((request) => request.status === 304)).toBe(true);
    expect(app.github!.notModified - notModified).toBe(again.length);
  });

  it('waits out a 429 with Retry-After and carries on', async () => {
    const before = github.requests.length;
    github.failNext(429, 1);
    const result = await app.context.sync();
    expect(result.sources?.[0]).toMatchObject({ ok: true });
    expect(github.requests.slice(before).filter((request) => request.status === 429)).toHaveLength(1);
  });

  it('keeps the first sync\'s data when GitHub is down, marks it stale, and prints no token', async () => {
    github.down = true;
    try {
      const result = await app.context.sync();
      expect(result.sources?.[0]).toMatchObject({ source: 'github:acme/payments', ok: false });
      expect(JSON.stringify(result.sources)).not.toContain(TOKEN);
      const { evaluation } = await runStatus(app.context, 'PAY-30');
      expect(evaluation.status.repositories[0]!.commits).toHaveLength(2);
      expect(evaluation.warnings).toEqual([expect.stringMatching(/^github:acme\/payments is stale: its data is as of 2026-11-21 09:00 UTC/)]);
    } finally {
      github.down = false;
    }
  });
});

describe('gig doctor on GitHub', () => {
  it('reports the rate limit left', async () => {
    const { runDoctor } = await import('../src/commands/doctor.js');
    const { doctorProbes } = await import('../src/cli/doctor-probes.js');
    await app.loadSources();
    const checks = await runDoctor(app.context, doctorProbes(app));
    expect(checks.find((check) => check.area === 'github')).toMatchObject({ ok: true, detail: expect.stringMatching(/^authenticated, 4999\/5000 requests left/) });
  });

  it('recognises GitHub remotes, https and ssh, and Enterprise hosts', () => {
    expect(githubRepositoryOf('git@github.com:acme/payments.git')).toEqual({ owner: 'acme', repo: 'payments' });
    expect(githubRepositoryOf('https://github.com/acme/payments')).toEqual({ owner: 'acme', repo: 'payments' });
    expect(githubRepositoryOf('https://git.acme.com/acme/payments.git', 'https://git.acme.com/api/v3')).toEqual({ owner: 'acme', repo: 'payments' });
    expect(githubRepositoryOf('git@gitlab.com:acme/payments.git')).toBeNull();
  });
});
