import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/bot/server.js';
import { renderAdaptiveCard } from '../src/bot/teams/adaptive-card.js';
import { currentReleaseCard } from '../src/commands/chat.js';
import { buildRelease, runRelease } from '../src/commands/release.js';
import { loadEnvironment } from '../src/config.js';
import { CHAIN_YAML } from '../src/demo/workspace.js';
import { createLogger } from '../src/log.js';
import { openApp, type App } from '../src/main.js';
import { FLAG_PROMPT } from '../src/views/cards/prompts.js';
import { noticeCard } from '../src/views/cards/simple-cards.js';
import { buildFailureLoop } from './helpers/failure-loop.js';
import { expectGolden } from './helpers/golden.js';
import { PEOPLE_YAML } from './helpers/slack-bot.js';
import { invoke, mention, replyTo, startConnectorStandIn, teamsActivity, updateOf, type ConnectorCall, type ConnectorStandIn } from './helpers/teams-standin.js';
import { normalise } from './helpers/workspace.js';

/**
 * gig serve's Teams surface end to end, against a stand-in Bot Connector. Every test stands alone:
 * it defines its own releases, and waits for the answer to its own activity (by id) or for the
 * refresh of its own card message, so no test reads what another left. Cards are compared with
 * what the renderer draws (test/card-renderers.test.ts holds the goldens); one status answer keeps
 * a golden of the whole card.
 */

let root: string;
let app: App;
let server: RunningServer;
let connector: ConnectorStandIn;
const env = () => loadEnvironment({ GIG_TEAMS_DEV: '1' });
const start = async (): Promise<RunningServer> => startServer({ app, env: env(), logger: createLogger('silent'), port: 0 });

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'gig-teams-'));
  const loop = await buildFailureLoop(root);
  loop.app.close();
  const configFile = path.join(root, 'teams.config.yaml');
  writeFileSync(configFile, `projects: [PAY]\n${PEOPLE_YAML}teams: { tenants: [tenant-1] }\n${CHAIN_YAML}repositories:\n${['api', 'batch', 'db', 'ui', 'mendix'].map((name) => `  - { name: ${name}, path: ./repos/${name} }`).join('\n')}\n`);
  app = openApp({ configFile, dbFile: path.join(root, '.gig', 'gig.db'), now: () => new Date('2026-11-21T09:00:00Z') });
  connector = await startConnectorStandIn();
  server = await start();
});
afterAll(async () => {
  await server.close();
  await connector.close();
  app.close();
  rmSync(root, { recursive: true, force: true });
});

