import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRelease, runRelease } from '../src/commands/release.js';
import { runStatus } from '../src/commands/status.js';
import { CHAIN_YAML } from '../src/demo/workspace.js';
import { openApp, type App } from '../src/main.js';
import { buildFailureLoop, type FailureLoop } from './helpers/failure-loop.js';
import { startJiraStandIn, type JiraStandIn } from './helpers/jira-standin.js';

let root: string;
let loop: FailureLoop;
let jira: JiraStandIn;
let app: App;
const TOKEN = 'secret-jira-token-do-not-print';

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'gig-jira-'));
  loop = await buildFailureLoop(root);
  loop.app.close();
  jira = await startJiraStandIn();
  const blocks = { name: 'Blocks', inward: 'is blocked by', outward: 'blocks' };
  for (const issue of [
    { key: 'PAY-7', summary: 'Payment totals', status: 'In UAT', fixVersions: ['2026.12'] },
    { key: 'PAY-8', summary: 'Refunds', status: 'In Progress', histories: [{ id: '9001', created: '2026-11-10T13:30:00.000+0100', author: 'Quinn', from: 'In QA', to: 'In Progress' }] },
    { key: 'PAY-9', summary: 'Totals on invoices', status: 'In QA' },
    { key: 'PAY-10', summary: 'Approval form', status: 'In QA', fixVersions: ['2026.12'], links: [{ type: blocks, inwardIssue: { key: 'PAY-7' } }], manualSteps: 'Tell finance the form moved\n- Re-index approvals' },
    { key: 'PAY-11', summary: 'Payment timeout', status: 'In QA', fixVersions: ['2026.12'] },
    { key: 'PAY-12', summary: 'Export', status: 'Done' },
    { key: 'PAY-13', summary: 'Rate cache', status: 'Won\'t do' },
    { key: 'PAY-14', summary: 'Export links', status: 'In QA' },
  ]) {
    jira.issues.set(issue.key, issue);
  }
  const configFile = path.join(root, 'jira.config.yaml');
  writeFileSync(
    configFile,
    `projects: [PAY]\n${CHAIN_YAML}repositories:\n${['api', 'batch', 'db', 'ui', 'mendix'].map((name) => `  - { name: ${name}, path: ./repos/${name} }`).join('\n')}\n` +
      `jira:\n  rejections:\n    - { from: "In QA", to: "In Progress", stage: qa }\n  dependencyLinks: ["is blocked by"]\n  manualStepField: customfield_10042\n`,
  );
  app = openApp({
    configFile,
    dbFile: path.join(root, '.gig', 'gig.db'),
    now: () => new Date('2026-11-21T09:00:00Z'),
    env: { JIRA_BASE_URL: jira.url, JIRA_EMAIL: 'gig@example.com', JIRA_API_TOKEN: TOKEN },
    retry: { attempts: 3, baseMs: 1, maxWaitMs: 5 },
  });
});
afterAll(async () => {
  app.close();
  await jira.close();
  rmSync(root, { recursive: true, force: true });
});

