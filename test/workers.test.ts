import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { threadId as mainThreadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatAnswers, type AnswerEvent } from '../src/bot/answers.js';
import { createLogger } from '../src/log.js';
import { startServer, type RunningServer, type WorkerOptions } from '../src/bot/server.js';
import { renderBlockKit } from '../src/bot/slack/block-kit.js';
import { EvaluationPool, PoolUnavailable, WorkerFailed } from '../src/bot/workers/pool.js';
import { handleChat } from '../src/commands/chat.js';
import { buildRelease, runRelease } from '../src/commands/release.js';
import { loadEnvironment } from '../src/config.js';
import { generateSyntheticRepository } from '../src/demo/synthetic.js';
import { CHAIN_YAML } from '../src/demo/workspace.js';
import { openApp, type App } from '../src/main.js';
import { buildFailureLoop } from './helpers/failure-loop.js';
import { PEOPLE_YAML, SIGNING_SECRET } from './helpers/slack-bot.js';
import { slackSignature, startSlackStandIn, type SlackCall, type SlackStandIn } from './helpers/slack-standin.js';

/**
 * Issue #12, "answers off the event loop": gig serve evaluates chat commands in worker threads with
 * read-only connections of their own, so that the event loop acknowledging Slack is never busy
 * with an evaluation. These tests prove where answers are computed (thread ids, through the
 * server's debug hook), that they are the main thread's answers byte for byte, and that a worker
 * that dies costs one error card, not the bot. Each command has a response_url of its own, and
 * every test waits for the answers to its own commands only.
 */

const NOW = new Date('2026-11-21T09:00:00Z');
const silent = createLogger('silent');
const slackUser = { platform: 'slack' as const, id: 'U0BEN' };
const options = { prefix: '/gig ' };

let root: string;
let app: App;
let slack: SlackStandIn;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'gig-workers-'));
  const loop = await buildFailureLoop(root);
  loop.app.close();
  const configFile = path.join(root, 'workers.config.yaml');
  writeFileSync(
    configFile,
    `projects: [PAY]\n${PEOPLE_YAML}${CHAIN_YAML}repositories:\n${['api', 'batch', 'db', 'ui', 'mendix'].map((name) => `  - { name: ${name}, path: ./repos/${name} }`).join('\n')}\n` +
      'digests:\n  - { name: uat-window, cron: "0 9 * * 1-5", timezone: Europe/Berlin, target: uat, scope: { tickets: [PAY-7, PAY-9, PAY-10] }, slack: { channel: C0RELEASE } }\n',
  );
  app = openApp({ configFile, dbFile: path.join(root, '.gig', 'gig.db'), now: () => NOW });
  slack = await startSlackStandIn();
});

afterAll(async () => {
  await slack.close();
  app.close();
  rmSync(root, { recursive: true, force: true });
});

interface Bot {
  server: RunningServer;
  events: AnswerEvent[];
  /** Sends a signed `/gig <text>`; resolves with the acknowledgement, and `reply()` waits for the answer to its response_url. */
  command(text: string): Promise<{ status: number; body: string; path: string; reply(timeoutMs?: number): Promise<SlackCall> }>;
}