const post = (activity: Record<string, unknown>, headers: Record<string, string> = {}, to = server): Promise<Response> =>
  fetch(`${to.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(activity) });
type AdaptiveCard = { body: Array<Record<string, unknown>> };
const cardOf = (call: ConnectorCall): AdaptiveCard => ((call.body.attachments as Array<{ content: AdaptiveCard }>)[0]!).content;
/** The data of the Action.Execute with this verb, wherever it sits in the card. */
const actionData = (card: unknown, verb: string): Record<string, unknown> => {
  const walk = (node: unknown): Record<string, unknown> | undefined => {
    if (Array.isArray(node)) return node.map(walk).find(Boolean);
    if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'Action.Execute' && record.verb === verb) return record.data as Record<string, unknown>;
      return Object.values(record).map(walk).find(Boolean);
    }
    return undefined;
  };
  const data = walk(card);
  if (!data) throw new Error(`no Action.Execute ${verb} in the card`);
  return data;
};
const approvals = (release: string): unknown[] => app.db.prepare('SELECT by, decision FROM approvals WHERE release_id = ? ORDER BY id').all(release);

/** Sends an activity and waits for gig's reply to it in the conversation. */
async function answer(activity: Record<string, unknown>): Promise<ConnectorCall> {
  expect((await post(activity)).status).toBe(200);
  return connector.waitForCall(replyTo(activity));
}

/** Defines a release with an @mention; the card gig answered with. */
async function postRelease(id: string, tickets: string): Promise<AdaptiveCard> {
  return cardOf(await answer(mention(connector.url, '29:ben', `release ${id} qa uat ${tickets}`)));
}

/** Clicks a card action (Action.Execute) on the card message `cardId`; the card Teams shows the clicker. */
async function click(verb: string, data: Record<string, unknown>, user: string, cardId: string): Promise<AdaptiveCard> {
  const response = await post(invoke(connector.url, user, verb, data, cardId));
  const body = (await response.json()) as { statusCode: number; value: AdaptiveCard };
  expect(body.statusCode).toBe(200);
  return body.value;
}

/** The release card gig shows now for a saved release, as the Adaptive Card renderer draws it. */
const currentCard = async (release: string): Promise<unknown> => {
  return renderAdaptiveCard(currentReleaseCard(app.context, await buildRelease(app.context, { id: release }))).card;
};

describe('Teams messages', () => {
  it('answers an @mention in a channel with the status card, in the thread', async () => {
    const reply = await answer(mention(connector.url, '29:ben', 'status PAY-7 to uat'));
    expect(reply.path).toMatch(/^\/v3\/conversations\/19%3Arelease%40thread\.tacv2\/activities\//);
    expect(JSON.stringify(cardOf(reply))).toContain('PAY-7');
    expectGolden('teams/status-reply.json', normalise(JSON.stringify(cardOf(reply), null, 2)));
  });

  it('answers a plain command in a personal chat, and help for an unknown verb', async () => {
    const reply = await answer(teamsActivity(connector.url, '29:ben', { type: 'message', text: 'frobnicate', conversation: { id: 'a:personal-ben', conversationType: 'personal', tenantId: 'tenant-1' } }));
    expect(JSON.stringify(reply.body)).toContain('is not a gig command');
  });

  it('ignores a tenant that is not allowed', async () => {
    const activity = mention(connector.url, '29:ben', 'status PAY-7');
    const response = await post({ ...activity, conversation: { id: '19:other@thread.tacv2', tenantId: 'tenant-evil' }, channelData: { tenant: { id: 'tenant-evil' } } });
    expect(response.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(connector.calls.filter((call) => call.path.includes(String(activity.id)) || call.path.includes('other%40thread'))).toEqual([]);
  });
});

describe('Teams card actions', () => {
  it('posts a release card whose Approve is an Action.Execute with a Submit fallback, and whose Flag asks for the reason', async () => {
    const card = await postRelease('R-TEAMS', 'PAY-10 PAY-11');
    const data = actionData(card, 'gig.release.approve');
    expect(JSON.parse(String(data.value))).toEqual({ release: 'R-TEAMS', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(card)).toContain('"fallback":{"type":"Action.Submit"');
    expect(JSON.stringify(card)).toContain(`"id":"${FLAG_PROMPT.field}"`);
    expect(card).toEqual(await currentCard('R-TEAMS'));
  });

  it('refuses a non-captain, shows it only to them, and records nothing', async () => {
    const data = actionData(await postRelease('R-TEAMS-CARL', 'PAY-10 PAY-11'), 'gig.release.approve');
    const shown = await click('gig.release.approve', data, '29:carl', 'card-carl');
    expect(JSON.stringify(shown)).toContain('Only release captains');
    expect(approvals('R-TEAMS-CARL')).toEqual([]);
  });

  it('refuses the author of commits in the release, exactly as in Slack', async () => {
    const data = actionData(await postRelease('R-TEAMS-ANA', 'PAY-10 PAY-11'), 'gig.release.approve');
    expect(JSON.stringify(await click('gig.release.approve', data, '29:ana', 'card-ana'))).toContain('You wrote 2 commits of this release');
    expect(approvals('R-TEAMS-ANA')).toEqual([]);
  });

  it('records a captain\'s approval once, replaces the card and refreshes it for everyone', async () => {
    const data = actionData(await postRelease('R-TEAMS-OK', 'PAY-10 PAY-11'), 'gig.release.approve');
    const shown = await click('gig.release.approve', data, '29:ben', 'card-ok');
    expect(JSON.stringify(shown)).toContain('**Approved** by <at>Ben</at>');
    expect(shown).toEqual(await currentCard('R-TEAMS-OK'));
    const update = await connector.waitForCall(updateOf('card-ok'));
    expect(cardOf(update)).toEqual(shown);
    const again = await click('gig.release.approve', data, '29:ben', 'card-ok-again');
    expect(JSON.stringify(again)).toContain('You already approved this manifest.');
    expect(approvals('R-TEAMS-OK')).toEqual([{ by: 'Ben', decision: 'approve' }]);
  });

  it('refuses a stale manifest hash and returns the current card', async () => {
    const data = actionData(await postRelease('R-TEAMS-STALE', 'PAY-13'), 'gig.release.approve');
    const stale = { ...data, value: JSON.stringify({ ...JSON.parse(String(data.value)), hash: '0'.repeat(64) }) };
    expect(JSON.stringify(await click('gig.release.approve', stale, '29:ben', 'card-stale'))).toContain('The manifest changed since you opened it');
    expect(approvals('R-TEAMS-STALE')).toEqual([]);
  });

  it('flags with the reason typed into the card, and refuses a flag without one', async () => {
    const flag = actionData(await postRelease('R-TEAMS-FLAG', 'PAY-12'), 'gig.release.flag');
    const empty = await click('gig.release.flag', { ...flag, [FLAG_PROMPT.field]: '' }, '29:ben', 'card-flag');
    expect(JSON.stringify(empty)).toContain(FLAG_PROMPT.whenEmpty);
    const flagged = await click('gig.release.flag', { ...flag, [FLAG_PROMPT.field]: 'export breaks on empty files' }, '29:ben', 'card-flag');
    expect(JSON.stringify(flagged)).toContain('⚑ <at>Ben</at> flagged');
    expect(app.db.prepare("SELECT ticket, stage, reason FROM rejections WHERE source = 'release-flag' AND ticket = 'PAY-12'").all()).toEqual([
      { ticket: 'PAY-12', stage: 'release', reason: 'export breaks on empty files' },
    ]);
  });

  it('handles the Action.Submit fallback like the Universal Action', async () => {
    const approve = actionData(await postRelease('R-SUBMIT', 'PAY-13'), 'gig.release.approve');
    await post(teamsActivity(connector.url, '29:ben', { type: 'message', replyToId: 'card-submit', value: approve }));
    await connector.waitForCall(updateOf('card-submit'));
    expect(approvals('R-SUBMIT')).toEqual([{ by: 'Ben', decision: 'approve' }]);
  });
});

describe('Teams private answers', () => {
  it('answers home in a personal chat: what waits for your approval, what is open, the next digests', async () => {
    await postRelease('R-TEAMS-HOME', 'PAY-13');
    const reply = await answer(teamsActivity(connector.url, '29:ana', { type: 'message', text: 'home', conversation: { id: 'a:personal-ana', conversationType: 'personal', tenantId: 'tenant-1' } }));
    const text = JSON.stringify(reply.body);
    expect(text).toContain('Waiting for your approval');
    expect(text.indexOf('Waiting for your approval')).toBeLessThan(text.indexOf('R-TEAMS-HOME'));
  });

  it('welcomes a person who installs gig for themselves, in their 1:1 chat', async () => {
    const installed = teamsActivity(connector.url, '29:dora', { type: 'installationUpdate', action: 'add', conversation: { id: 'a:personal-dora', conversationType: 'personal', tenantId: 'tenant-1' } });
    expect((await post(installed)).status).toBe(200);
    const welcome = await connector.waitForCall((call) => call.method === 'POST' && call.path.startsWith('/v3/conversations/a%3Apersonal-dora/activities'));
    const text = JSON.stringify(welcome.body);
    expect(text).toContain('Welcome to gig');
    expect(text).toContain('watch');
  });

  it('answers help and errors asked in a channel in a 1:1 chat with whoever asked, not in the channel', async () => {
    const asked = mention(connector.url, '29:carl', 'stauts PAY-7');
    const before = connector.calls.length;
    expect((await post(asked)).status).toBe(200);
    const opened = await connector.waitForCall((call) => call.method === 'POST' && call.path === '/v3/conversations' && connector.calls.indexOf(call) >= before);
    expect(opened.body).toMatchObject({ isGroup: false, members: [{ id: '29:carl' }], tenantId: 'tenant-1' });
    const privately = await connector.waitForCall((call) => connector.calls.indexOf(call) > connector.calls.indexOf(opened) && call.method === 'POST' && call.path.startsWith('/v3/conversations/activity-'));
    expect(JSON.stringify(privately.body)).toContain('Did you mean');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(connector.calls.filter(replyTo(asked))).toEqual([]);
  });
});

describe('Teams proactive messages and authentication', () => {
  it('sends to a conversation gig has seen, from a server started after it was seen', async () => {
    // gig sees the channel (and keeps its reference in the ledger), then a new server sends there.
    await answer(mention(connector.url, '29:ben', 'status PAY-7'));
    const restarted = await start();
    try {
      const text = 'Digest: nothing stands in the way (sent after a restart).';
      await restarted.sendTeams!('19:release@thread.tacv2', noticeCard(text));
      const sent = await connector.waitForCall((call) => call.method === 'POST' && JSON.stringify(call.body).includes('sent after a restart'));
      expect(sent.path).toMatch(/^\/v3\/conversations\/19%3Arelease%40thread\.tacv2\/activities/);
      await expect(restarted.sendTeams!('19:never@thread.tacv2', noticeCard('x'))).rejects.toThrow(/never been in the Teams conversation/);
    } finally {
      await restarted.close();
    }
  });

  it('is a single-tenant bot unless told otherwise, and names the tenant id it needs', async () => {
    const { teamsSettings } = await import('../src/bot/teams/adapter.js');
    const id = '00000000-0000-0000-0000-000000000001';
    expect(() => teamsSettings(loadEnvironment({ MICROSOFT_APP_ID: id, MICROSOFT_APP_PASSWORD: 'x' }))).toThrow(/needs MICROSOFT_APP_TENANT_ID for a single-tenant Teams bot/);
    expect(teamsSettings(loadEnvironment({ MICROSOFT_APP_ID: id, MICROSOFT_APP_PASSWORD: 'x', MICROSOFT_APP_TENANT_ID: 't' }))).toEqual({ appId: id, dev: false });
    expect(teamsSettings(loadEnvironment({ MICROSOFT_APP_ID: id, MICROSOFT_APP_PASSWORD: 'x', MICROSOFT_APP_TYPE: 'MultiTenant' }))).toEqual({ appId: id, dev: false });
  });

  it('refuses a request without a token when an app id is configured', async () => {
    const secured = await startServer({ app, env: loadEnvironment({ MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_PASSWORD: 'x', MICROSOFT_APP_TENANT_ID: 'tenant-1', MICROSOFT_LOGIN_URL: connector.url }), logger: createLogger('silent'), port: 0 });
    try {
      const activity = mention(connector.url, '29:ben', 'status PAY-7');
      const response = await post(activity, {}, secured);
      expect(response.status).toBe(401);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(connector.calls.filter(replyTo(activity))).toEqual([]);
    } finally {
      await secured.close();
    }
  });
});

describe('links to full packets', () => {
  it('serves a release packet behind a signed link, and nothing without the signature', async () => {
    const { packetLink } = await import('../src/commands/packet-links.js');
    await runRelease(app.context, { id: 'R-PACKET', from: 'qa', to: 'uat', tickets: ['PAY-10', 'PAY-11'] });
    const link = await packetLink(app.context, server.url, 'R-PACKET');
    const response = await fetch(link);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('# Release R-PACKET: qa → uat');
    expect((await fetch(link.replace(/sig=.*/, 'sig=0000'))).status).toBe(404);
    expect((await fetch(await packetLink(app.context, server.url, 'R-NONE'))).status).toBe(404);
  });
});
