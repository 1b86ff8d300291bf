import { describe, expect, it } from 'vitest';
import { runCheck } from '../src/commands/check.js';
import { runStatus } from '../src/commands/status.js';
import type { CommitStatus, RepositoryStatus } from '../src/engine/model.js';
import type { App } from '../src/main.js';
import { statusCard } from '../src/views/cards/status-card.js';
import { renderStatusText } from '../src/views/status-text.js';
import { envRepository, nov, tempDir, workspace, type GitBuilder } from './helpers/workspace.js';

/**
 * The shapes of real history that the first wave read wrong (issue #10), each built as a real git
 * repository: mentions in bodies, backports re-done by hand, reverts on one release line,
 * release-line addenda, hotfixes made on prod, renames, and release lines fed from a mainline.
 */

const RELEASE_LINES = `environments:
  - { name: main, branch: main }
  - { name: "2.3", branch: branch-2.3, from: main }
  - { name: "2.2", branch: branch-2.2, from: main }
`;

const CHAINED_BACKPORTS = `environments:
  - { name: main, branch: main }
  - { name: "2.3", branch: branch-2.3 }
  - { name: "2.2", branch: branch-2.2 }
`;

/** A mainline with two release lines cut from it; main checked out. */
function releaseLines(root: string, name = 'core'): GitBuilder {
  const repo = envRepository(root, name);
  repo.checkout('main');
  for (const line of ['branch-2.3', 'branch-2.2']) repo.branch(line);
  return repo;
}

async function open(root: string, environments: string, extra = 'projects: [ABC, PAY]\n', repositories = ['core']): Promise<App> {
  const app = workspace(root, repositories, extra, environments).open();
  await app.context.sync();
  return app;
}

const repositoryOf = async (app: App, ticket: string, options: { to?: string } = {}): Promise<RepositoryStatus> => (await runStatus(app.context, ticket, options)).evaluation.status.repositories[0]!;
const states = (repository: RepositoryStatus): Record<string, string> => Object.fromEntries(repository.environments.map((env) => [env.name, env.state]));
const change = (repository: RepositoryStatus, sha: string): CommitStatus => {
  const found = repository.commits.find((commit) => commit.sha === sha);
  if (!found) throw new Error(`${sha} is not a change of ${repository.name}: ${repository.commits.map((commit) => commit.subject).join('; ')}`);
  return found;
};

describe('ownership: a key in the body of another ticket’s commit is a mention, not ownership', () => {
  it('keeps "a follow-up to ABC-7" and "Refs: ABC-7" out of ABC-7’s change set, and lists them as mentions', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'core');
    const own = repo.commit('ABC-7 validate totals', { 'totals.java': 'v1\n' }, { date: nov(2) });
    const other = repo.commit('ABC-8 round totals\n\nA follow-up to ABC-7, see the thread.\n\nRefs: ABC-7', { 'round.java': 'v1\n' }, { date: nov(3) });
    const app = await open(root, 'environments:\n  - { name: dev, branch: develop }\n  - { name: qa, branch: test }\n');

    const { evaluation } = await runStatus(app.context, 'ABC-7');
    expect(evaluation.status.repositories[0]!.commits.map((commit) => commit.sha)).toEqual([own]);
    expect(evaluation.status.mentions).toEqual([{ repository: 'core', sha: other, subject: 'ABC-8 round totals', committedAt: nov(3).replace('Z', '.000Z'), owners: ['ABC-8'] }]);
    expect(renderStatusText(evaluation)).toContain(`Mentioned by (not part of the ticket)\n  core             ${other.slice(0, 8)} 2026-11-03 ABC-8 round totals (ABC-8)`);
    expect(statusCard(evaluation).blocks).toContainEqual({ kind: 'list', title: 'Mentioned by (not part of the ticket)', items: [`\`${other.slice(0, 8)}\` core — ABC-8 round totals (ABC-8)`] });
    // A mention makes no companion: neither ticket blocks the other.
    expect(evaluation.dependencies).toEqual([]);
    expect((await runStatus(app.context, 'ABC-8')).evaluation.dependencies).toEqual([]);
  });

  it('makes two tickets that own one commit companions, and reads an owning trailer', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'core');
    repo.commit('ABC-1, ABC-2: shared validator', { 'validator.java': 'v1\n' }, { date: nov(2) });
    const trailer = repo.commit('tidy the validator\n\nTicket: ABC-3', { 'validator.java': 'v2\n' }, { date: nov(3) });
    const app = await open(root, 'environments:\n  - { name: dev, branch: develop }\n  - { name: qa, branch: test }\n');
    expect((await runStatus(app.context, 'ABC-1')).evaluation.dependencies).toMatchObject([{ ticket: 'ABC-2', kind: 'companion', direction: 'needs' }]);
    expect((await repositoryOf(app, 'ABC-3')).commits.map((commit) => commit.sha)).toEqual([trailer]);
  });

  it('counts body mentions as ownership only when tickets.ownedBy says so', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'core');
    const mention = repo.commit('ABC-8 round totals\n\nsee ABC-7', { 'round.java': 'v1\n' }, { date: nov(3) });
    const app = await open(root, 'environments:\n  - { name: dev, branch: develop }\n', 'projects: [ABC]\ntickets: { ownedBy: [subject, body] }\n');
    expect((await repositoryOf(app, 'ABC-7')).commits.map((commit) => commit.sha)).toEqual([mention]);
  });
});

