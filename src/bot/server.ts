import { timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App as BoltApp, ExpressReceiver, LogLevel } from '@slack/bolt';
import express, { type Request, type Response } from 'express';
import cron from 'node-cron';
import { runDeployed } from '../commands/record.js';
import type { GigEnvironment } from '../config.js';
import type { DigestSenders } from '../commands/digest.js';
import { verifyPacketLink } from '../commands/packet-links.js';
import { runRelease } from '../commands/release.js';
import { ConfigError, toGigError } from '../errors.js';
import type { Card } from '../views/cards/model.js';
import { renderReleaseMarkdown } from '../views/release.js';
import { startDigestScheduler } from '../schedule/digests.js';
import { slackChannelSender } from './slack/sender.js';
import { createTeamsAdapter, teamsProactiveSender, teamsSettings, type TeamsSettings } from './teams/adapter.js';
import { GigTeamsBot } from './teams/bot.js';
import type { App } from '../main.js';
import { boltLogger, type Logger } from './log.js';
import { registerSlackHandlers } from './slack/handlers.js';

export interface ServeOptions {
  app: App;
  env: GigEnvironment;
  logger: Logger;
  /** 0 picks a free port (tests). */
  port?: number;
  /** Slack Web API retries; interactive clicks cannot wait the SDK's default half hour. */
  slackRetries?: { retries: number; minTimeout: number; maxTimeout: number };
  /** Run the periodic sync (off in tests that drive sync themselves). */
  schedule?: boolean;
}

export interface RunningServer {
  url: string;
  /** Posts a card to a Teams conversation gig has seen before (proactive message); null when Teams is off. */
  sendTeams: ((conversationId: string, card: Card) => Promise<void>) | null;
  /** Where digests go from this server. */
  senders: DigestSenders;
  close(): Promise<void>;
}

/**
 * `gig serve`: one HTTP server for Slack (/slack/events, or Socket Mode when SLACK_APP_TOKEN is
 * set), CI deployment evidence (/hooks/deployments) and health checks (/healthz), plus the
 * periodic sync.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const { app, env, logger } = options;
  const { slack, teams } = platformSettings(env);
  if (!teams) logger.warn('Teams is off: MICROSOFT_APP_ID is not set (GIG_TEAMS_DEV=1 serves /api/messages without authentication, for the emulator and tests only)');
  else if (teams.dev) logger.warn('Teams runs WITHOUT authentication (GIG_TEAMS_DEV=1): never expose this server');
  const http = express();
  http.disable('x-powered-by');
  http.get('/healthz', (_request, response) => {
    response.json({ ok: true, asOf: app.context.index.asOf(app.config.repositories.map((repo) => repo.name)) });
  });
  http.post('/hooks/deployments', express.json({ limit: '64kb' }), (request, response) => deploymentHook(app, env, logger, request, response));
  http.get('/packets/:file', (request, response) => packet(app, request, response));

  const clientOptions = {
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL.endsWith('/') ? env.SLACK_API_URL : `${env.SLACK_API_URL}/` } : {}),
    retryConfig: { factor: 2, randomize: false, ...(options.slackRetries ?? { retries: 3, minTimeout: 500, maxTimeout: 5000 }) },
  };
  let socketApp: InstanceType<typeof BoltApp> | null = null;
  let slackApp: InstanceType<typeof BoltApp> | null = null;
  if (slack?.mode === 'http') {
    // Slack refuses requests more than 5 minutes old; gig refuses those from the future too.
    http.use('/slack/events', (request, response, next) => {
      const timestamp = Number(request.headers['x-slack-request-timestamp']);
      if (!Number.isFinite(timestamp) || timestamp > Date.now() / 1000 + 300) {
        response.status(401).send();
        return;
      }
      next();
    });
    const receiver = new ExpressReceiver({ signingSecret: slack.signingSecret, app: http, endpoints: '/slack/events', logger: boltLogger(logger) as never, logLevel: LogLevel.WARN });
    slackApp = new BoltApp({ receiver, token: slack.token, clientOptions, logger: boltLogger(logger) as never, logLevel: LogLevel.WARN });
    registerSlackHandlers(slackApp, app.context, logger);
  } else if (slack?.mode === 'socket') {
    socketApp = new BoltApp({ token: slack.token, appToken: slack.appToken, socketMode: true, clientOptions, logger: boltLogger(logger) as never, logLevel: LogLevel.WARN });
    registerSlackHandlers(socketApp, app.context, logger);
    await socketApp.start();
  }

  const sendTeams = teams ? mountTeams(http, app, teams, env, logger) : null;
  const slackClient = slackApp?.client ?? socketApp?.client ?? null;
  const senders = {
    ...(slackClient ? { slack: slackChannelSender(slackClient) } : {}),
    ...(sendTeams ? { teams: sendTeams } : {}),
  };

  const server: Server = await new Promise((resolve, reject) => {
    const listening = http.listen(options.port ?? env.PORT, () => resolve(listening));
    listening.once('error', reject);
  });
  const task = options.schedule === false ? null : scheduleSync(app, logger);
  const digests = options.schedule === false ? null : startDigestScheduler(app.context, senders, logger);
  const address = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${address.port}`;
  logger.info({ url, slack: slack?.mode ?? 'off', teams: teams ? (teams.dev ? 'dev' : 'on') : 'off' }, 'gig is serving');
  return {
    url,
    sendTeams,
    senders,
    async close() {
      await task?.stop();
      await digests?.stop();
      await socketApp?.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Which chat platforms the environment turns on; at least one must be. */