describe('Jira as a source', () => {
  it('reads the tickets named in commits, paged by nextPageToken, with basic auth', async () => {
    const result = await app.context.sync();
    expect(result.sources).toEqual([{ source: 'jira', ok: true, items: 8 }]);
    const searches = jira.requests.filter((request) => request.path === '/rest/api/3/search/jql');
    expect(searches.some((request) => request.query.has('nextPageToken'))).toBe(true);
    expect(searches[0]!.authorization).toBe(`Basic ${Buffer.from(`gig@example.com:${TOKEN}`).toString('base64')}`);
  });

  it('shows the ticket\'s summary and tracker status', async () => {
    const { evaluation } = await runStatus(app.context, 'PAY-8');
    expect(evaluation.tracker).toMatchObject({ summary: 'Refunds', status: 'In Progress', url: `${jira.url}/browse/PAY-8` });
  });

  it('turns a configured status transition in the changelog into a rejection', async () => {
    const { evaluation } = await runStatus(app.context, 'PAY-8');
    expect(evaluation.lastRejection).toEqual({ stage: 'qa', at: '2026-11-10T12:30:00.000Z', reason: 'In QA → In Progress in Jira', by: 'Quinn', source: 'jira' });
    expect(evaluation.sinceRejection).toEqual([]);
    expect((await runStatus(app.context, 'PAY-7')).evaluation.lastRejection?.stage).toBe('client');
  });

  it('makes an "is blocked by" link a tracker dependency, and the manual-step field manual steps', async () => {
    const { evaluation } = await runStatus(app.context, 'PAY-10', { to: 'uat' });
    expect(evaluation.dependencies).toContainEqual({ ticket: 'PAY-7', kind: 'tracker', direction: 'needs', status: 'missing', via: null });
    expect(evaluation.reasons).toContain('PAY-7 is a declared dependency and is not in uat');
    expect(evaluation.manualSteps.filter((step) => step.source === 'tracker').map((step) => step.summary)).toEqual(['Tell finance the form moved', 'Re-index approvals']);
  });

  it('builds a release from a fix version', async () => {
    const { manifest } = await buildRelease(app.context, { id: 'R-FIX', from: 'qa', to: 'uat', fixVersion: '2026.12' });
    expect(manifest.tickets.map((ticket) => ticket.ticket)).toEqual(['PAY-10', 'PAY-11', 'PAY-7']);
    await expect(runRelease(app.context, { id: 'R-NOFIX', from: 'qa', to: 'uat', fixVersion: '1999.1' })).rejects.toThrow(/No ticket of fix version "1999.1"/);
  });

  it('asks only for tickets updated since the last sync the second time, and waits out a 429', async () => {
    const before = jira.requests.length;
    jira.failNext(429, 1);
    const result = await app.context.sync();
    expect(result.sources?.[0]).toMatchObject({ ok: true });
    const searches = jira.requests.slice(before).filter((request) => request.path === '/rest/api/3/search/jql');
    expect(searches.length).toBeGreaterThanOrEqual(2);
    expect(searches.at(-1)!.query.get('jql')).toMatch(/updated >= "2026\/11\/20 07:00"/);
  });

  it('keeps the last good data when Jira is down, and says it is stale, without printing credentials', async () => {
    jira.down = true;
    try {
      const result = await app.context.sync();
      expect(result.sources?.[0]).toMatchObject({ source: 'jira', ok: false });
      expect(result.sources?.[0]?.error?.message).toMatch(/Jira search failed \(HTTP 503\) after 3 attempts/);
      expect(JSON.stringify(result.sources)).not.toContain(TOKEN);
      const { evaluation } = await runStatus(app.context, 'PAY-8');
      expect(evaluation.tracker?.summary).toBe('Refunds');
      expect(evaluation.warnings).toEqual([expect.stringMatching(/^jira is stale: its data is as of 2026-11-21 09:00 UTC \(Jira search failed/)]);
    } finally {
      jira.down = false;
    }
  });
});

describe('gig doctor', () => {
  it('checks Jira and says what to fix when it fails', async () => {
    const { runDoctor } = await import('../src/commands/doctor.js');
    const { doctorProbes } = await import('../src/cli/doctor-probes.js');
    const env = { JIRA_BASE_URL: jira.url, JIRA_EMAIL: 'gig@example.com', JIRA_API_TOKEN: TOKEN };
    const checks = await runDoctor(app.context, doctorProbes(app, env));
    expect(checks.find((check) => check.area === 'jira')).toEqual({ area: 'jira', ok: true, detail: `authenticated as gig bot at ${jira.url}` });
    jira.failNext(401);
    const failing = await runDoctor(app.context, doctorProbes(app, env));
    expect(failing.find((check) => check.area === 'jira')).toMatchObject({ ok: false, detail: 'Jira authentication failed (HTTP 401).', fix: expect.stringContaining('credentials') });
    expect(JSON.stringify(failing)).not.toContain(TOKEN);
  });

  it('keeps credentials out of the errors it raises, causes included', async () => {
    const { JiraSource } = await import('../src/sources/jira/jira-source.js');
    const { loadEnvironment } = await import('../src/config.js');
    const source = new JiraSource(app.config.jira!, loadEnvironment({ JIRA_BASE_URL: jira.url, JIRA_EMAIL: 'gig@example.com', JIRA_API_TOKEN: TOKEN }), { attempts: 1, baseMs: 1, maxWaitMs: 1 });
    jira.failNext(401);
    const error = await source.whoAmI().catch((caught: unknown) => caught);
    const seen = new Set<unknown>();
    const dump = (value: unknown): string => JSON.stringify(value, (_key, inner: unknown) => {
      if (inner && typeof inner === 'object') {
        if (seen.has(inner)) return undefined;
        seen.add(inner);
        if (inner instanceof Error) return { ...inner, message: inner.message, cause: (inner as { cause?: unknown }).cause };
      }
      return inner;
    });
    const text = dump(error);
    expect(text).toContain('Jira authentication failed (HTTP 401)');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(Buffer.from(`gig@example.com:${TOKEN}`).toString('base64'));
  });
});

describe('Jira Data Center', () => {
  it('pages the classic search by startAt with a personal access token', async () => {
    const { JiraSource } = await import('../src/sources/jira/jira-source.js');
    const { loadEnvironment } = await import('../src/config.js');
    const dataCenter = new JiraSource(
      { projects: ['PAY'], deployment: 'datacenter', rejections: [{ from: 'In QA', to: 'In Progress', stage: 'qa' }], dependencyLinks: ['is blocked by'], manualStepField: null },
      loadEnvironment({ JIRA_BASE_URL: jira.url, JIRA_API_TOKEN: 'dc-personal-access-token' }),
      { attempts: 1, baseMs: 1, maxWaitMs: 1 },
    );
    const before = jira.requests.length;
    const { tickets } = await dataCenter.fetch(['PAY-7', 'PAY-8', 'PAY-10'], [], null);
    expect(tickets.map((ticket) => ticket.key).sort()).toEqual(['PAY-10', 'PAY-7', 'PAY-8']);
    expect(tickets.find((ticket) => ticket.key === 'PAY-8')?.rejections).toHaveLength(1);
    const searches = jira.requests.slice(before).filter((request) => request.path === '/rest/api/2/search');
    expect(searches.map((request) => request.query.get('startAt'))).toEqual(['0', '2']);
    expect(searches[0]!.authorization).toBe('Bearer dc-personal-access-token');
  });
});
