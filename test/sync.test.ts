import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { existsSync, writeFileSync } from 'node:fs';
import { runStatus } from '../src/commands/status.js';
import type { CommitStatus, RepositoryStatus } from '../src/engine/model.js';
import { generateSyntheticRepository } from '../src/demo/synthetic.js';
import { ENVIRONMENTS_YAML, envRepository, nov, tempDir, workspace } from './helpers/workspace.js';
import { openApp, type App } from '../src/main.js';

async function status(app: App, ticket: string): Promise<RepositoryStatus[]> {
  return (await runStatus(app.context, ticket)).evaluation.status.repositories;
}

function commitBySubject(repository: RepositoryStatus | undefined, subject: string): CommitStatus {
  const commit = repository?.commits.find((candidate) => candidate.subject === subject);
  if (!commit) throw new Error(`no commit "${subject}" in ${JSON.stringify(repository?.commits.map((c) => c.subject))}`);
  return commit;
}

const states = (repository: RepositoryStatus | undefined): Record<string, string> =>
  Object.fromEntries((repository?.environments ?? []).map((env) => [env.name, env.state]));

describe('indexing merges', () => {
  it('attributes the ticketless commits a merge brings in to the ticket the merge names', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'orders');
    repo.commit('Unrelated work on develop', { 'other.txt': 'x\n' }, { date: nov(2) });
    repo.branch('feature/ABC-7-totals');
    repo.checkout('feature/ABC-7-totals');
    repo.commit('first try at totals', { 'totals.java': 'v1\n' }, { date: nov(3) });
    repo.commit('PAY-1 shared rounding helper', { 'rounding.java': 'v1\n' }, { date: nov(3, 11) });
    repo.commit('fix typo', { 'totals.java': 'v2\n' }, { date: nov(3, 12) });
    repo.checkout('develop');
    repo.merge('feature/ABC-7-totals', "Merge branch 'feature/ABC-7-totals' into develop", { date: nov(4) });
    const app = workspace(root, ['orders']).open();
    await app.context.sync();

    const [orders] = await status(app, 'ABC-7');
    expect(orders?.commits.map((commit) => commit.subject)).toEqual(['first try at totals', 'fix typo']);
    expect((await status(app, 'PAY-1'))[0]?.commits.map((commit) => commit.subject)).toEqual(['PAY-1 shared rounding helper']);
  });

  it('reads the ticket from a pull request merge subject', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'orders');
    repo.branch('ABC-8-fix');
    repo.checkout('ABC-8-fix');
    repo.commit('handle empty carts', { 'cart.java': 'v1\n' }, { date: nov(3) });
    repo.checkout('develop');
    repo.commit('meanwhile on develop', { 'other.txt': 'x\n' }, { date: nov(3, 12) });
    repo.merge('ABC-8-fix', 'Merge pull request #42 from org/ABC-8-fix', { date: nov(4) });
    const app = workspace(root, ['orders']).open();
    await app.context.sync();
    expect((await status(app, 'ABC-8'))[0]?.commits.map((commit) => commit.subject)).toEqual(['handle empty carts']);
  });
});