describe('a backport re-done by hand is the same change', () => {
  it('reads a conflict-resolved backport with a new pull-request number as equivalent, by subject', async () => {
    const root = tempDir();
    const repo = releaseLines(root);
    repo.checkout('branch-2.3');
    repo.commit('Older code on 2.3', { 'limit.java': 'limit = 5 // 2.3\n' }, { date: nov(2) });
    repo.checkout('main');
    const original = repo.commit('ABC-1 raise the limit (#12)', { 'limit.java': 'limit = 10\n' }, { date: nov(3) });
    repo.checkout('branch-2.3');
    const backport = repo.commit('ABC-1 raise the limit (#12) (#15)', { 'limit.java': 'limit = 10 // 2.3\n' }, { date: nov(4) });
    const app = await open(root, RELEASE_LINES);

    const core = await repositoryOf(app, 'ABC-1');
    expect(core.commits).toHaveLength(1);
    expect(change(core, original)).toMatchObject({
      presence: { main: 'reachable', '2.3': 'equivalent', '2.2': 'absent' },
      evidence: { '2.3': 'subject' },
      copies: [backport],
      copyEvidence: { [backport]: 'subject' },
      locations: { main: original, '2.3': backport },
    });
    expect(states(core)).toEqual({ main: 'complete', '2.3': 'complete', '2.2': 'absent' });
    const towards23 = (await runStatus(app.context, 'ABC-1', { to: '2.3' })).evaluation;
    expect(towards23.toPromote).toEqual([]);
    expect(towards23.anomalies).toEqual([]);
  });

  it('does not count an empty commit (one that fixes a Jira id) as a change to promote', async () => {
    const root = tempDir();
    const repo = releaseLines(root);
    const fix = repo.commit('ABC-21 fix bulk load (#2063)', { 'load.java': 'fixed\n' }, { date: nov(2) });
    repo.commit('ABC-21 fix bulk load (#2063) (addendum: empty commit with correct Jira ID)', {}, { date: nov(3) });
    repo.checkout('branch-2.3');
    repo.cherryPick(fix, { record: true, date: nov(4) });
    const app = await open(root, RELEASE_LINES);
    const core = await repositoryOf(app, 'ABC-21');
    expect(core.commits.map((commit) => commit.sha)).toEqual([fix]);
    expect(states(core)).toMatchObject({ main: 'complete', '2.3': 'complete' });
  });

  it('never folds two commits with one subject on the same branch into one change', async () => {
    const root = tempDir();
    const repo = releaseLines(root);
    const first = repo.commit('ABC-2 update docs', { 'docs.md': 'v1\n' }, { date: nov(2) });
    const second = repo.commit('ABC-2 update docs', { 'docs.md': 'v2\n' }, { date: nov(3) });
    const app = await open(root, RELEASE_LINES);
    expect((await repositoryOf(app, 'ABC-2')).commits.map((commit) => commit.sha)).toEqual([first, second]);
  });
});