export function platformSettings(env: GigEnvironment): { slack: SlackSettings | null; teams: TeamsSettings | null } {
  const slackAsked = Boolean(env.SLACK_BOT_TOKEN || env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN);
  const teams = teamsSettings(env);
  if (!slackAsked && !teams) slackSettings(env);
  return { slack: slackAsked ? slackSettings(env) : null, teams };
}

type SlackSettings = { mode: 'http'; token: string; signingSecret: string } | { mode: 'socket'; token: string; appToken: string };

/** Which Slack mode the environment asks for; a missing variable is named, with how to get it. */
export function slackSettings(env: GigEnvironment): SlackSettings {
  const howTo = 'Create the Slack app from manifest.slack.yml (README, section "Slack"), install it, then export the bot token (xoxb-…) and the signing secret from its Basic Information page.';
  if (env.SLACK_APP_TOKEN) {
    if (!env.SLACK_BOT_TOKEN) throw new ConfigError('SLACK_APP_TOKEN is set for Socket Mode, but SLACK_BOT_TOKEN is not.', howTo);
    return { mode: 'socket', token: env.SLACK_BOT_TOKEN, appToken: env.SLACK_APP_TOKEN };
  }
  const missing = [env.SLACK_BOT_TOKEN ? null : 'SLACK_BOT_TOKEN', env.SLACK_SIGNING_SECRET ? null : 'SLACK_SIGNING_SECRET'].filter(Boolean);
  if (missing.length > 0) {
    throw new ConfigError(
      `gig serve needs ${missing.join(' and ')}, which ${missing.length === 1 ? 'is' : 'are'} not set.`,
      `${howTo} For Teams instead, set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (README, "Microsoft Teams").`,
    );
  }
  return { mode: 'http', token: env.SLACK_BOT_TOKEN!, signingSecret: env.SLACK_SIGNING_SECRET! };
}

function scheduleSync(app: App, logger: Logger): { stop(): Promise<void> | void } {
  return cron.schedule(
    app.config.sync.cron,
    async () => {
      const result = await app.context.sync();
      const failed = result.repositories.filter((repo) => !repo.ok).map((repo) => repo.repository);
      logger.info({ newCommits: result.repositories.reduce((sum, repo) => sum + repo.newCommits, 0), failed, ms: result.durationMs }, 'periodic sync');
    },
    { name: 'gig-sync', noOverlap: true },
  );
}

/** CI reports `{repository, environment, sha, at}` with `Authorization: Bearer <GIG_DEPLOY_HOOK_SECRET>`. */
function deploymentHook(app: App, env: GigEnvironment, logger: Logger, request: Request, response: Response): void {
  const secret = env.GIG_DEPLOY_HOOK_SECRET;
  if (!secret) {
    response.status(404).json({ error: { code: 'NOT_FOUND', message: 'The deployment hook is off: set GIG_DEPLOY_HOOK_SECRET to turn it on.' } });
    return;
  }
  const given = Buffer.from(String(request.headers.authorization ?? '').replace(/^Bearer\s+/i, ''));
  const expected = Buffer.from(secret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    response.status(401).json({ error: { code: 'NOT_ALLOWED', message: 'Missing or wrong deployment hook secret.' } });
    return;
  }
  const body = (request.body ?? {}) as Record<string, unknown>;
  try {
    const result = runDeployed(app.context, {
      repository: String(body.repository ?? ''),
      environment: String(body.environment ?? ''),
      sha: String(body.sha ?? ''),
      ...(typeof body.at === 'string' ? { at: body.at } : {}),
      ...(typeof body.by === 'string' ? { by: body.by } : {}),
      source: 'hook',
    });
    response.status(201).json(result);
  } catch (error) {
    const gigError = toGigError(error);
    logger.warn({ code: gigError.code }, 'deployment hook refused');
    response.status(gigError.exitCode === 2 ? 400 : 500).json({ error: { code: gigError.code, message: gigError.message, hint: gigError.hint ?? null } });
  }
}

/** POST /api/messages with botbuilder's CloudAdapter; returns the proactive sender. */
function mountTeams(http: express.Express, app: App, teams: TeamsSettings, env: GigEnvironment, logger: Logger): (conversationId: string, card: Card) => Promise<void> {
  const adapter = createTeamsAdapter(teams, env);
  adapter.onTurnError = async (turn, error) => {
    logger.error({ err: error }, 'Teams turn failed');
    await turn.sendActivity('gig hit a problem answering this; the details are in its log.').catch(() => undefined);
  };
  const bot = new GigTeamsBot({ context: app.context, logger, tenants: app.config.teams.tenants, publicUrl: env.GIG_PUBLIC_URL });
  http.post('/api/messages', express.json({ limit: '1mb' }), (request, response) => {
    adapter.process(request, response, (turn) => bot.run(turn)).catch((error: unknown) => {
      logger.warn({ err: error }, 'Teams request refused');
      if (!response.headersSent) response.status(401).end();
    });
  });
  return teamsProactiveSender(adapter, teams, app.context);
}

/** GET /packets/<release>.md?sig=…: the Markdown packet behind a shortened card. */
function packet(app: App, request: Request, response: Response): void {
  const file = String(request.params.file ?? '');
  const release = file.endsWith('.md') ? file.slice(0, -3) : file;
  if (!verifyPacketLink(app.context, release, String(request.query.sig ?? ''))) {
    response.status(404).send('Not found');
    return;
  }
  try {
    const answer = runRelease(app.context, { id: release }, { dryRun: true });
    response.type('text/markdown; charset=utf-8').send(renderReleaseMarkdown({ manifest: answer.manifest, drift: answer.drift, approvals: answer.approvals }));
  } catch {
    response.status(404).send('Not found');
  }
}