describe('presence of a change in each environment', () => {
  it('folds plain and -x cherry-picks into the commit they copy, which reads equivalent there', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'orders');
    const original = repo.commit('ABC-1 validate totals', { 'totals.java': 'v1\n' }, { date: nov(2) });
    repo.checkout('test');
    repo.cherryPick(original, { date: nov(3) });
    repo.checkout('uat');
    repo.cherryPick(original, { record: true, date: nov(4) });
    const app = workspace(root, ['orders']).open();
    await app.context.sync();

    const [orders] = await status(app, 'ABC-1');
    expect(orders?.commits).toHaveLength(1);
    expect(orders?.commits[0]).toMatchObject({ sha: original, presence: { dev: 'reachable', qa: 'equivalent', uat: 'equivalent', prod: 'absent' } });
    expect(orders?.commits[0]?.copies).toHaveLength(2);
    expect(states(orders)).toEqual({ dev: 'complete', qa: 'complete', uat: 'complete', prod: 'absent' });
  });

  it('treats a -x cherry-pick whose patch changed in conflict resolution as the same change', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'orders');
    const original = repo.commit('ABC-2 add limit', { 'limit.java': 'limit = 10\n' }, { date: nov(2) });
    repo.checkout('test');
    repo.commit(`ABC-2 add limit\n\n(cherry picked from commit ${original})`, { 'limit.java': 'limit = 10 // adapted for test\n' }, { date: nov(3) });
    const app = workspace(root, ['orders']).open();
    await app.context.sync();
    const [orders] = await status(app, 'ABC-2');
    expect(orders?.commits).toHaveLength(1);
    expect(orders?.commits[0]?.presence.qa).toBe('equivalent');
  });

  it('lists a change once, under the copy that stands first in the promotion chain', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'orders');
    repo.checkout('test');
    const hotfix = repo.commit('ABC-3 hotfix made on test first', { 'hotfix.java': 'v1\n' }, { date: nov(2) });
    repo.checkout('develop');
    const backport = repo.cherryPick(hotfix, { record: true, date: nov(3) });
    const app = workspace(root, ['orders']).open();
    await app.context.sync();
    const [orders] = await status(app, 'ABC-3');
    expect(orders?.commits).toHaveLength(1);
    expect(orders?.commits[0]).toMatchObject({ sha: backport, copies: [hotfix], presence: { dev: 'reachable', qa: 'equivalent' } });
  });

  it('reads a change and its revert on one branch as reverted there, and owed nowhere else', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'orders');
    const change = repo.commit('ABC-4 cache lookups', { 'cache.java': 'v1\n' }, { date: nov(2) });
    const revert = repo.revert(change, { date: nov(3) });
    const app = workspace(root, ['orders']).open();
    await app.context.sync();
    const [orders] = await status(app, 'ABC-4');
    expect(orders?.commits).toHaveLength(1);
    expect(orders?.commits[0]).toMatchObject({
      sha: change,
      revertedBy: revert,
      presence: { dev: 'reverted', qa: 'absent', uat: 'absent', prod: 'absent' },
      expected: { dev: true, qa: false, uat: false, prod: false },
      locations: { dev: revert },
    });
    // A branch that never had the change nor its revert holds nothing of the ticket: absent, not complete.
    expect(states(orders)).toEqual({ dev: 'reverted', qa: 'absent', uat: 'absent', prod: 'absent' });
  });

  it('shows a change that was reverted upstream but is still live downstream', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'orders');
    const change = repo.commit('ABC-5 risky change', { 'risky.java': 'v1\n' }, { date: nov(2) });
    repo.checkout('test');
    repo.cherryPick(change, { record: true, date: nov(3) });
    repo.checkout('develop');
    repo.revert(change, { date: nov(4) });
    const app = workspace(root, ['orders']).open();
    await app.context.sync();
    const [orders] = await status(app, 'ABC-5');
    expect(commitBySubject(orders, 'ABC-5 risky change').presence).toMatchObject({ dev: 'reverted', qa: 'equivalent' });
    expect(orders?.commits).toHaveLength(1);
    expect(states(orders)).toMatchObject({ dev: 'reverted', qa: 'complete', uat: 'absent' });
    const { evaluation } = await runStatus(app.context, 'ABC-5', { to: 'qa' });
    expect(evaluation.reasons).toContain(`orders: ${change.slice(0, 8)} was reverted in dev by ${orders!.commits[0]!.revertedBy!.slice(0, 8)}, but qa still has it`);
    expect(evaluation.toPromote).toMatchObject([{ kind: 'revert', sha: orders!.commits[0]!.revertedBy }]);
  });

  it('marks an environment whose branch does not exist as no-branch', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'orders');
    repo.commit('ABC-6 work', { 'work.java': 'v1\n' }, { date: nov(2) });
    repo.deleteBranch('uat');
    const app = workspace(root, ['orders']).open();
    const result = await app.context.sync();
    expect(result.repositories[0]?.missingBranches).toEqual(['uat']);
    const [orders] = await status(app, 'ABC-6');
    expect(states(orders)).toEqual({ dev: 'complete', qa: 'absent', uat: 'no-branch', prod: 'absent' });
    expect(orders?.commits[0]?.presence.uat).toBe('absent');
  });

  it('follows a ticket across repositories in configuration order', async () => {
    const root = tempDir();
    envRepository(root, 'api').commit('ABC-9 api side', { 'api.java': 'v1\n' }, { date: nov(2) });
    envRepository(root, 'ui').commit('ABC-9 ui side', { 'ui.ts': 'v1\n' }, { date: nov(2) });
    envRepository(root, 'db');
    const app = workspace(root, ['ui', 'db', 'api']).open();
    await app.context.sync();
    expect((await status(app, 'abc-9')).map((repository) => repository.name)).toEqual(['ui', 'api']);
  });
});

