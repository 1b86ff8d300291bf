import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStatus } from '../src/commands/status.js';
import { CHAIN_YAML } from '../src/demo/workspace.js';
import { openApp, type App } from '../src/main.js';
import { fakeSha, startGitHubStandIn, type FakeCommit, type GitHubStandIn } from './helpers/github-standin.js';

let root: string;
let github: GitHubStandIn;
let app: App;
const TOKEN = 'ghp_secret_token_never_printed';
const day = (n: number, minute = 0): string => new Date(Date.UTC(2026, 9, 1) + n * 86_400_000 + minute * 60_000).toISOString().replace('.000', '');

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'gig-github-'));
  github = await startGitHubStandIn('acme', 'payments');
  // A long history on main (prod), cut into uat and test, then develop: 2,100 commits to page through.
  let parent: string | null = null;
  const add = (sha: string, message: string, date: string, files: FakeCommit['files'], parents = parent ? [parent] : []): string => {
    github.commits.set(sha, { sha, parents, message, date, files });
    parent = sha;
    return sha;
  };
  for (let index = 0; index < 2100; index += 1) add(fakeSha(`base-${index}`), index % 10 === 0 ? `PAY-${100 + (index % 7)} base work ${index}` : `chore ${index}`, day(0, index), [{ filename: `src/base${index % 50}.java`, sha: fakeSha(`blob-base-${index}`) }]);
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

  const configFile = path.join(root, 'gig.config.yaml');
  writeFileSync(configFile, `projects: [PAY]\n${CHAIN_YAML}repositories:\n  - { name: payments, github: acme/payments }\ngithub:\n  environments: { dev: development }\n`);
  app = openApp({ configFile, dbFile: path.join(root, '.gig', 'gig.db'), env: { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url }, now: () => new Date('2026-11-21T09:00:00Z'), githubRetries: 2 });
});
afterAll(async () => {
  app.close();
  await github.close();
  rmSync(root, { recursive: true, force: true });
});

describe('GitHub as a source', () => {
  it('indexes a github: repository through the API, paging past 2,000 commits', { timeout: 120_000 }, async () => {
    const result = await app.context.sync();
    expect(result.sources).toEqual([{ source: 'github:acme/payments', ok: true, items: 2103 + 2 }]);
    const count = app.db.prepare("SELECT count(*) AS n FROM branch_commits WHERE environment = 'prod'").get() as { n: number };
    expect(count.n).toBe(2100);
    // Every page of every branch was read (main repeats uat's list, so it is answered with 304s).
    expect(github.requests.filter((request) => request.path.endsWith('/commits')).length).toBeGreaterThanOrEqual(21 * 4);
  });

  it('counts commits of a squash-merged pull request as present where the squash commit is', () => {
    const { evaluation } = runStatus(app.context, 'PAY-30');
    expect(evaluation.status.repositories[0]!.commits.map((commit) => [commit.subject, commit.presence.dev, commit.presence.qa])).toEqual([
      ['PAY-30 export job', 'reachable', 'squashed'],
      ['retry exports', 'reachable', 'squashed'],
    ]);
  });

  it('makes the newest successful deployment the running state of its environment', () => {
    const { evaluation } = runStatus(app.context, 'PAY-30');
    expect(evaluation.status.repositories[0]!.commits.map((commit) => commit.deployment.dev)).toEqual(['deployed', 'deployed']);
    expect(evaluation.status.repositories[0]!.commits[0]!.deployment.qa).toBe('unknown');
  });

  it('answers an unchanged repository from ETags (304), which costs no rate limit', { timeout: 60_000 }, async () => {
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
    github.failNext(429, 1);
    const result = await app.context.sync();
    expect(result.sources?.[0]).toMatchObject({ ok: true });
    expect(github.requests.some((request) => request.status === 429)).toBe(true);
  });

  it('keeps the first sync\'s data when GitHub is down, marks it stale, and prints no token', async () => {
    github.down = true;
    try {
      const result = await app.context.sync();
      expect(result.sources?.[0]).toMatchObject({ source: 'github:acme/payments', ok: false });
      expect(JSON.stringify(result.sources)).not.toContain(TOKEN);
      const { evaluation } = runStatus(app.context, 'PAY-30');
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
    const checks = await runDoctor(app.context, doctorProbes(app, { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url }));
    expect(checks.find((check) => check.area === 'github')).toMatchObject({ ok: true, detail: expect.stringMatching(/^authenticated, 4999\/5000 requests left/) });
  });

  it('recognises GitHub remotes, https and ssh, and Enterprise hosts', async () => {
    const { githubRepositoryOf } = await import('../src/sources/github/github-source.js');
    expect(githubRepositoryOf('git@github.com:acme/payments.git')).toEqual({ owner: 'acme', repo: 'payments' });
    expect(githubRepositoryOf('https://github.com/acme/payments')).toEqual({ owner: 'acme', repo: 'payments' });
    expect(githubRepositoryOf('https://git.acme.com/acme/payments.git', 'https://git.acme.com/api/v3')).toEqual({ owner: 'acme', repo: 'payments' });
    expect(githubRepositoryOf('git@gitlab.com:acme/payments.git')).toBeNull();
  });
});
