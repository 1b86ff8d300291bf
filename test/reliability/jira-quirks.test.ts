import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildRelease } from '../../src/commands/release.js';
import { openApp, type App } from '../../src/main.js';
import { startJiraStandIn, type JiraStandIn } from '../helpers/jira-standin.js';
import { envRepository, nov, tempDir, workspace } from '../helpers/workspace.js';

/**
 * Issue #11, Jira: a key Jira does not have (a typo, a deleted ticket) never makes a query invalid
 * and is not asked for again on every sync; an empty key list sends nothing; a fix version asked
 * for the first time is read whole, not through the incremental `updated >=` filter.
 */

let jira: JiraStandIn;
let clock: Date;
beforeEach(async () => {
  jira = await startJiraStandIn(50);
  clock = new Date('2026-11-21T09:00:00Z');
});
afterEach(() => jira.close());

function jiraApp(root: string): App {
  const ws = workspace(root, ['api'], 'projects: [PAY]\njira: {}\n');
  return openApp({
    configFile: ws.configFile,
    dbFile: ws.dbFile,
    now: () => clock,
    env: { JIRA_BASE_URL: jira.url, JIRA_EMAIL: 'gig@example.com', JIRA_API_TOKEN: 'token' },
    retry: { attempts: 1, baseMs: 1, maxWaitMs: 1 },
  });
}

const searches = (): string[] => jira.requests.filter((request) => request.path === '/rest/api/3/search/jql').map((request) => request.query.get('jql') ?? '');

describe('keys Jira does not have', () => {
  it('are left out of the query, remembered, and not asked for on the next sync', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'api');
    repo.commit('PAY-7 totals', { 'a.java': 'v1\n' }, { date: nov(2) });
    repo.commit('PAY-77 a typo for PAY-7', { 'a.java': 'v2\n' }, { date: nov(3) });
    jira.issues.set('PAY-7', { key: 'PAY-7', summary: 'Totals', status: 'In QA', updated: '2026-11-20T09:00:00Z' });
    const app = jiraApp(root);
    const first = await app.context.sync();
    expect(first.sources).toEqual([{ source: 'jira', ok: true, items: 1 }]);
    expect(app.context.index.trackerTicket('PAY-7')).toMatchObject({ summary: 'Totals' });
    expect(searches().some((jql) => /in \(\s*\)/.test(jql))).toBe(false);

    const before = searches().length;
    clock = new Date('2026-11-21T10:00:00Z');
    expect((await app.context.sync()).sources).toEqual([{ source: 'jira', ok: true, items: 1 }]);
    expect(searches().slice(before).some((jql) => jql.includes('PAY-77'))).toBe(false);
    expect(app.context.index.sourceHealth().filter((source) => source.stale)).toEqual([]);
    app.close();
  });

  it('send no query at all when every key is unknown', async () => {
    const root = tempDir();
    envRepository(root, 'api').commit('PAY-404 gone from Jira', { 'a.java': 'v1\n' }, { date: nov(2) });
    const app = jiraApp(root);
    expect((await app.context.sync()).sources).toEqual([{ source: 'jira', ok: true, items: 0 }]);
    const before = searches().length;
    clock = new Date('2026-11-21T10:00:00Z');
    expect((await app.context.sync()).sources).toEqual([{ source: 'jira', ok: true, items: 0 }]);
    expect(searches().slice(before)).toEqual([]);
    app.close();
  });
});

describe('a fix version asked for the first time', () => {
  it('is read whole, even when its tickets were last updated before the previous sync', async () => {
    const root = tempDir();
    envRepository(root, 'api').commit('PAY-7 totals', { 'a.java': 'v1\n' }, { date: nov(2) });
    jira.issues.set('PAY-7', { key: 'PAY-7', summary: 'Totals', status: 'In QA', updated: '2026-11-20T09:00:00Z' });
    // Two old tickets of the version, untouched for a month and named by no commit yet.
    jira.issues.set('PAY-8', { key: 'PAY-8', summary: 'Refunds', status: 'Done', fixVersions: ['2026.12'], updated: '2026-10-01T09:00:00Z' });
    jira.issues.set('PAY-9', { key: 'PAY-9', summary: 'Invoices', status: 'Done', fixVersions: ['2026.12'], updated: '2026-10-02T09:00:00Z' });
    const app = jiraApp(root);
    await app.context.sync();
    clock = new Date('2026-11-28T09:00:00Z');
    await app.context.sync(undefined, { fixVersions: ['2026.12'] });
    expect(app.context.index.ticketsInFixVersion('2026.12')).toEqual(['PAY-8', 'PAY-9']);
    // Asked again, it is read as updated since the last sync: nothing older comes twice.
    const before = searches().length;
    await app.context.sync(undefined, { fixVersions: ['2026.12'] });
    expect(searches().slice(before).filter((jql) => jql.includes('fixVersion')).every((jql) => jql.includes('updated >='))).toBe(true);
    await expect(buildRelease(app.context, { id: 'R-FIX', from: 'dev', to: 'qa', fixVersion: '2026.12' })).resolves.toBeDefined();
    app.close();
  });
});