describe('incremental sync', () => {
  it('reads only the new commits on a second sync and nothing when nothing changed', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'orders');
    repo.commit('ABC-10 first', { 'a.java': 'v1\n' }, { date: nov(2) });
    const app = workspace(root, ['orders']).open();
    const first = await app.context.sync();
    expect(first.repositories[0]?.newCommits).toBe(2);

    repo.commit('ABC-10 follow-up', { 'a.java': 'v2\n' }, { date: nov(3) });
    repo.commit('ABC-11 other', { 'b.java': 'v1\n' }, { date: nov(3, 11) });
    const second = await app.context.sync();
    expect(second.repositories[0]).toMatchObject({ newCommits: 2, changedBranches: ['dev'] });
    expect((await status(app, 'ABC-10'))[0]?.commits.map((commit) => commit.subject)).toEqual(['ABC-10 first', 'ABC-10 follow-up']);

    const third = await app.context.sync();
    expect(third.repositories[0]).toMatchObject({ newCommits: 0, changedBranches: [] });
    expect(third.gitProcesses).toBeLessThan(second.gitProcesses);
  });

  it('records membership when a branch catches up by merge, without reading old commits again', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'orders');
    repo.commit('ABC-12 feature', { 'f.java': 'v1\n' }, { date: nov(2) });
    const app = workspace(root, ['orders']).open();
    await app.context.sync();
    repo.checkout('test');
    repo.merge('develop', "Merge branch 'develop' into test", { date: nov(3) });
    const second = await app.context.sync();
    expect(second.repositories[0]?.newCommits).toBe(1);
    expect((await status(app, 'ABC-12'))[0]?.commits[0]?.presence).toMatchObject({ dev: 'reachable', qa: 'reachable' });
  });

  it('recomputes a force-pushed branch and forgets commits no branch holds', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'orders');
    const base = repo.commit('ABC-13 kept', { 'k.java': 'v1\n' }, { date: nov(2) });
    repo.commit('ABC-13 dropped by the force-push', { 'd.java': 'v1\n' }, { date: nov(3) });
    const app = workspace(root, ['orders']).open();
    await app.context.sync();
    expect((await status(app, 'ABC-13'))[0]?.commits).toHaveLength(2);

    repo.forceBranch('develop', base);
    repo.checkout('develop');
    repo.commit('ABC-13 rewritten', { 'r.java': 'v1\n' }, { date: nov(4) });
    const second = await app.context.sync();
    expect(second.repositories[0]).toMatchObject({ newCommits: 1, removedCommits: 1 });
    expect((await status(app, 'ABC-13'))[0]?.commits.map((commit) => commit.subject)).toEqual(['ABC-13 kept', 'ABC-13 rewritten']);
  });

  it('mirrors a url repository and fetches it on each sync', async () => {
    const root = tempDir();
    const upstream = envRepository(root, 'upstream');
    upstream.commit('ABC-14 first', { 'a.java': 'v1\n' }, { date: nov(2) });
    const configFile = path.join(root, 'gig.config.yaml');
    writeFileSync(configFile, `projects: [ABC]\n${ENVIRONMENTS_YAML}repositories:\n  - { name: mirrored, url: ./repos/upstream }\n`);
    const app = openApp({ configFile, dbFile: path.join(root, '.gig', 'gig.db') });
    try {
      await app.context.sync();
      upstream.commit('ABC-14 second', { 'a.java': 'v2\n' }, { date: nov(3) });
      const second = await app.context.sync();
      expect(second.repositories[0]).toMatchObject({ ok: true, newCommits: 1 });
      expect((await status(app, 'ABC-14'))[0]?.commits).toHaveLength(2);
      expect(existsSync(path.join(root, '.gig', 'mirrors', 'mirrored.git', 'HEAD'))).toBe(true);
    } finally {
      app.close();
    }
  });

  it('reports a repository that cannot be read and still syncs the others', async () => {
    const root = tempDir();
    envRepository(root, 'orders').commit('ABC-15 x', { 'x.java': 'v1\n' }, { date: nov(2) });
    const app = workspace(root, ['orders', 'missing']).open();
    const result = await app.context.sync();
    expect(result.repositories.map((repo) => [repo.repository, repo.ok])).toEqual([['orders', true], ['missing', false]]);
    expect(result.repositories[1]?.error?.message).toContain('does not exist');
    expect(await status(app, 'ABC-15')).toHaveLength(1);
    expect((await runStatus(app.context, 'ABC-15')).evaluation.warnings).toEqual([
      expect.stringMatching(/^git:missing is stale: it never answered \(The repository path .* does not exist\.\)$/),
    ]);
  });

  it('forgets a repository taken out of the configuration: no warning at once, no row after the next sync', async () => {
    const root = tempDir();
    envRepository(root, 'orders').commit('ABC-16 x', { 'x.java': 'v1\n' }, { date: nov(2) });
    const before = workspace(root, ['orders', 'missing']).open();
    await before.context.sync();
    expect((await runStatus(before.context, 'ABC-16')).evaluation.warnings).toHaveLength(1);
    before.close();

    const after = workspace(root, ['orders']).open();
    expect((await runStatus(after.context, 'ABC-16')).evaluation.warnings).toEqual([]);
    expect(after.stores.trackers.sourceStates().map((state) => state.source)).toEqual(['git:missing', 'git:orders']);
    await after.context.sync();
    expect(after.stores.trackers.sourceStates().map((state) => state.source)).toEqual(['git:orders']);
  });
});

