import { timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App as BoltApp, ExpressReceiver, LogLevel } from '@slack/bolt';
import express, { type Request, type Response } from 'express';
import cron from 'node-cron';
import { runDeployed } from '../commands/record.js';
import type { GigEnvironment } from '../config.js';
import { ConfigError, toGigError } from '../errors.js';
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
  close(): Promise<void>;
}

/**
 * `gig serve`: one HTTP server for Slack (/slack/events, or Socket Mode when SLACK_APP_TOKEN is
 * set), CI deployment evidence (/hooks/deployments) and health checks (/healthz), plus the
 * periodic sync.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const { app, env, logger } = options;
  const slack = slackSettings(env);
  const http = express();
  http.disable('x-powered-by');
  http.get('/healthz', (_request, response) => {
    response.json({ ok: true, asOf: app.context.index.asOf(app.config.repositories.map((repo) => repo.name)) });
  });
  http.post('/hooks/deployments', express.json({ limit: '64kb' }), (request, response) => deploymentHook(app, env, logger, request, response));

  const clientOptions = {
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL.endsWith('/') ? env.SLACK_API_URL : `${env.SLACK_API_URL}/` } : {}),
    retryConfig: { factor: 2, randomize: false, ...(options.slackRetries ?? { retries: 3, minTimeout: 500, maxTimeout: 5000 }) },
  };
  let socketApp: InstanceType<typeof BoltApp> | null = null;
  if (slack.mode === 'http') {
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
    const boltApp = new BoltApp({ receiver, token: slack.token, clientOptions, logger: boltLogger(logger) as never, logLevel: LogLevel.WARN });
    registerSlackHandlers(boltApp, app.context, logger);
  } else {
    socketApp = new BoltApp({ token: slack.token, appToken: slack.appToken, socketMode: true, clientOptions, logger: boltLogger(logger) as never, logLevel: LogLevel.WARN });
    registerSlackHandlers(socketApp, app.context, logger);
    await socketApp.start();
  }

  const server: Server = await new Promise((resolve, reject) => {
    const listening = http.listen(options.port ?? env.PORT, () => resolve(listening));
    listening.once('error', reject);
  });
  const task = options.schedule === false ? null : scheduleSync(app, logger);
  const address = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${address.port}`;
  logger.info({ url, slack: slack.mode }, 'gig is serving');
  return {
    url,
    async close() {
      await task?.stop();
      await socketApp?.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
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
  if (missing.length > 0) throw new ConfigError(`gig serve needs ${missing.join(' and ')}, which ${missing.length === 1 ? 'is' : 'are'} not set.`, howTo);
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
