import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/log.js';
import { startServer, type RunningServer } from '../../src/bot/server.js';
import { loadEnvironment } from '../../src/config.js';
import { openApp, type App } from '../../src/main.js';
import { buildFailureLoop, type FailureLoop } from './failure-loop.js';
import { slackSignature, startSlackStandIn, type SlackCall, type SlackStandIn } from './slack-standin.js';
import { CHAIN_YAML } from '../../src/demo/workspace.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

/** People of the Slack tests: Ana wrote the fixture's commits, Ben did not, Carl is no captain. */
export const PEOPLE_YAML = `people:
  - { name: Ana, email: ana@example.com, slack: U0ANA, teams: "29:ana", captain: true }
  - { name: Ben, email: ben@example.com, slack: U0BEN, teams: "29:ben", captain: true }
  - { name: Carl, email: carl@example.com, slack: U0CARL, teams: "29:carl", captain: false }
approvals: { required: 1, allowSelfApproval: false }
`;

export interface SlackBot {
  root: string;
  loop: FailureLoop;
  app: App;
  slack: SlackStandIn;
  server: RunningServer;
  /** POSTs a form body to /slack/events, signed unless told otherwise. */
  post(body: string, options?: { timestamp?: number; signature?: string | null; contentType?: string }): Promise<Response>;
  command(text: string, user?: string): Promise<Response>;
  click(actionId: string, value: string, user: string, message?: { channel: string; ts: string }): Promise<Response>;
  submitFlag(privateMetadata: string, reason: string, user: string): Promise<Response>;
  /** Submits the modal of an action's prompt: its callback id, its field and the answer typed. */
  submitPrompt(callbackId: string, field: string, privateMetadata: string, answer: string, user: string): Promise<Response>;
  /** `/gig <text>` with a response_url of its own: `reply()` waits for what gig posts to it. */
  ask(text: string, user?: string): Promise<Exchange>;
  /** Clicks a button on `message`, with a response_url and trigger of its own. */
  press(actionId: string, value: string, user: string, message: CardMessage): Promise<Exchange & { trigger: string }>;
  /** A card message of a test's own: what gig does to it (chat.update) names its ts. */
  /** A new card message to click on, in `channel` (default the release channel the bot is in). */
  message(channel?: string): CardMessage;
  /** Waits for gig's chat.update of `message` (the one that failed with `status`, if given). */
  updateOf(message: CardMessage, status?: number, timeoutMs?: number): Promise<SlackCall>;
  /** Sends an Events API callback carrying `event` (app_mention, message), signed. */
  event(event: Record<string, unknown>): Promise<Response>;
  stop(): Promise<void>;
}

export interface CardMessage {
  channel: string;
  ts: string;
}

/** A request to gig and its answer on the request's own response_url. */
export interface Exchange {
  ack: Response;
  reply(timeoutMs?: number): Promise<SlackCall>;
}

