import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/bot/log.js';
import { startServer, type RunningServer } from '../src/bot/server.js';
import { loadEnvironment } from '../src/config.js';
import { CHAIN_YAML } from '../src/demo/workspace.js';
import { openApp, type App } from '../src/main.js';
import { noticeCard } from '../src/views/cards/simple-cards.js';
import { buildFailureLoop } from './helpers/failure-loop.js';
import { expectGolden } from './helpers/golden.js';
import { PEOPLE_YAML } from './helpers/slack-bot.js';
import { invoke, mention, startConnectorStandIn, teamsActivity, type ConnectorStandIn } from './helpers/teams-standin.js';
import { normalise } from './helpers/workspace.js';

let root: string;
let app: App;
let server: RunningServer;
let connector: ConnectorStandIn;
const env = () => loadEnvironment({ GIG_TEAMS_DEV: '1' });
const start = async (): Promise<RunningServer> => startServer({ app, env: env(), logger: createLogger('silent'), port: 0, schedule: false });

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
const cardOf = (call: { body: Record<string, unknown> }): AdaptiveCard => ((call.body.attachments as Array<{ content: AdaptiveCard }>)[0]!).content;
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

describe('Teams messages', () => {
  it('answers an @mention in a channel with the status card, in the thread', async () => {
    const response = await post(mention(connector.url, '29:ben', 'status PAY-7 to uat'));
    expect(response.status).toBe(200);
    const [reply] = await connector.waitFor((call) => call.method === 'POST' && call.path.startsWith('/v3/conversations/'));
    expect(reply!.path).toMatch(/^\/v3\/conversations\/19%3Arelease%40thread\.tacv2\/activities\//);
    expect(JSON.stringify(cardOf(reply!))).toContain('PAY-7');
    expectGolden('teams/status-reply.json', normalise(JSON.stringify(cardOf(reply!), null, 2)));
  });

  it('answers a plain command in a personal chat, and help for an unknown verb', async () => {
    const before = connector.calls.length;
    await post(teamsActivity(connector.url, '29:ben', { type: 'message', text: 'frobnicate', conversation: { id: 'a:personal-ben', conversationType: 'personal', tenantId: 'tenant-1' } }));
    const [reply] = (await connector.waitFor(() => true, before + 1)).slice(-1);
    expect(JSON.stringify(reply!.body)).toContain('is not a gig command');
  });

  it('ignores a tenant that is not allowed', async () => {
    const before = connector.calls.length;
    const activity = mention(connector.url, '29:ben', 'status PAY-7');
    const response = await post({ ...activity, conversation: { id: '19:other@thread.tacv2', tenantId: 'tenant-evil' }, channelData: { tenant: { id: 'tenant-evil' } } });
    expect(response.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(connector.calls.length).toBe(before);
  });
});

describe('Teams card actions', () => {
  let data: Record<string, unknown>;

  it('posts a release card whose Approve is an Action.Execute with a Submit fallback', async () => {
    const before = connector.calls.length;
    await post(mention(connector.url, '29:ben', 'release R-TEAMS qa uat PAY-10 PAY-11'));
    const reply = (await connector.waitFor(() => true, before + 1)).at(-1)!;
    const card = cardOf(reply);
    data = actionData(card, 'gig.release.approve');
    expect(JSON.parse(String(data.value))).toEqual({ release: 'R-TEAMS', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(card)).toContain('"fallback":{"type":"Action.Submit"');
    expect(JSON.stringify(card)).toContain('"id":"reason"');
  });

  it('refuses a non-captain, shows it only to them, and records nothing', async () => {
    const response = await post(invoke(connector.url, '29:carl', 'gig.release.approve', data));
    const body = (await response.json()) as { statusCode: number; value: AdaptiveCard };
    expect(body.statusCode).toBe(200);
    expect(JSON.stringify(body.value)).toContain('Only release captains');
    expect(approvals('R-TEAMS')).toEqual([]);
  });

  it('refuses the author of commits in the release, exactly as in Slack', async () => {
    const body = (await (await post(invoke(connector.url, '29:ana', 'gig.release.approve', data))).json()) as { value: AdaptiveCard };
    expect(JSON.stringify(body.value)).toContain('You wrote 2 commits of this release');
    expect(approvals('R-TEAMS')).toEqual([]);
  });

  it('records a captain\'s approval once, replaces the card and refreshes it for everyone', async () => {
    const updates = connector.calls.filter((call) => call.method === 'PUT').length;
    const body = (await (await post(invoke(connector.url, '29:ben', 'gig.release.approve', data))).json()) as { value: AdaptiveCard };
    expect(JSON.stringify(body.value)).toContain('**Approved** by Ben');
    const [update] = (await connector.waitFor((call) => call.method === 'PUT', updates + 1)).slice(-1);
    expect(update!.path).toContain('/activities/card-1');
    expectGolden('teams/invoke-approved.json', normalise(JSON.stringify(body.value, null, 2)));
    const again = (await (await post(invoke(connector.url, '29:ben', 'gig.release.approve', data))).json()) as { value: AdaptiveCard };
    expect(JSON.stringify(again.value)).toContain('You already approved this manifest.');
    expect(approvals('R-TEAMS')).toEqual([{ by: 'Ben', decision: 'approve' }]);
  });

  it('refuses a stale manifest hash and returns the current card', async () => {
    const stale = { ...data, value: JSON.stringify({ ...JSON.parse(String(data.value)), hash: '0'.repeat(64) }) };
    const body = (await (await post(invoke(connector.url, '29:ben', 'gig.release.approve', stale))).json()) as { value: AdaptiveCard };
    expect(JSON.stringify(body.value)).toContain('The manifest changed since you opened it');
    expect(approvals('R-TEAMS')).toHaveLength(1);
  });

  it('flags with the reason typed into the card, and refuses a flag without one', async () => {
    const before = connector.calls.length;
    await post(mention(connector.url, '29:ben', 'release R-TEAMS-FLAG qa uat PAY-12'));
    const card = cardOf((await connector.waitFor(() => true, before + 1)).at(-1)!);
    const flag = actionData(card, 'gig.release.flag');
    const empty = (await (await post(invoke(connector.url, '29:ben', 'gig.release.flag', { ...flag, reason: '' }))).json()) as { value: AdaptiveCard };
    expect(JSON.stringify(empty.value)).toContain('A flag needs a reason');
    const body = (await (await post(invoke(connector.url, '29:ben', 'gig.release.flag', { ...flag, reason: 'export breaks on empty files' }))).json()) as { value: AdaptiveCard };
    expect(JSON.stringify(body.value)).toContain('⚑ Ben flagged');
    expect(app.db.prepare("SELECT ticket, stage, reason FROM rejections WHERE source = 'release-flag' AND ticket = 'PAY-12'").all()).toEqual([
      { ticket: 'PAY-12', stage: 'release', reason: 'export breaks on empty files' },
    ]);
  });

  it('handles the Action.Submit fallback like the Universal Action', async () => {
    const before = connector.calls.length;
    await post(mention(connector.url, '29:ben', 'release R-SUBMIT qa uat PAY-13'));
    const card = cardOf((await connector.waitFor(() => true, before + 1)).at(-1)!);
    const approve = actionData(card, 'gig.release.approve');
    await post(teamsActivity(connector.url, '29:ben', { type: 'message', replyToId: 'card-9', value: approve }));
    await connector.waitFor((call) => call.method === 'PUT' && call.path.endsWith('/activities/card-9'));
    expect(approvals('R-SUBMIT')).toEqual([{ by: 'Ben', decision: 'approve' }]);
  });
});

describe('Teams proactive messages and authentication', () => {
  it('sends to a stored conversation after the server restarted', async () => {
    await server.close();
    server = await start();
    const before = connector.calls.length;
    await server.sendTeams!('19:release@thread.tacv2', noticeCard('Digest: nothing stands in the way.'));
    const [sent] = (await connector.waitFor(() => true, before + 1)).slice(-1);
    expect(sent!.method).toBe('POST');
    expect(sent!.path).toMatch(/^\/v3\/conversations\/19%3Arelease%40thread\.tacv2\/activities/);
    expect(JSON.stringify(sent!.body)).toContain('nothing stands in the way');
    await expect(server.sendTeams!('19:never@thread.tacv2', noticeCard('x'))).rejects.toThrow(/never been in the Teams conversation/);
  });

  it('refuses a request without a token when an app id is configured', async () => {
    const secured = await startServer({ app, env: loadEnvironment({ MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_PASSWORD: 'x' }), logger: createLogger('silent'), port: 0, schedule: false });
    try {
      const before = connector.calls.length;
      const response = await post(mention(connector.url, '29:ben', 'status PAY-7'), {}, secured);
      expect(response.status).toBe(401);
      expect(connector.calls.length).toBe(before);
    } finally {
      await secured.close();
    }
  });
});

describe('links to full packets', () => {
  it('serves a release packet behind a signed link, and nothing without the signature', async () => {
    const { packetLink } = await import('../src/commands/packet-links.js');
    const link = packetLink(app.context, server.url, 'R-TEAMS');
    const response = await fetch(link);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('# Release R-TEAMS: qa → uat');
    expect((await fetch(link.replace(/sig=.*/, 'sig=0000'))).status).toBe(404);
    expect((await fetch(packetLink(app.context, server.url, 'R-NONE'))).status).toBe(404);
  });
});
