import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { slackChannelSender, slackClient } from '../src/bot/slack/sender.js';
import { createTeamsAdapter, teamsProactiveSender } from '../src/bot/teams/adapter.js';
import { deliverOccurrence, runDueDigests, type DigestSenders } from '../src/commands/digest.js';
import { runRelease } from '../src/commands/release.js';
import { loadEnvironment } from '../src/config.js';
import { CHAIN_YAML } from '../src/demo/workspace.js';
import { latestOccurrence, nextOccurrences, planOccurrences } from '../src/engine/digest.js';
import { openApp, type App } from '../src/main.js';
import { gig } from './helpers/cli.js';
import { buildFailureLoop } from './helpers/failure-loop.js';
import { expectGolden } from './helpers/golden.js';
import { startSlackStandIn, type SlackStandIn } from './helpers/slack-standin.js';
import { startConnectorStandIn, type ConnectorStandIn } from './helpers/teams-standin.js';
import { normalise } from './helpers/workspace.js';

const WEEKDAYS_9 = '0 9 * * 1-5';
const BERLIN = 'Europe/Berlin';

describe('digest occurrences in the digest\'s time zone', () => {
  it('keeps 09:00 local across the end of daylight saving time', () => {
    // Summer time ends on Sunday 25 October 2026: 09:00 is 07:00Z before, 08:00Z after.
    expect(nextOccurrences(WEEKDAYS_9, BERLIN, new Date('2026-10-22T12:00:00Z'), 3).map((date) => date.toISOString())).toEqual([
      '2026-10-23T07:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
      '2026-10-27T08:00:00.000Z',
    ]);
    expect(latestOccurrence(WEEKDAYS_9, BERLIN, new Date('2026-10-26T08:00:00Z'))?.toISOString()).toBe('2026-10-26T08:00:00.000Z');
    expect(latestOccurrence(WEEKDAYS_9, BERLIN, new Date('2026-10-26T07:59:59Z'))?.toISOString()).toBe('2026-10-23T07:00:00.000Z');
  });

  it('sends an occurrence on time, not late', () => {
    expect(planOccurrences(WEEKDAYS_9, BERLIN, 120, new Date('2026-10-26T08:00:10Z'), '2026-10-23T07:00:00.000Z')).toEqual({
      send: { occurrence: '2026-10-26T08:00:00.000Z', late: false },
      skip: [],
    });
  });

  it('after downtime within the grace period, sends the missed occurrence once, marked late', () => {
    expect(planOccurrences(WEEKDAYS_9, BERLIN, 120, new Date('2026-10-26T09:30:00Z'), '2026-10-23T07:00:00.000Z')).toEqual({
      send: { occurrence: '2026-10-26T08:00:00.000Z', late: true },
      skip: [],
    });
  });

  it('after downtime beyond the grace period, records the missed occurrences as skipped and sends none', () => {
    expect(planOccurrences(WEEKDAYS_9, BERLIN, 120, new Date('2026-10-26T12:00:00Z'), '2026-10-22T07:00:00.000Z')).toEqual({
      send: null,
      skip: ['2026-10-23T07:00:00.000Z', '2026-10-26T08:00:00.000Z'],
    });
  });

  it('sends only the newest of several missed occurrences within the grace period', () => {
    expect(planOccurrences('*/10 * * * *', 'UTC', 60, new Date('2026-11-24T10:25:00Z'), '2026-11-24T09:50:00.000Z')).toEqual({
      send: { occurrence: '2026-11-24T10:20:00.000Z', late: true },
      skip: ['2026-11-24T10:00:00.000Z', '2026-11-24T10:10:00.000Z'],
    });
  });
});

/**
 * Each test below runs its own gig: a copy of one indexed database (the failure loop, with release
 * R-UAT saved), its own digests, its own clock, and its own Slack channel and Teams conversation.
 * So a test starts from a ledger no other test has written to, and counts only its own posts.
 */
