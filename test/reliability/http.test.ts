import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { startServer, type RunningServer } from '../../src/bot/server.js';
import { startSchedules } from '../../src/schedule/index.js';
import { loadEnvironment } from '../../src/config.js';
import { openApp } from '../../src/main.js';
import { startSlackBot, type SlackBot } from '../helpers/slack-bot.js';
import { mention, teamsActivity } from '../helpers/teams-standin.js';
import { expectJsonError, FORM, leakIn, postSigned, sign } from './support/http.js';

/**
 * Issue #11, "errors that leak or mislead": the deployment hook checks its secret before it reads
 * a body, every refusal of gig's own routes is a small JSON body without a stack or a path, a
 * signed but malformed Slack or Teams payload is a 400 (not a 500), and /healthz answers JSON
 * even when the database is gone.
 */

let bot: SlackBot;
let teams: RunningServer;
beforeAll(async () => {
  bot = await startSlackBot();
  teams = await startServer({ app: bot.app, env: loadEnvironment({ GIG_TEAMS_DEV: '1' }), logger: createLogger('silent'), port: 0 });
});
afterAll(async () => {
  await teams.close();
  await bot.stop();
});

const SECRET = 'hook-secret-0123456789';
const hook = (body: string | Buffer, authorization: string | null = `Bearer ${SECRET}`, contentType = 'application/json'): Promise<Response> =>
  fetch(`${bot.server.url}/hooks/deployments`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(authorization === null ? {} : { authorization }) },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
const deployments = (): number => (bot.app.db.prepare('SELECT count(*) AS n FROM deployments').get() as { n: number }).n;

describe('the deployment hook', () => {
  it('checks the secret before it reads the body: a wrong secret is a 401 whatever the body', async () => {
    for (const body of ['{not json', 'null', Buffer.alloc(200 * 1024, 'x')]) {
      await expectJsonError(await hook(body, 'Bearer wrong-secret-0000000'), 401);
      await expectJsonError(await hook(body, null), 401);
    }
  });

  it.each([
    ['malformed JSON', '{"repository": "api",', 'not valid JSON'],
    ['null', 'null', 'the body: must be a JSON object'],
    ['an array', '[1, 2]', 'the body: must be a JSON object'],
    ['a string', '"api uat abcdef1"', 'the body: must be a JSON object'],
    ['an empty body', '', 'repository: is required'],
    ['object-typed fields', JSON.stringify({ repository: { $gt: '' }, environment: ['uat'], sha: { toString: 1 } }), 'repository: must be the name of a configured repository'],
    ['a missing field', JSON.stringify({ repository: 'api', environment: 'uat' }), 'sha: is required'],
    ['a number for the SHA', JSON.stringify({ repository: 'api', environment: 'uat', sha: 1234567 }), 'sha: must be the commit SHA'],
    ['an unknown repository', JSON.stringify({ repository: 'nope', environment: 'uat', sha: 'abcdef1' }), '"nope" is not a configured repository'],
  ])('answers %s with a 400 in JSON that says what is wrong, and records nothing', async (_name, body, words) => {
    const before = deployments();
    const response = await hook(body);
    const { error } = (await response.clone().json()) as { error: { message: string } };
    expect(await expectJsonError(response, 400)).toBe('USAGE');
    expect(error.message).toContain(words);
    expect(deployments()).toBe(before);
  });

  it('answers a body over 64 KB with a JSON 413, before reading it', async () => {
    const big = JSON.stringify({ repository: 'api', environment: 'uat', sha: 'abcdef1', by: 'x'.repeat(70 * 1024) });
    expect(await expectJsonError(await hook(big), 413)).toBe('USAGE');
  });

  it('still records a well-formed report, whatever its content type, and ignores extra fields', async () => {
    const response = await hook(JSON.stringify({ repository: 'api', environment: 'uat', sha: bot.loop.shas.apiV1, at: '2026-11-21T08:00:00Z', pipeline: { id: 7 } }), `Bearer ${SECRET}`, 'text/plain');
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ repository: 'api', environment: 'uat', known: true, recorded: true });
  });
});

describe('errors of every route', () => {
  it('answers an unknown address, a wrong method and a malformed path in JSON', async () => {
    expect(await expectJsonError(await fetch(`${bot.server.url}/nope`), 404)).toBe('NOT_FOUND');
    expect(await expectJsonError(await fetch(`${bot.server.url}/hooks/deployments`), 404)).toBe('NOT_FOUND');
    await expectJsonError(await fetch(`${bot.server.url}/packets/%E0%A4%A`), 400);
    await expectJsonError(await fetch(`${bot.server.url}/packets/R-NONE.md?sig=00`), 404);
  });
});