describe('reverts are per branch', () => {
  it('pairs a revert of a release-line copy with that copy, counts the re-application, and offers nothing to the mainline', async () => {
    const root = tempDir();
    const repo = releaseLines(root);
    const fix = repo.commit('ABC-3 fix parser', { 'parser.java': 'fixed\n' }, { date: nov(2) });
    repo.checkout('branch-2.3');
    const copy = repo.cherryPick(fix, { record: true, date: nov(3) });
    const revert = repo.revert(copy, { date: nov(4) });
    const again = repo.cherryPick(fix, { record: true, date: nov(5) });
    const app = await open(root, RELEASE_LINES);

    const core = await repositoryOf(app, 'ABC-3');
    expect(core.commits).toHaveLength(1);
    expect(change(core, fix)).toMatchObject({ presence: { main: 'reachable', '2.3': 'equivalent', '2.2': 'absent' }, revertedBy: revert, locations: { '2.3': again } });
    expect(states(core)).toEqual({ main: 'complete', '2.3': 'complete', '2.2': 'absent' });
    // Towards 2.2 the fix is to promote from main; the 2.3 revert is nowhere in that advice.
    const evaluation = (await runStatus(app.context, 'ABC-3')).evaluation;
    expect(evaluation.target).toBe('2.2');
    expect(evaluation.toPromote.map((commit) => [commit.sha, commit.kind])).toEqual([[fix, 'change']]);
    expect((await runCheck(app.context, 'ABC-3', 'main', '2.3')).toPromote).toEqual([]);
  });

  it('reads a revert on one release line as reverted there only; a line that never had the change does not owe it', async () => {
    const root = tempDir();
    const repo = releaseLines(root);
    const fix = repo.commit('ABC-4 tune cache', { 'cache.java': 'tuned\n' }, { date: nov(2) });
    repo.checkout('branch-2.3');
    const copy = repo.cherryPick(fix, { record: true, date: nov(3) });
    repo.revert(copy, { date: nov(4) });
    repo.checkout('main');
    repo.revert(fix, { date: nov(5) });
    const app = await open(root, RELEASE_LINES);

    const core = await repositoryOf(app, 'ABC-4');
    expect(change(core, fix)).toMatchObject({
      presence: { main: 'reverted', '2.3': 'reverted', '2.2': 'absent' },
      expected: { main: true, '2.3': true, '2.2': false },
    });
    expect(states(core)).toEqual({ main: 'reverted', '2.3': 'reverted', '2.2': 'absent' });
    expect((await runStatus(app.context, 'ABC-4')).evaluation.target).toBeNull();
  });
});

describe('branch-local work does not make earlier environments partial', () => {
  it('reads a release-line addendum as made on that line: the mainline stays complete', async () => {
    const root = tempDir();
    const repo = releaseLines(root);
    repo.commit('PAY-5 shared code', { 'api.java': 'main api\n' }, { date: nov(1, 12) });
    const fix = repo.commit('ABC-5 new endpoint', { 'endpoint.java': 'v1\n' }, { date: nov(2) });
    repo.checkout('branch-2.3');
    repo.commit('Older api on 2.3', { 'api.java': '2.3 api\n' }, { date: nov(2, 12) });
    repo.cherryPick(fix, { record: true, date: nov(3) });
    const addendum = repo.commit('ABC-5 addendum: compile fix for 2.3', { 'api.java': '2.3 api, fixed\n' }, { date: nov(4) });
    const app = await open(root, RELEASE_LINES);

    const core = await repositoryOf(app, 'ABC-5');
    expect(change(core, addendum)).toMatchObject({
      branchLocal: ['2.3'],
      // Its own content is not what main holds: never "squashed" into main.
      presence: { main: 'absent', '2.3': 'reachable', '2.2': 'absent' },
      expected: { main: false, '2.3': true, '2.2': false },
    });
    expect(states(core)).toEqual({ main: 'complete', '2.3': 'complete', '2.2': 'absent' });
    const evaluation = (await runStatus(app.context, 'ABC-5', { to: '2.2' })).evaluation;
    expect(evaluation.anomalies).toEqual([]);
    expect(evaluation.reasons).toContain(`core: ${addendum.slice(0, 8)} "ABC-5 addendum: compile fix for 2.3" was made on 2.3 and is not in main: it has not flowed back`);
    expect(evaluation.verdict).toBe('risky');
  });

  it('follows the backflow setting: ignore on a release line drops the warning', async () => {
    const root = tempDir();
    const repo = releaseLines(root);
    repo.checkout('branch-2.3');
    repo.commit('ABC-6 docs version bump for 2.3', { 'docs/version.txt': '2.3.1\n' }, { date: nov(2) });
    const app = await open(root, RELEASE_LINES.replace('from: main }', 'from: main, backflow: ignore }'));
    const evaluation = (await runStatus(app.context, 'ABC-6')).evaluation;
    expect(evaluation.target).toBeNull();
    expect(evaluation.verdict).toBe('safe');
  });

  it('reads a hotfix made directly on prod as branch-local: dev, qa and uat are not partial, and it must flow back', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'api');
    const first = repo.commit('ABC-9 checkout timeout', { 'timeout.java': 'v1\n' }, { date: nov(2) });
    for (const branch of ['test', 'uat', 'main']) {
      repo.checkout(branch);
      repo.cherryPick(first, { record: true, date: nov(3) });
    }
    const hotfix = repo.commit('ABC-9 hotfix: timeout 30 s', { 'hotfix.java': 'v1\n' }, { date: nov(4) });
    const app = workspace(root, ['api'], 'projects: [ABC]\n').open();
    await app.context.sync();

    const api = await repositoryOf(app, 'ABC-9');
    expect(change(api, hotfix)).toMatchObject({ branchLocal: ['prod'], expected: { dev: false, qa: false, uat: false, prod: true } });
    expect(states(api)).toEqual({ dev: 'complete', qa: 'complete', uat: 'complete', prod: 'complete' });
    const evaluation = (await runStatus(app.context, 'ABC-9')).evaluation;
    expect(evaluation.anomalies).toEqual([]);
    expect(evaluation.verdict).toBe('risky');
    expect(evaluation.reasons).toEqual([`api: ${hotfix.slice(0, 8)} "ABC-9 hotfix: timeout 30 s" was made on prod and is not in dev, qa, uat: it has not flowed back`]);

    const blocking = workspace(root, ['api'], 'projects: [ABC]\nbackflow: block\n').open();
    expect((await runStatus(blocking.context, 'ABC-9')).evaluation.verdict).toBe('blocked');
  });
});