describe('digests sent exactly once', () => {
  let root: string;
  let template: string;
  let slack: SlackStandIn;
  let connector: ConnectorStandIn;
  let cases = 0;
  const noWait = { owner: 'test', backoffMs: 1, sleep: async () => undefined };
  const REPOSITORIES = `projects: [PAY]\n${CHAIN_YAML}repositories:\n${['api', 'batch', 'db', 'ui', 'mendix'].map((name) => `  - { name: ${name}, path: ./repos/${name} }`).join('\n')}\n`;
  const UAT_WINDOW = (channel: string, conversation: string, name = 'uat-window'): string =>
    `  - { name: ${name}, cron: "${WEEKDAYS_9}", timezone: ${BERLIN}, target: uat, scope: { release: R-UAT }, slack: { channel: ${channel} }, teams: { conversation: "${conversation}" }, graceMinutes: 120 }\n`;
  const QUIET = '  - { name: quiet, cron: "0 7 * * 1", timezone: UTC, target: qa, scope: { tickets: [PAY-13] }, slack: { channel: C0QUIET } }\n';

  interface Case {
    app: App;
    clock: { at: Date };
    senders: DigestSenders;
    /** The CLI's global options for this case: its configuration and its database. */
    cli: string[];
    /** Opens the same database again, as a second gig process would. */
    open(): App;
    /** How many messages reached `channel` in Slack. */
    posts(channel: string): number;
  }

  /** A gig of this test's own, with these digests (YAML list items), its clock at `at`. */
  async function newCase(digests: string, at: string): Promise<Case> {
    cases += 1;
    const configFile = path.join(root, `case-${cases}.config.yaml`);
    const dbFile = path.join(root, `case-${cases}`, 'gig.db');
    writeFileSync(configFile, `${REPOSITORIES}digests:\n${digests}`);
    mkdirSync(path.dirname(dbFile));
    copyFileSync(template, dbFile);
    const clock = { at: new Date(at) };
    const open = (): App => openApp({ configFile, dbFile, now: () => clock.at });
    const app = open();
    onTestFinished(() => app.close());
    const env = loadEnvironment({ GIG_TEAMS_DEV: '1', SLACK_API_URL: slack.apiUrl });
    for (const digest of app.config.digests.filter((candidate) => candidate.teams)) {
      const id = digest.teams!.conversation;
      const reference = { channelId: 'msteams', serviceUrl: connector.url, conversation: { id, isGroup: true, conversationType: 'channel', tenantId: 'tenant-1' }, bot: { id: '28:gig', name: 'gig' }, activityId: 'old' };
      await app.context.ledger.saveConversation('teams', id, reference, clock.at.toISOString());
    }
    const senders = {
      slack: slackChannelSender(slackClient('xoxb-test', env, { retries: 0, minTimeout: 1, maxTimeout: 1 })),
      teams: teamsProactiveSender(createTeamsAdapter({ appId: '', dev: true }, env), { appId: '', dev: true }, app.context),
    };
    return {
      app,
      clock,
      senders,
      cli: ['--config', configFile, '--db', dbFile],
      open,
      posts: (channel) => slack.callsTo('chat.postMessage').filter((call) => call.body.channel === channel).length,
    };
  }

  /** Bot Connector posts into one Teams conversation. */
  const teamsPosts = (conversation: string): number => connector.calls.filter((call) => call.method === 'POST' && call.path.startsWith(`/v3/conversations/${encodeURIComponent(conversation)}/activities`)).length;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'gig-digest-'));
    const loop = await buildFailureLoop(root);
    loop.app.close();
    writeFileSync(path.join(root, 'digest.config.yaml'), REPOSITORIES);
    template = path.join(root, '.gig', 'gig.db');
    const app = openApp({ configFile: path.join(root, 'digest.config.yaml'), dbFile: template, now: () => new Date('2026-11-20T10:00:00Z') });
    await runRelease(app.context, { id: 'R-UAT', from: 'qa', to: 'uat', tickets: ['PAY-7', 'PAY-8', 'PAY-9', 'PAY-10', 'PAY-11', 'PAY-12'] });
    // Closing checkpoints the write-ahead log: the file alone is the whole database.
    app.close();
    slack = await startSlackStandIn();
    connector = await startConnectorStandIn();
  });
  afterAll(async () => {
    await slack.close();
    await connector.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('posts the digest to Slack and to Teams, blocked first, with the release\'s approval state', async () => {
    const { app, senders } = await newCase(UAT_WINDOW('C0RELEASE', '19:release@thread.tacv2'), '2026-11-23T08:00:05Z');
    const results = await runDueDigests(app.context, senders, noWait);
    expect(results).toContainEqual({ digest: 'uat-window', occurrence: '2026-11-23T08:00:00.000Z', status: 'sent', attempts: 1, late: false });
    const post = await slack.waitForCall((call) => call.method === 'chat.postMessage' && call.body.channel === 'C0RELEASE');
    const text = JSON.stringify(post.body.blocks);
    expect(text.indexOf('BLOCKED (1)')).toBeGreaterThan(0);
    expect(text.indexOf('BLOCKED (1)')).toBeLessThan(text.indexOf('MANUAL-ONLY (2)'));
    expect(text.indexOf('MANUAL-ONLY (2)')).toBeLessThan(text.indexOf('RISKY (3)'));
    expect(text).toContain('*PAY-8* — ui has none of the ticket in qa');
    expect(text).toContain('Approvals of R-UAT');
    expectGolden('digest/slack.json', normalise(JSON.stringify(post.body, null, 2)));
    const teams = await connector.waitForCall((call) => call.method === 'POST' && call.path.startsWith('/v3/conversations/19%3Arelease%40thread.tacv2/activities'));
    expectGolden('digest/teams.json', normalise(JSON.stringify((teams.body.attachments as unknown[])[0], null, 2)));
    // Each ticket of the digest has a Status button that answers the clicker only.
    expect(JSON.stringify(teams.body)).toContain('gig.status.show');
    expect(JSON.stringify(teams.body)).toMatch(/ticket[\\"]+:[\\"]+PAY-8[\\"]+,[\\"]+to[\\"]+:[\\"]+uat/);
    expect(text).toMatch(/"action_id":"gig.status.show","text":\{[^}]*\},"value":"\{\\"ticket\\":\\"PAY-8\\",\\"to\\":\\"uat\\"\}"/);
  });

  it('never posts the same occurrence twice, whoever asks', async () => {
    const { app, senders, posts } = await newCase(UAT_WINDOW('C0TWICE', '19:twice@thread.tacv2'), '2026-11-23T08:00:05Z');
    expect(await runDueDigests(app.context, senders, noWait)).toContainEqual(expect.objectContaining({ digest: 'uat-window', status: 'sent' }));
    expect(posts('C0TWICE')).toBe(1);
    expect(await runDueDigests(app.context, senders, noWait)).toEqual([]);
    const digest = app.config.digests[0]!;
    expect(await deliverOccurrence(app.context, digest, '2026-11-23T08:00:00.000Z', false, senders, noWait)).toMatchObject({ status: 'already-sent' });
    expect(posts('C0TWICE')).toBe(1);
  });

  it('posts once when two processes share the database', async () => {
    const { app, senders, posts, open } = await newCase(UAT_WINDOW('C0SHARED', '19:shared@thread.tacv2'), '2026-11-24T08:00:03Z');
    const other = open();
    try {
      const [first, second] = await Promise.all([runDueDigests(app.context, senders, noWait), runDueDigests(other.context, senders, { ...noWait, owner: 'other' })]);
      const statuses = [...first, ...second].filter((result) => result.digest === 'uat-window').map((result) => result.status);
      // One sends; the other either found nothing due or lost the claim to it.
      expect(statuses.filter((status) => status === 'sent')).toHaveLength(1);
      expect(statuses.filter((status) => status !== 'sent').every((status) => status === 'already-claimed')).toBe(true);
      expect(posts('C0SHARED')).toBe(1);
      // The same occurrence delivered by both at once: the ledger's claim lets one through.
      const digest = app.config.digests[0]!;
      const occurrence = '2026-11-24T09:00:00.000Z';
      const race = await Promise.all([
        deliverOccurrence(app.context, digest, occurrence, false, senders, noWait),
        deliverOccurrence(other.context, digest, occurrence, false, senders, { ...noWait, owner: 'other' }),
      ]);
      expect(race.map((result) => result.status).sort()).toEqual(['already-claimed', 'sent']);
      expect(posts('C0SHARED')).toBe(2);
    } finally {
      other.close();
    }
  });

  it('retries a Slack 500 with back-off, posts once and records the retry', async () => {
    const { app, senders, posts } = await newCase(UAT_WINDOW('C0RETRY', '19:retry@thread.tacv2'), '2026-11-25T08:00:02Z');
    slack.failNext('chat.postMessage', { status: 500 }, (body) => body.channel === 'C0RETRY');
    const results = await runDueDigests(app.context, senders, noWait);
    expect(results).toContainEqual(expect.objectContaining({ digest: 'uat-window', status: 'sent', attempts: 2 }));
    expect(posts('C0RETRY')).toBe(1);
    const run = (await app.context.ledger.digestRuns('uat-window', 1))[0]!;
    expect(run).toMatchObject({ status: 'sent', attempts: 2 });
    expect([...run.delivered].sort()).toEqual(['slack:C0RETRY', 'teams:19:retry@thread.tacv2']);
    // Teams got it on the first attempt and was not posted to again.
    expect(teamsPosts('19:retry@thread.tacv2')).toBe(1);
  });

  it('shows a send that kept failing as failed, with the error', async () => {
    const { app, senders, cli } = await newCase(UAT_WINDOW('C0FAILING', '19:failing@thread.tacv2'), '2026-11-26T08:00:02Z');
    for (let index = 0; index < 4; index += 1) slack.failNext('chat.postMessage', { status: 500 }, (body) => body.channel === 'C0FAILING');
    const results = await runDueDigests(app.context, senders, noWait);
    expect(results).toContainEqual(expect.objectContaining({ digest: 'uat-window', status: 'failed', attempts: 4 }));
    expect((await app.context.ledger.digestRuns('uat-window', 1))[0]).toMatchObject({ status: 'failed', attempts: 4, lastError: expect.stringContaining('slack:C0FAILING') });
    const list = await gig(root, [...cli, 'digest', 'list']);
    expect(list.stdout).toContain('last: failed for 2026-11-26 09:00 Europe/Berlin after 4 attempts');
  });

  it('after downtime, sends late within the grace period and skips what is older', async () => {
    const { app, clock, senders, posts } = await newCase(UAT_WINDOW('C0DOWNTIME', '19:downtime@thread.tacv2'), '2026-11-26T08:00:02Z');
    // Thursday 26's occurrence keeps failing; gig is then down until Monday 30, 09:45 Berlin.
    for (let index = 0; index < 4; index += 1) slack.failNext('chat.postMessage', { status: 500 }, (body) => body.channel === 'C0DOWNTIME');
    expect(await runDueDigests(app.context, senders, noWait)).toContainEqual(expect.objectContaining({ digest: 'uat-window', status: 'failed' }));
    clock.at = new Date('2026-11-30T08:45:00Z');
    const results = (await runDueDigests(app.context, senders, noWait)).filter((result) => result.digest === 'uat-window');
    expect(results).toEqual([
      { digest: 'uat-window', occurrence: '2026-11-27T08:00:00.000Z', status: 'skipped' },
      { digest: 'uat-window', occurrence: '2026-11-30T08:00:00.000Z', status: 'sent', attempts: 1, late: true },
      // Thursday's occurrence is now beyond its grace period.
      { digest: 'uat-window', occurrence: '2026-11-26T08:00:00.000Z', status: 'missed' },
    ]);
    expect(posts('C0DOWNTIME')).toBe(1);
    expect(JSON.stringify(slack.callsTo('chat.postMessage').filter((call) => call.body.channel === 'C0DOWNTIME').at(-1)!.body)).toContain('Sent late');

    clock.at = new Date('2026-12-01T14:00:00Z');
    const beyond = (await runDueDigests(app.context, senders, noWait)).filter((result) => result.digest === 'uat-window');
    expect(beyond).toEqual([{ digest: 'uat-window', occurrence: '2026-12-01T08:00:00.000Z', status: 'skipped' }]);
    expect(posts('C0DOWNTIME')).toBe(1);
  });

  it('previews a digest in chat for the caller only', async () => {
    const { handleChat } = await import('../src/commands/chat.js');
    const { app } = await newCase(UAT_WINDOW('C0PREVIEW', '19:preview@thread.tacv2'), '2026-11-23T08:00:05Z');
    const reply = await handleChat(app.context, 'digest uat-window', { platform: 'slack', id: 'U0ANY' }, { prefix: '/gig ' });
    expect(reply.visibility).toBe('private');
    expect(reply.card.blocks[0]).toMatchObject({ kind: 'header', text: expect.stringContaining('Digest uat-window → uat') });
  });

  it('previews a digest on the command line and says when nothing stands in the way', async () => {
    const { cli } = await newCase(UAT_WINDOW('C0PREVIEW', '19:preview@thread.tacv2') + QUIET, '2026-11-23T08:00:05Z');
    const preview = await gig(root, [...cli, 'digest', 'run', 'quiet', '--at', '2026-11-23T07:30:00Z', '--dry-run']);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain('Digest quiet → qa · 2026-11-23 07:00 UTC');
    expect(preview.stdout).toContain('Nothing stands in the way of qa.');
    const unknown = await gig(root, [...cli, 'digest', 'run', 'nope']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('Configured digests: uat-window, quiet');
  });
});
