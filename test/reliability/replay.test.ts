import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { startServer, type RunningServer } from '../../src/bot/server.js';
import { loadEnvironment } from '../../src/config.js';
import { openDatabase } from '../../src/store/database.js';
import { ReplayStore, REPLAY_RETENTION_MS } from '../../src/store/replay-store.js';
import { SIGNING_SECRET, startSlackBot, type SlackBot } from '../helpers/slack-bot.js';
import { mention, startConnectorStandIn, teamsActivity, type ConnectorStandIn } from '../helpers/teams-standin.js';
import { tempDir } from '../helpers/workspace.js';
import { postSigned, sign, slashCommand } from './support/http.js';

/**
 * Issue #11, "replays accepted": the same signed `/gig reject` sent twice within Slack's 5-minute
 * window recorded two rejections. Signed requests are now remembered (in the database, so across
 * restarts) and a replay, or a Slack retry of a request gig already acknowledged, is answered 200
 * without acting. Teams activities are remembered by their id.
 */

let bot: SlackBot;
beforeAll(async () => {
  bot = await startSlackBot();
});
afterAll(async () => bot.stop());

const rejections = (reason: string): number =>
  (bot.app.db.prepare('SELECT count(*) AS n FROM rejections WHERE reason = ?').get(reason) as { n: number }).n;
const respondUrl = (): string => `${bot.slack.url}/respond/replay`;
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 150));

describe('signed Slack requests', () => {
  it('records one rejection when the same signed /gig reject arrives twice', async () => {
    const request = sign(slashCommand('reject PAY-7 qa "replayed twice"', respondUrl()));
    const before = bot.slack.callsTo('/respond').length;
    expect((await postSigned(bot.server.url, request)).status).toBe(200);
    expect((await postSigned(bot.server.url, request)).status).toBe(200);
    await settle();
    expect(rejections('replayed twice')).toBe(1);
    // The replay is answered without acting: nothing is posted for it either.
    expect(bot.slack.callsTo('/respond').length).toBe(before + 1);
  });

  it('records one rejection when Slack retries it, re-signed with a new timestamp (x-slack-retry-num)', async () => {
    const body = slashCommand('reject PAY-7 qa "retried by slack"', respondUrl());
    const now = Math.floor(Date.now() / 1000);
    expect((await postSigned(bot.server.url, sign(body, now - 4))).status).toBe(200);
    const retry = await postSigned(bot.server.url, sign(body, now), { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(retry.status).toBe(200);
    await settle();
    expect(rejections('retried by slack')).toBe(1);
  });

  it('still records the same words typed twice: each command Slack sends is a request of its own', async () => {
    for (let index = 0; index < 2; index += 1) {
      expect((await postSigned(bot.server.url, sign(slashCommand('reject PAY-8 qa "typed twice"', respondUrl())))).status).toBe(200);
    }
    await settle();
    expect(rejections('typed twice')).toBe(2);
  });

  // Last in this block: it stops the bot's own server.
  it('refuses the replay after gig serve restarted inside the window', async () => {
    const request = sign(slashCommand('reject PAY-9 qa "across a restart"', respondUrl()));
    expect((await postSigned(bot.server.url, request)).status).toBe(200);
    await settle();
    await bot.server.close();
    const env = loadEnvironment({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: bot.slack.apiUrl });
    const restarted = await startServer({ app: bot.app, env, logger: createLogger('silent'), port: 0 });
    try {
      expect((await postSigned(restarted.url, request)).status).toBe(200);
      await settle();
      expect(rejections('across a restart')).toBe(1);
    } finally {
      await restarted.close();
    }
  });
});

describe('Teams activities', () => {
  let connector: ConnectorStandIn;
  let server: RunningServer;
  beforeAll(async () => {
    connector = await startConnectorStandIn();
    server = await startServer({ app: bot.app, env: loadEnvironment({ GIG_TEAMS_DEV: '1' }), logger: createLogger('silent'), port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await connector.close();
  });
  const post = (activity: Record<string, unknown>): Promise<Response> =>
    fetch(`${server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });

  it('acts once on an activity delivered twice (same id)', async () => {
    const activity = mention(connector.url, '29:ben', 'reject PAY-7 uat "teams twice"');
    expect((await post(activity)).status).toBe(200);
    expect((await post(activity)).status).toBe(200);
    expect(rejections('teams twice')).toBe(1);
    expect((await post({ ...activity, id: 'another-delivery' })).status).toBe(200);
    expect(rejections('teams twice')).toBe(2);
  });

  it('answers a repeated card action with a note instead of an error, and acts once', async () => {
    const invoke = teamsActivity(connector.url, '29:ben', {
      type: 'invoke',
      name: 'adaptiveCard/action',
      replyToId: 'card-7',
      value: { action: { type: 'Action.Execute', verb: 'gig.manual.done', data: { value: JSON.stringify({ ticket: 'PAY-7', step: 'nope', to: 'uat' }) } } },
    });
    expect((await post(invoke)).status).toBe(200);
    const again = await post(invoke);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'gig already handled this action.' });
  });
});

describe('the replay store', () => {
  it('claims keys once, all or none, forgets them after 10 minutes, and keeps them across reopening', async () => {
    const file = path.join(tempDir('gig-replays-'), 'gig.db');
    let now = 1_000_000;
    const db = openDatabase(file);
    const store = new ReplayStore(db, () => now);
    expect(await store.claim(['a', 'b'])).toBe(true);
    expect(await store.claim(['b'])).toBe(false);
    expect(await store.claim(['c', 'a'])).toBe(false);
    expect(await store.claim(['c'])).toBe(true);
    await store.release(['c']);
    expect(await store.claim(['c'])).toBe(true);
    db.close();

    const reopened = openDatabase(file);
    try {
      const again = new ReplayStore(reopened, () => now);
      expect(await again.claim(['a'])).toBe(false);
      now += REPLAY_RETENTION_MS + 1;
      expect(await again.claim(['a'])).toBe(true);
      expect(reopened.prepare('SELECT key FROM seen_requests ORDER BY key').all()).toEqual([{ key: 'a' }]);
    } finally {
      reopened.close();
    }
  });
});