describe('squashed is decided from a commit’s own change', () => {
  it('does not take a follow-up that puts old content back as present on a line that never had the fix', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'core');
    repo.checkout('main');
    repo.commit('PAY-1 client', { 'Client.java': 'old\n' }, { date: nov(1, 12) });
    for (const line of ['branch-2.3', 'branch-2.2']) repo.branch(line);
    repo.commit('ABC-20 fix the client', { 'Client.java': 'fixed\n', 'Helper.java': 'v1\n' }, { date: nov(2) });
    const restore = repo.commit('ABC-20 follow-up: keep the old client', { 'Client.java': 'old\n' }, { date: nov(3) });
    const app = await open(root, RELEASE_LINES);
    const core = await repositoryOf(app, 'ABC-20');
    expect(change(core, restore).presence['2.3']).toBe('absent');
    expect(states(core)).toEqual({ main: 'complete', '2.3': 'absent', '2.2': 'absent' });
  });
});

describe('release lines fed from a mainline', () => {
  it('heads for the first line still owed the ticket, from the mainline', async () => {
    const root = tempDir();
    const repo = releaseLines(root);
    const fix = repo.commit('ABC-11 fix leak', { 'leak.java': 'fixed\n' }, { date: nov(2) });
    repo.checkout('branch-2.3');
    repo.cherryPick(fix, { record: true, date: nov(3) });
    const app = await open(root, RELEASE_LINES);
    const evaluation = (await runStatus(app.context, 'ABC-11')).evaluation;
    expect([evaluation.source, evaluation.target]).toEqual(['main', '2.2']);
    expect(evaluation.toPromote.map((commit) => commit.sha)).toEqual([fix]);
    expect(evaluation.anomalies).toEqual([]);
    expect(evaluation.verdict).toBe('safe');
  });

  it('does not call a fix on two sibling lines out of order, but does on a chain of backports', async () => {
    const root = tempDir();
    const repo = releaseLines(root);
    const fix = repo.commit('ABC-12 fix race', { 'race.java': 'fixed\n' }, { date: nov(2) });
    repo.checkout('branch-2.2');
    repo.cherryPick(fix, { record: true, date: nov(3) });
    const siblings = await open(root, RELEASE_LINES);
    const evaluation = (await runStatus(siblings.context, 'ABC-12')).evaluation;
    expect(evaluation.anomalies).toEqual([]);
    expect(evaluation.target).toBe('2.3');

    const chained = workspace(root, ['core'], 'projects: [ABC]\n', CHAINED_BACKPORTS).open();
    const anomalies = (await runStatus(chained.context, 'ABC-12', { to: '2.2' })).evaluation.anomalies;
    expect(anomalies.map((anomaly) => anomaly.message)).toEqual([`core: ${fix.slice(0, 8)} "ABC-12 fix race" is in 2.2 but not in 2.3 (promoted out of order)`]);
  });

  it('refuses a promotion backwards along the edges but allows one across release lines', async () => {
    const root = tempDir();
    const repo = releaseLines(root);
    repo.commit('ABC-13 work', { 'work.java': 'v1\n' }, { date: nov(2) });
    const app = await open(root, RELEASE_LINES);
    await expect(runCheck(app.context, 'ABC-13', '2.3', 'main')).rejects.toThrow(/2.3 does not come before main \(main → 2.3, main → 2.2\)/);
    expect((await runCheck(app.context, 'ABC-13', '2.3', '2.2')).target).toBe('2.2');
  });
});