describe('signed but malformed Slack requests', () => {
  it.each([
    ['a payload that is not JSON', 'payload=%7Bnot-json', FORM],
    ['a payload that is JSON null', `payload=${encodeURIComponent('null')}`, FORM],
    ['a payload without a type', `payload=${encodeURIComponent('{"user":{"id":"U0BEN"}}')}`, FORM],
    ['a block action without a user', `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', actions: [{ action_id: 'gig.release.approve', value: '{}' }], response_url: 'https://hooks.slack.com/x' }))}`, FORM],
    ['a block action whose actions are a string', `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'U0BEN' }, actions: 'approve', response_url: 'https://hooks.slack.com/x' }))}`, FORM],
    ['a flag submission without its state', `payload=${encodeURIComponent(JSON.stringify({ type: 'view_submission', user: { id: 'U0BEN' }, view: { callback_id: 'gig.release.flag.modal', private_metadata: '{' } }))}`, FORM],
    ['a payload given twice', 'payload=%7B%7D&payload=%7B%7D', FORM],
    ['a slash command without a user', 'command=%2Fgig&text=status&channel_id=C1&response_url=https%3A%2F%2Fhooks.slack.com%2Fx', FORM],
    ['a slash command given twice', 'command=%2Fgig&command=%2Fgig&user_id=U1', FORM],
    ['a form that is neither', 'hello=world', FORM],
    ['a JSON array', '[]', 'application/json'],
    ['JSON that is cut off', '{"type":', 'application/json'],
  ])('answers %s with a 400 in JSON', async (_name, body, contentType) => {
    const before = bot.slack.calls.length;
    expect(await expectJsonError(await postSigned(bot.server.url, sign(body), { contentType }), 400)).toBe('USAGE');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bot.slack.calls.length).toBe(before);
  });

  it('answers at once, without acting, a signed payload gig has no listener for', async () => {
    const started = Date.now();
    for (const payload of [{ type: 'view_closed', user: { id: 'U0BEN' } }, { type: 'block_actions', user: { id: 'U0BEN' }, response_url: 'https://hooks.slack.com/x', actions: [{ action_id: 'someone.else' }] }]) {
      const response = await postSigned(bot.server.url, sign(`payload=${encodeURIComponent(JSON.stringify(payload))}`));
      expect(response.status).toBe(200);
    }
    const command = await postSigned(bot.server.url, sign('command=%2Fother&text=x&user_id=U1&channel_id=C1&response_url=https%3A%2F%2Fhooks.slack.com%2Fx'));
    expect(command.status).toBe(200);
    const challenge = await postSigned(bot.server.url, sign('{"type":"url_verification","challenge":"abc"}'), { contentType: 'application/json' });
    expect(await challenge.json()).toEqual({ challenge: 'abc' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses unsigned and stale requests with a JSON 401 before reading the body', async () => {
    const unsigned = await fetch(`${bot.server.url}/slack/events`, { method: 'POST', headers: { 'content-type': FORM }, body: 'x'.repeat(2 * 1024 * 1024) });
    expect(await expectJsonError(unsigned, 401)).toBe('NOT_ALLOWED');
    const stale = sign('command=%2Fgig', Math.floor(Date.now() / 1000) - 301);
    await expectJsonError(await postSigned(bot.server.url, stale), 401);
    const forged = { ...sign('command=%2Fgig&text=sync'), signature: `v0=${'0'.repeat(64)}` };
    await expectJsonError(await postSigned(bot.server.url, forged), 401);
  });

  it('answers a signed body over 1 MB with a JSON 413', async () => {
    expect(await expectJsonError(await postSigned(bot.server.url, sign(`text=${'x'.repeat(1024 * 1024 + 10)}`)), 413)).toBe('USAGE');
  });
});

describe('malformed Teams activities', () => {
  const post = (body: string, headers: Record<string, string> = {}, to = teams): Promise<Response> =>
    fetch(`${to.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const serviceUrl = 'http://127.0.0.1:9';

  it.each([
    ['null', 'null'],
    ['an array', '[]'],
    ['JSON that is cut off', '{"type":"message"'],
    ['an empty object', '{}'],
    ['a message without serviceUrl', JSON.stringify({ ...mention(serviceUrl, '29:ben', 'status PAY-7'), serviceUrl: undefined })],
    ['a message from nobody', JSON.stringify({ ...mention(serviceUrl, '29:ben', 'status PAY-7'), from: 'ben' })],
    ['a mention entity without a type', JSON.stringify({ ...mention(serviceUrl, '29:ben', 'status PAY-7'), entities: [{ mentioned: { id: '28:gig' } }] })],
    ['a card action without a verb', JSON.stringify(teamsActivity(serviceUrl, '29:ben', { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', data: {} } } }))],
    ['a card action whose reason is an object', JSON.stringify(teamsActivity(serviceUrl, '29:ben', { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'gig.release.flag', data: { value: '{}', reason: { text: 'x' } } } } }))],
  ])('answers %s with a 400 in JSON', async (_name, body) => {
    await expectJsonError(await post(body), 400);
  });

  it('answers an invoke gig does not handle with a 400 instead of botbuilder\'s 501', async () => {
    const response = await post(JSON.stringify(teamsActivity(serviceUrl, '29:ben', { type: 'invoke', name: 'composeExtension/query', value: {} })));
    await expectJsonError(response, 400);
  });

  it('refuses a request without a token before reading its body when an app id is configured', async () => {
    const secured = await startServer({ app: bot.app, env: loadEnvironment({ MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_PASSWORD: 'x', MICROSOFT_APP_TENANT_ID: 'tenant-1', MICROSOFT_LOGIN_URL: bot.slack.url }), logger: createLogger('silent'), port: 0 });
    try {
      expect(await expectJsonError(await post('x'.repeat(3 * 1024 * 1024), {}, secured), 401)).toBe('NOT_ALLOWED');
      expect(await expectJsonError(await post(JSON.stringify(mention(serviceUrl, '29:ben', 'status PAY-7')), { authorization: 'Bearer not-a-jwt' }, secured), 401)).toBe('NOT_ALLOWED');
    } finally {
      await secured.close();
    }
  });
});

describe('health', () => {
  it('answers 200 with the index time while the database answers', async () => {
    const response = await fetch(`${bot.server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true });
  });

  it('answers a JSON 503 when the database is closed', async () => {
    const app = openApp({ configFile: path.join(bot.root, 'slack.config.yaml'), dbFile: path.join(bot.root, '.gig', 'gig.db') });
    const server = await startServer({ app, env: loadEnvironment({ GIG_TEAMS_DEV: '1' }), logger: createLogger('silent'), port: 0 });
    try {
      app.close();
      const response = await fetch(`${server.url}/healthz`);
      expect(await expectJsonError(response, 503)).toBe('STORE_UNAVAILABLE');
    } finally {
      await server.close();
    }
  });
});