/** `approvals`: the configuration's approvals line, to try another policy. */
export async function startSlackBot(options: { approvals?: string } = {}): Promise<SlackBot> {
  const root = mkdtempSync(path.join(tmpdir(), 'gig-slack-'));
  const loop = await buildFailureLoop(root);
  loop.app.close();
  const configFile = path.join(root, 'slack.config.yaml');
  const people = options.approvals ? PEOPLE_YAML.replace(/^approvals: .*$/m, `approvals: ${options.approvals}`) : PEOPLE_YAML;
  writeFileSync(configFile, `projects: [PAY]\n${people}${CHAIN_YAML}repositories:\n${['api', 'batch', 'db', 'ui', 'mendix'].map((name) => `  - { name: ${name}, path: ./repos/${name} }`).join('\n')}\n`);
  const app = openApp({ configFile, dbFile: path.join(root, '.gig', 'gig.db'), now: () => new Date('2026-11-21T09:00:00Z') });
  const slack = await startSlackStandIn();
  const env = loadEnvironment({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, GIG_DEPLOY_HOOK_SECRET: 'hook-secret-0123456789' });
  const logger = createLogger('silent');
  const server = await startServer({ app, env, logger, port: 0, slackRetries: { retries: 2, minTimeout: 20, maxTimeout: 50 } });
  let responseCounter = 0;
  let messageCounter = 0;
  let eventCounter = 0;
  const replyTo = (id: number) => (timeoutMs?: number) => slack.waitForCall((call) => call.path === `/respond/${id}`, timeoutMs);

  const post = async (body: string, options: { timestamp?: number; signature?: string | null; contentType?: string } = {}): Promise<Response> => {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const signature = options.signature === undefined ? slackSignature(SIGNING_SECRET, timestamp, body) : options.signature;
    return fetch(`${server.url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        ...(signature === null ? {} : { 'x-slack-signature': signature }),
      },
      body,
    });
  };

  const bot: SlackBot = {
    root,
    loop,
    app,
    slack,
    server,
    post,
    async ask(text, user) {
      const ack = await bot.command(text, user);
      return { ack, reply: replyTo(responseCounter) };
    },
    async press(actionId, value, user, message) {
      const ack = await bot.click(actionId, value, user, message);
      return { ack, trigger: `trigger-${responseCounter}`, reply: replyTo(responseCounter) };
    },
    message(channel = 'C0RELEASE') {
      messageCounter += 1;
      return { channel, ts: `1700000001.${String(messageCounter).padStart(6, '0')}` };
    },
    updateOf(message, status, timeoutMs) {
      const method = status === undefined ? 'chat.update' : `chat.update!${status}`;
      return slack.waitForCall((call) => call.method === method && call.body.channel === message.channel && call.body.ts === message.ts, timeoutMs);
    },
    command(text, user = 'U0BEN') {
      responseCounter += 1;
      const body = new URLSearchParams({
        token: 'legacy',
        team_id: 'T1',
        channel_id: 'C0RELEASE',
        user_id: user,
        command: '/gig',
        text,
        response_url: `${slack.url}/respond/${responseCounter}`,
        trigger_id: 'trigger-1',
        api_app_id: 'A1',
      });
      return post(body.toString());
    },
    click(actionId, value, user, message = { channel: 'C0RELEASE', ts: '1700000000.000100' }) {
      responseCounter += 1;
      const payload = {
        type: 'block_actions',
        team: { id: 'T1' },
        user: { id: user },
        api_app_id: 'A1',
        token: 'legacy',
        trigger_id: `trigger-${responseCounter}`,
        response_url: `${slack.url}/respond/${responseCounter}`,
        container: { type: 'message', channel_id: message.channel, message_ts: message.ts },
        channel: { id: message.channel },
        message: { ts: message.ts, type: 'message' },
        actions: [{ type: 'button', action_id: actionId, block_id: 'b1', value, action_ts: '1700000001.0001' }],
      };
      return post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    },
    submitFlag(privateMetadata, reason, user) {
      return bot.submitPrompt('gig.release.flag.modal', 'reason', privateMetadata, reason, user);
    },
    submitPrompt(callbackId, field, privateMetadata, answer, user) {
      const payload = {
        type: 'view_submission',
        team: { id: 'T1' },
        user: { id: user },
        api_app_id: 'A1',
        token: 'legacy',
        view: {
          id: 'V1',
          type: 'modal',
          callback_id: callbackId,
          private_metadata: privateMetadata,
          state: { values: { [field]: { [field]: { type: 'plain_text_input', value: answer } } } },
        },
      };
      return post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    },
    event(event) {
      eventCounter += 1;
      const body = { token: 'legacy', team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: `Ev${eventCounter}`, event_time: 1_700_000_000 + eventCounter, event };
      return post(JSON.stringify(body), { contentType: 'application/json' });
    },
    async stop() {
      await server.close();
      await slack.close();
      app.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
  return bot;
}