let responses = 0;
async function startBot(target: App, workers: WorkerOptions): Promise<Bot> {
  const events: AnswerEvent[] = [];
  const env = loadEnvironment({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });
  const server = await startServer({ app: target, env, logger: silent, port: 0, workers: { ...workers, onAnswer: (event) => events.push(event) } });
  return {
    server,
    events,
    async command(text) {
      responses += 1;
      const respondPath = `/respond/w${responses}`;
      const url = `${slack.url}${respondPath}`;
      const body = new URLSearchParams({ command: '/gig', text, user_id: 'U0BEN', channel_id: 'C0RELEASE', team_id: 'T1', response_url: url, trigger_id: `trigger-w${responses}` }).toString();
      const timestamp = Math.floor(Date.now() / 1000);
      const response = await fetch(`${server.url}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': slackSignature(SIGNING_SECRET, timestamp, body) },
        body,
      });
      return { status: response.status, body: await response.text(), path: respondPath, reply: (timeoutMs) => slack.waitForCall((call) => call.path === respondPath, timeoutMs) };
    },
  };
}

describe('where answers are computed', () => {
  it('evaluates 20 concurrent /gig status commands in worker threads while the event loop stays free', async () => {
    const bot = await startBot(app, { size: 2 });
    try {
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      const tickets = ['PAY-7', 'PAY-8', 'PAY-9', 'PAY-10', 'PAY-11', 'PAY-12', 'PAY-13', 'PAY-14'];
      const acks = await Promise.all(Array.from({ length: 20 }, (_, index) => bot.command(`status ${tickets[index % tickets.length]}`)));
      await Promise.all(acks.map((ack) => ack.reply(20_000)));
      delay.disable();
      expect(acks.map((ack) => ack.status)).toEqual(Array(20).fill(200));

      const statuses = bot.events.filter((event) => event.verb === 'status');
      expect(statuses).toHaveLength(20);
      const threads = new Set(statuses.map((event) => event.threadId));
      expect(threads.has(mainThreadId)).toBe(false);
      expect(threads.size).toBeGreaterThanOrEqual(1);
      expect(threads.size).toBeLessThanOrEqual(2);
      // A figure to read, not the proof (the thread ids are): nothing held the loop for long.
      console.info(`event-loop delay while 20 status commands were answered: p50 ${(delay.percentile(50) / 1e6).toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`);

      // What records a decision is written on the main thread, before the acknowledgement.
      const reject = await bot.command('reject PAY-11 qa "flaky totals"');
      expect(reject.status).toBe(200);
      expect(app.db.prepare("SELECT count(*) AS n FROM rejections WHERE ticket = 'PAY-11' AND reason = 'flaky totals'").get()).toEqual({ n: 1 });
      await reject.reply();
      expect(bot.events.find((event) => event.verb === 'reject')?.threadId).toBe(mainThreadId);
    } finally {
      await bot.server.close();
    }
  });

  it('saves a release defined in chat on the main thread, and answers with its card from a worker', async () => {
    const bot = await startBot(app, { size: 1 });
    try {
      const command = await bot.command('release R-WORKER qa uat PAY-10 PAY-11');
      expect(command.status).toBe(200);
      expect(JSON.stringify((await command.reply()).body)).toContain('R-WORKER');
      expect(await app.context.ledger.release('R-WORKER')).toMatchObject({ source: 'qa', target: 'uat', tickets: ['PAY-10', 'PAY-11'] });
      const event = bot.events.find((candidate) => candidate.verb === 'release')!;
      expect(event.threadId).not.toBe(mainThreadId);
    } finally {
      await bot.server.close();
    }
  });
});

describe('release packets', () => {
  it('serves the Markdown packet behind a signed link from a worker, the same as the main thread writes it', async () => {
    const { packetLink } = await import('../src/commands/packet-links.js');
    const { renderReleaseMarkdown } = await import('../src/views/release.js');
    await runRelease(app.context, { id: 'R-PACKET', from: 'qa', to: 'uat', tickets: ['PAY-7', 'PAY-10'] });
    const bot = await startBot(app, { size: 1 });
    try {
      const response = await fetch(await packetLink(app.context, bot.server.url, 'R-PACKET'));
      expect(response.status).toBe(200);
      const answer = await buildRelease(app.context, { id: 'R-PACKET' });
      expect(await response.text()).toBe(renderReleaseMarkdown({ manifest: answer.manifest, drift: answer.drift, approvals: answer.approvals, freshness: answer.freshness }));
      expect(bot.events.map((event) => [event.verb, event.threadId === mainThreadId])).toEqual([['packet', false]]);
      expect((await fetch(await packetLink(app.context, bot.server.url, 'R-NOT-SAVED'))).status).toBe(404);
    } finally {
      await bot.server.close();
    }
  });
});

describe('the same answers as the main thread', () => {
  const commands = [
    'status PAY-7',
    'status PAY-7 to uat',
    'status PAY-12 to qa',
    'check PAY-7 qa uat',
    'since PAY-7',
    'deps PAY-9',
    'manual PAY-10',
    'release R-SAME qa uat PAY-7 PAY-9 PAY-10',
    'release R-SAME',
    'digest uat-window',
    'status PAY-999',
    'status nope',
    'check PAY-7 uat qa',
    'release R-NOT-SAVED',
    'digest nope',
    'deploy PAY-7',
    'help',
  ];

  it('gives byte-identical replies and Block Kit for every read verb, found or not', async () => {
    const pool = new EvaluationPool({ dbFile: app.db.name, config: app.config, size: 1, logger: silent });
    const events: AnswerEvent[] = [];
    const answers = chatAnswers(app.context, () => pool, silent, (event) => events.push(event));
    try {
      for (const text of commands) {
        const fromWorker = await answers.handle(text, slackUser, options);
        const fromMain = await handleChat(app.context, text, slackUser, options);
        expect(JSON.stringify(fromWorker), text).toBe(JSON.stringify(fromMain));
        expect(JSON.stringify(renderBlockKit(fromWorker.card)), text).toBe(JSON.stringify(renderBlockKit(fromMain.card)));
      }
      // What cannot be read as a command, and help, have nothing to evaluate: the main thread answers them.
      expect(events.filter((event) => event.threadId === mainThreadId).map((event) => event.verb)).toEqual(['unreadable', 'help']);
      expect(events).toHaveLength(commands.length);
    } finally {
      await pool.close();
    }
  });
});

describe('when workers fail', () => {
  it('answers a command whose worker crashed with gig\'s error card, and the next one from a new worker', async () => {
    const bot = await startBot(app, { size: 1, crashOnText: 'status PAY-8' });
    try {
      await (await bot.command('status PAY-7')).reply();
      const first = bot.events.at(-1)!.threadId;

      const crashed = await bot.command('status PAY-8');
      expect(crashed.status).toBe(200);
      const card = await crashed.reply();
      expect(card.body.response_type).toBe('ephemeral');
      expect(String(card.body.text)).toContain('gig hit a problem answering this');
      expect(JSON.stringify(card.body)).not.toMatch(/\bat .+\.[jt]s:\d+|Error:|crashed on purpose/);

      const again = await (await bot.command('status PAY-7')).reply();
      expect(again.body.response_type).toBe('in_channel');
      const second = bot.events.at(-1)!.threadId;
      expect(second).not.toBe(first);
      expect(second).not.toBe(mainThreadId);
    } finally {
      await bot.server.close();
    }
  });

  it('gives up on a job that runs too long, with an error card, and replaces its worker', async () => {
    const pool = new EvaluationPool({ dbFile: app.db.name, config: app.config, size: 1, logger: silent, jobTimeoutMs: 1 });
    const answers = chatAnswers(app.context, () => pool, silent);
    try {
      const [stopped] = pool.threadIds();
      const reply = await answers.handle('release R-SLOW qa uat PAY-7 PAY-9 PAY-10', slackUser, options);
      expect(reply.visibility).toBe('private');
      expect(JSON.stringify(reply.card)).toContain('took too long');
      expect(pool.threadIds()).toHaveLength(1);
      expect(pool.threadIds()).not.toContain(stopped);
    } finally {
      await pool.close();
    }
  });

  it('refuses new commands at once, in the acknowledgement, while the oldest waiting one has waited too long', async () => {
    // Workers start at the first command and take a moment to: meanwhile that command waits.
    const bot = await startBot(app, { size: 1, start: 'lazy', maxWaitMs: 0 });
    try {
      const first = await bot.command('status PAY-7');
      const second = await bot.command('status PAY-9');
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(first.body).toBe('');
      expect(JSON.parse(second.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('gig is busy') });
      const answer = await first.reply();
      expect(answer.body.response_type).toBe('in_channel');
      expect(JSON.stringify(answer.body)).toContain('PAY-7');
      // The refusal went out with the acknowledgement: nothing more to the second's response_url.
      expect(slack.calls.filter((call) => call.path === second.path)).toEqual([]);
    } finally {
      await bot.server.close();
    }
  });

  it('says so in Teams too, where the answer is the turn\'s response', async () => {
    // A worker that never becomes ready: every command waits, so the pool is soon overloaded.
    const pool = new EvaluationPool({ dbFile: app.db.name, config: app.config, size: 1, logger: silent, maxWaitMs: 0, entry: { script: 'setInterval(() => {}, 1000);', eval: true } });
    const answers = chatAnswers(app.context, () => pool, silent);
    try {
      const waiting = answers.handle('status PAY-7', { platform: 'teams', id: '29:ben' }, { prefix: '@gig ' });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const turn = answers.prepare('status PAY-9', { platform: 'teams', id: '29:ben' }, { prefix: '@gig ' });
      expect(turn.immediate?.visibility).toBe('private');
      expect(JSON.stringify(turn.immediate?.card)).toContain('gig is busy');
      await pool.close();
      expect(JSON.stringify((await waiting).card)).toContain('shutting down');
    } finally {
      await pool.close();
    }
  });

  it('answers on the main thread when no worker can start', async () => {
    const pool = new EvaluationPool({ dbFile: app.db.name, config: app.config, size: 2, logger: silent, entry: { script: 'throw new Error("cannot start")', eval: true } });
    const events: AnswerEvent[] = [];
    const answers = chatAnswers(app.context, () => pool, silent, (event) => events.push(event));
    try {
      const reply = await answers.handle('status PAY-7 to uat', slackUser, options);
      expect(JSON.stringify(reply)).toBe(JSON.stringify(await handleChat(app.context, 'status PAY-7 to uat', slackUser, options)));
      expect(events.map((event) => event.threadId)).toEqual([mainThreadId]);
      expect(pool.available).toBe(false);
      await expect(pool.run({ kind: 'chat', text: 'status PAY-7', actor: slackUser, prefix: '/gig ', now: NOW.toISOString() })).rejects.toBeInstanceOf(PoolUnavailable);
    } finally {
      await pool.close();
    }
  });

  it('stops every worker on close, and refuses work after', async () => {
    const pool = new EvaluationPool({ dbFile: app.db.name, config: app.config, size: 2, logger: silent });
    await pool.run({ kind: 'chat', text: 'status PAY-7', actor: slackUser, prefix: '/gig ', now: NOW.toISOString() });
    expect(pool.threadIds()).toHaveLength(2);
    await pool.close();
    expect(pool.threadIds()).toEqual([]);
    await expect(pool.run({ kind: 'chat', text: 'status PAY-7', actor: slackUser, prefix: '/gig ', now: NOW.toISOString() })).rejects.toBeInstanceOf(WorkerFailed);
  });
});

describe('on a large index', () => {
  let big: App;
  let bigRoot: string;
  beforeAll(async () => {
    bigRoot = mkdtempSync(path.join(tmpdir(), 'gig-workers-big-'));
    generateSyntheticRepository(path.join(bigRoot, 'core'), { commits: 10_000 });
    writeFileSync(path.join(bigRoot, 'gig.config.yaml'), `projects: [ABC]\n${CHAIN_YAML}repositories:\n  - { name: core, path: ./core }\n`);
    big = openApp({ configFile: path.join(bigRoot, 'gig.config.yaml'), dbFile: path.join(bigRoot, '.gig', 'gig.db') });
    await big.context.sync();
  });
  afterAll(() => {
    big.close();
    rmSync(bigRoot, { recursive: true, force: true });
  });

  it('keeps the event loop free while a large release is evaluated beside 20 status commands', async () => {
    const tickets = Array.from({ length: 400 }, (_, index) => `ABC-${index * 5 + 1}`);
    // What the same release costs on this thread, as a yardstick for the delay below.
    const started = performance.now();
    await buildRelease(big.context, { id: 'R-BIG', from: 'qa', to: 'uat', tickets });
    const onMainMs = performance.now() - started;

    const bot = await startBot(big, { size: 2 });
    try {
      // Workers ready and warm, as in a running gig serve.
      const warm = await Promise.all([bot.command('status ABC-3'), bot.command('status ABC-4')]);
      await Promise.all(warm.map((command) => command.reply(20_000)));

      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      const release = await bot.command(`release R-BIG qa uat ${tickets.join(' ')}`);
      const statuses = await Promise.all(Array.from({ length: 20 }, (_, index) => bot.command(`status ABC-${index * 17 + 2}`)));
      await Promise.all([release, ...statuses].map((command) => command.reply(30_000)));
      delay.disable();

      const evaluated = bot.events.find((event) => event.verb === 'release')!;
      expect(evaluated.threadId).not.toBe(mainThreadId);
      expect(bot.events.filter((event) => event.verb === 'status' && event.threadId === mainThreadId)).toEqual([]);
      const maxDelayMs = delay.max / 1e6;
      console.info(`release of 400 tickets: ${onMainMs.toFixed(0)} ms on the main thread, ${evaluated.ms.toFixed(0)} ms in a worker; event-loop delay meanwhile: max ${maxDelayMs.toFixed(1)} ms`);
      // Had the release been evaluated on this thread, the loop would have stalled for about onMainMs.
      expect(maxDelayMs).toBeLessThan(Math.max(onMainMs / 2, 50));
    } finally {
      await bot.server.close();
    }
  });
});