describe('patches read only where they decide something', () => {
  it('reads the patch of a commit once every branch had it, when a force-push leaves it on fewer', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'api');
    const fix = repo.commit('ABC-22 fix rounding', { 'round.java': 'fixed\n' }, { date: nov(2) });
    for (const branch of ['test', 'uat', 'main']) repo.forceBranch(branch, fix);
    const app = workspace(root, ['api'], 'projects: [ABC]\n').open();
    await app.context.sync();
    // prod is put back, and the fix re-applied there by hand without its key: only the patch says it is the same.
    repo.forceBranch('main', `${fix}~1`);
    repo.checkout('main');
    repo.commit('fix rounding', { 'round.java': 'fixed\n' }, { date: nov(3) });
    await app.context.sync();
    expect(change(await repositoryOf(app, 'ABC-22'), fix)).toMatchObject({ presence: { dev: 'reachable', prod: 'equivalent' }, evidence: { prod: 'patch' } });
  });
});

describe('renames', () => {
  it('counts a renamed directory by the lines that changed, and path rules see the new path', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'core');
    const big = Array.from({ length: 900 }, (_, index) => `licence line ${index}`).join('\n');
    repo.commit('PAY-1 licences', { 'legal/A.txt': `${big}\nA\n`, 'legal/B.txt': `${big}\nB\n`, 'legal/C.txt': `${big}\nC\n` }, { date: nov(2) });
    const rename = repo.commit(
      'ABC-14 move licences under db',
      { 'legal/A.txt': null, 'legal/B.txt': null, 'legal/C.txt': null, 'db/licences/A.txt': `${big}\nA2\n`, 'db/licences/B.txt': `${big}\nB\n`, 'db/licences/C.txt': `${big}\nC\n` },
      { date: nov(3) },
    );
    const app = workspace(root, ['core'], 'projects: [ABC, PAY]\n').open();
    await app.context.sync();
    const evaluation = (await runStatus(app.context, 'ABC-14', { to: 'qa' })).evaluation;
    const moved = change(evaluation.status.repositories[0]!, rename);
    expect(moved.files).toEqual(['db/licences/A.txt', 'db/licences/B.txt', 'db/licences/C.txt']);
    expect(moved.additions + moved.deletions).toBe(2);
    expect(evaluation.risks.map((risk) => risk.code)).not.toContain('large-change');
    expect(evaluation.risks.find((risk) => risk.code === 'db-script')?.files).toEqual(['db/licences/A.txt', 'db/licences/B.txt', 'db/licences/C.txt']);
  });
});

describe('answers that say what they mean', () => {
  it('blocks a promotion whose source holds nothing of the ticket', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'core');
    repo.commit('ABC-15 only on dev', { 'dev.java': 'v1\n' }, { date: nov(2) });
    const app = workspace(root, ['core'], 'projects: [ABC]\n').open();
    await app.context.sync();
    const evaluation = await runCheck(app.context, 'ABC-15', 'qa', 'uat');
    expect(evaluation.verdict).toBe('blocked');
    expect(evaluation.reasons).toContain('ABC-15 has not reached qa: there is nothing of it to promote to uat');
    expect(evaluation.notInSource.map((commit) => commit.presentIn)).toEqual([['dev']]);
  });

  it('words anomalies beyond the target as warnings naming where they are', async () => {
    const root = tempDir();
    const api = envRepository(root, 'api');
    const ui = envRepository(root, 'ui');
    const apiWork = api.commit('ABC-16 api', { 'api.java': 'v1\n' }, { date: nov(2) });
    ui.commit('ABC-16 ui', { 'ui.ts': 'v1\n' }, { date: nov(2) });
    for (const branch of ['test', 'uat']) {
      api.checkout(branch);
      api.cherryPick(apiWork, { record: true, date: nov(3) });
    }
    const app = workspace(root, ['api', 'ui'], 'projects: [ABC]\n').open();
    await app.context.sync();
    const evaluation = (await runStatus(app.context, 'ABC-16')).evaluation;
    expect(evaluation.target).toBe('qa');
    expect(evaluation.reasons).toEqual(['beyond qa: ui has none of the ticket in uat, where api already is: a repository was missed']);
    expect(evaluation.verdict).toBe('risky');
  });
});