describe('git processes', () => {
  it('spawns the same number of git processes for 60 commits as for 1,200', async () => {
    const counts: number[] = [];
    for (const commits of [60, 1200]) {
      const root = tempDir();
      generateSyntheticRepository(path.join(root, 'repos', 'big'), { commits });
      const app = workspace(root, ['big']).open();
      const result = await app.context.sync();
      expect(result.repositories[0]?.newCommits).toBe(commits);
      counts.push(result.gitProcesses);
    }
    expect(counts[0]).toBe(counts[1]);
    // Per repository: rev-parse, for-each-ref, rev-list --count (for progress), log, merge-base and
    // rev-list (which commits some branch lacks), diff-tree | patch-id; per branch: check-ref-format,
    // rev-list, ls-tree.
    expect(counts[0]).toBeLessThanOrEqual(8 + 3 * 4);
  });

  it('indexes a synthetic history completely, with membership per branch', async () => {
    const root = tempDir();
    generateSyntheticRepository(path.join(root, 'repos', 'big'), { commits: 100 });
    const app = workspace(root, ['big']).open();
    await app.context.sync();
    const counts = app.db
      .prepare('SELECT environment, count(*) AS n FROM branch_commits GROUP BY environment ORDER BY environment')
      .all() as Array<{ environment: string; n: number }>;
    expect(Object.fromEntries(counts.map((row) => [row.environment, row.n]))).toEqual({ dev: 100, qa: 90, uat: 70, prod: 50 });
    // ABC-2 is named by commits 5, 7 and 8 (every third commit names no ticket).
    expect((await status(app, 'ABC-2'))[0]?.commits.map((commit) => commit.subject)).toEqual(['ABC-2 change 5', 'ABC-2 change 7', 'ABC-2 change 8']);
  });
});