describe('starting gig serve', () => {
  it('gives the port back when something fails after it was taken (a bad sync schedule), so serve exits instead of staying half-alive', async () => {
    const port = await freePort();
    const broken = { ...bot.app.context, config: { ...bot.app.config, sync: { ...bot.app.config.sync, cron: 'every now and then' } } };
    const logger = createLogger('silent');
    await expect(startServer({ app: bot.app, env: loadEnvironment({ GIG_TEAMS_DEV: '1' }), logger, port, alongside: (senders) => startSchedules(broken, senders, logger) })).rejects.toThrow();
    expect(await freePort(port)).toBe(port);
  });

  it('says a taken port is taken (a configuration error, exit 2) instead of failing on it', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    try {
      const port = (taken.address() as { port: number }).port;
      await expect(startServer({ app: bot.app, env: loadEnvironment({ GIG_TEAMS_DEV: '1' }), logger: createLogger('silent'), port })).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        message: `Port ${port} is already in use.`,
      });
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('stays up when Slack cannot be reached as it starts (Bolt\'s start-up token check used to kill it)', async () => {
    const env = loadEnvironment({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'secret-0123456789', SLACK_API_URL: 'http://127.0.0.1:9/api/' });
    const server = await startServer({ app: bot.app, env, logger: createLogger('silent'), port: 0, slackRetries: { retries: 1, minTimeout: 10, maxTimeout: 10 } });
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

it('leaves nothing a client could read as a stack or a path in this file\'s answers', () => {
  expect(leakIn('at Object.<anonymous> (/work/main/src/x.ts:1:2)')).not.toBeNull();
  expect(leakIn('{"error":{"code":"USAGE","message":"at least one","hint":null}}')).toBeNull();
});

function freePort(port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const taken = (server.address() as { port: number }).port;
      server.close(() => resolve(taken));
    });
  });
}
