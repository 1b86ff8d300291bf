import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App as BoltApp, ExpressReceiver, LogLevel } from '@slack/bolt';
import express, { type Request, type Response } from 'express';
import type { GigEnvironment } from '../config.js';
import type { DigestSenders } from '../commands/digest.js';
import { verifyPacketLink } from '../commands/packet-links.js';
import { releasePacket } from '../commands/release.js';
import { toGigError, ConfigError } from '../errors.js';
import type { Card } from '../views/cards/model.js';
import { checkAtStart, type StartupCheck } from './startup-check.js';
import { slackIdentity } from './slack/credential-check.js';
import { teamsCredential } from './teams/credential-check.js';
import { slackChannelSender, slackClient } from './slack/sender.js';
import { createTeamsAdapter, teamsProactiveSender, teamsSettings, type TeamsSettings } from './teams/adapter.js';
import { GigTeamsBot } from './teams/bot.js';
import { teamsRoute } from './teams/route.js';
import type { App } from '../main.js';
import type { Logger } from '../log.js';
import { boltLogger } from './slack/bolt-logger.js';
import { registerSlackHandlers, SLACK_ROUTES } from './slack/handlers.js';
import { boltErrorAnswer, boltUnacknowledged } from './slack/bolt-answers.js';
import { slackRequestGate } from './slack/request-gate.js';
import type { RequestClaims } from '../engine/ports.js';
import { deploymentHook } from './http/deployment-hook.js';
import { errorHandler, notFound, sendError } from './http/errors.js';
import { healthCheck } from './http/health.js';
import { errorSentence } from '../views/error-text.js';
import { refusals } from '../views/http-refusals.js';
import { chatAnswers, type AnswerEvent, type ChatAnswers } from './answers.js';
import { EvaluationPool, PoolUnavailable, poolSize } from './workers/pool.js';

export interface ServeOptions {
  app: App;
  env: GigEnvironment;
  logger: Logger;
  /** 0 picks a free port (tests). */
  port?: number;
  /** Slack Web API retries; interactive clicks cannot wait the SDK's default half hour. */
  slackRetries?: { retries: number; minTimeout: number; maxTimeout: number };
  /** How often an unreachable platform is asked again about gig's credentials (tests shorten it). */
  checkBackoff?: { firstMs: number; maxMs: number };
  /**
   * What runs alongside the server (gig serve's schedules: schedule/index.ts), given the server's
   * chat senders: started once the port is taken and the workers are up, stopped before the server
   * closes. If it cannot start, the server gives everything back and startServer throws. The server
   * itself schedules nothing.
   */
  alongside?: (senders: DigestSenders) => { stop(): Promise<void> | void };
  /** The evaluation workers that answer chat commands off the event loop (workers/pool.ts). */
  workers?: WorkerOptions;
}

export interface WorkerOptions {
  /** How many; 0 answers on the main thread. Default: GIG_WORKERS, else min(2, CPUs). */
  size?: number;
  /** `eager` (default): they start with the server, so the first answer does not wait for them. */
  start?: 'eager' | 'lazy';
  /** A job running longer has its worker replaced and is answered with an error (default 60 s). */
  jobTimeoutMs?: number;
  /** While the oldest waiting command has waited this long, new ones are answered "gig is busy" (default 30 s). */
  maxWaitMs?: number;
  /** Debug hook: where each chat command was answered, and how long that took. */
  onAnswer?: (event: AnswerEvent) => void;
  /** Tests only: a command with exactly this text crashes the worker answering it. */
  crashOnText?: string;
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
 * The HTTP and chat surfaces of `gig serve`: one HTTP server for Slack (/slack/events, or Socket
 * Mode when SLACK_APP_TOKEN is set), Teams (/api/messages), CI deployment evidence
 * (/hooks/deployments), release packets (/packets/…) and health checks (/healthz), with the
 * evaluation workers behind the chat answers. Schedules are not started here: the caller passes
 * them as `alongside` (schedule/index.ts).
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const { app, env, logger } = options;
  const { slack, teams } = platformSettings(env);
  // The shared ledger answers and is at this gig's schema (migrated now if it was behind) before
  // anything is served: a replica that cannot reach it stops here, with gig's one-line error.
  await app.context.ledger.ready();
  if (app.context.ledger.kind === 'postgres') logger.info({ ledger: 'postgres' }, 'the ledger is shared in PostgreSQL');
  if (!teams) logger.warn('Teams is off: MICROSOFT_APP_ID is not set (GIG_TEAMS_DEV=1 serves /api/messages without authentication, for the emulator and tests only)');
  else if (teams.dev) logger.warn('Teams runs WITHOUT authentication (GIG_TEAMS_DEV=1): never expose this server');
  // A token Slack refuses stops the start here, before the port is taken, with one clear line.
  const slackCheck = slack
    ? await checkAtStart(
        'Slack',
        async () => {
          const who = await slackIdentity(slackClient(slack.token, env, { retries: 0, minTimeout: 0, maxTimeout: 0 }));
          return { team: who.team, bot: who.user };
        },
        logger,
        options.checkBackoff,
      )
    : null;
  let teamsCheck: StartupCheck | null = null;
  try {
    teamsCheck = teams && !teams.dev ? await checkAtStart('Microsoft Entra (Teams)', async () => (await teamsCredential(env), { app: env.MICROSOFT_APP_ID }), logger, options.checkBackoff) : null;
  } catch (error) {
    slackCheck?.stop();
    throw error;
  }
  // Signed requests already acted on, kept in the database so a replay after a restart is still refused.
  const replays = app.stores.requests;
  // The evaluation workers start once the port is taken (below); until then nothing is asked.
  const poolWanted = workerCount(app, options);
  let pool: EvaluationPool | null = null;
  const answers = chatAnswers(app.context, () => pool, logger, options.workers?.onAnswer);
  const http = express();
  http.disable('x-powered-by');
  http.get('/healthz', healthCheck(app, logger));
  http.post('/hooks/deployments', ...deploymentHook(app, env, logger));
  http.get('/packets/:file', (request, response) => packet(app, () => pool, logger, request, response, options.workers?.onAnswer));

  const clientOptions = {
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL.endsWith('/') ? env.SLACK_API_URL : `${env.SLACK_API_URL}/` } : {}),
    retryConfig: { factor: 2, randomize: false, ...(options.slackRetries ?? { retries: 3, minTimeout: 500, maxTimeout: 5000 }) },
  };
  let socketApp: InstanceType<typeof BoltApp> | null = null;
  if (slack?.mode === 'http') {
    // Mounted before the receiver, so nothing reaches Bolt without passing the gate.
    http.use('/slack/events', ...slackRequestGate({ signingSecret: slack.signingSecret, routes: SLACK_ROUTES, replays, logger }));
    const receiver = new ExpressReceiver({
      signingSecret: slack.signingSecret,
      // The gate verified the signature over the body Slack sent and hands Bolt the validated body
      // re-encoded, which that signature does not cover.
      signatureVerification: false,
      app: http,
      endpoints: '/slack/events',
      processEventErrorHandler: boltErrorAnswer(logger),
      unhandledRequestHandler: boltUnacknowledged(logger),
      logger: boltLogger(logger) as never,
      logLevel: LogLevel.WARN,
    });
    const slackApp = new BoltApp({ receiver, authorize: authorizeWith(slack.token), clientOptions, logger: boltLogger(logger) as never, logLevel: LogLevel.WARN });
    registerSlackHandlers(slackApp, app.context, logger, answers);
  } else if (slack?.mode === 'socket') {
    socketApp = new BoltApp({ authorize: authorizeWith(slack.token), appToken: slack.appToken, socketMode: true, clientOptions, logger: boltLogger(logger) as never, logLevel: LogLevel.WARN });
    registerSlackHandlers(socketApp, app.context, logger, answers);
    await socketApp.start();
  }

  const sendTeams = teams ? mountTeams(http, app, teams, env, logger, replays, answers) : null;
  // Bolt's own client carries no token (see authorizeWith), so digests get a client of their own.
  const digestClient = slack ? slackClient(slack.token, env, options.slackRetries) : null;
  const senders = {
    ...(digestClient ? { slack: slackChannelSender(digestClient) } : {}),
    ...(sendTeams ? { teams: sendTeams } : {}),
  };
  // Last: unknown addresses and every error (body-parser's included) answer gig's JSON, never HTML or a stack.
  http.use(notFound());
  http.use(errorHandler(logger));

  let server: Server;
  try {
    const port = options.port ?? env.PORT;
    server = await new Promise((resolve, reject) => {
      // Express 5 hands a listen error to this callback too (and it would otherwise "resolve").
      const listening = http.listen(port, (error?: Error) => (error ? reject(listenError(error, port)) : resolve(listening)));
    });
  } catch (error) {
    slackCheck?.stop();
    teamsCheck?.stop();
    await socketApp?.stop().catch(() => undefined);
    throw error;
  }
  // The port is taken from here on: a failure to start the rest gives everything back, so gig serve
  // exits instead of staying half-alive with its database closed.
  let beside: { stop(): Promise<void> | void } | null = null;
  const stopAll = async (): Promise<void> => {
    slackCheck?.stop();
    teamsCheck?.stop();
    await beside?.stop();
    await socketApp?.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // After the server: answers of requests it had acknowledged may still be computing until then.
    await pool?.close();
  };
  try {
    pool = poolWanted === 0 ? null : startPool(app, options, poolWanted, logger);
    beside = options.alongside?.(senders) ?? null;
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
  const address = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${address.port}`;
  logger.info({ url, slack: slack?.mode ?? 'off', teams: teams ? (teams.dev ? 'dev' : 'on') : 'off' }, 'gig is serving');
  return { url, sendTeams, senders, close: stopAll };
}

/**
 * Bolt's default check of a bot token calls auth.test once, while the App is constructed, and keeps
 * that promise: when Slack is unreachable at that moment the rejection is unhandled and gig serve
 * dies seconds after it started (and had it lived, every request would fail authorization until a
 * restart). gig has one token: every request is authorized with it and no Slack call sits before a
 * decision's write. Bolt's self-filter for events needs the bot's ids, which this does not give it;
 * gig keeps bots' messages and edits out itself (payloads.ts, handlers.ts).
 */
function authorizeWith(token: string): () => Promise<{ botToken: string }> {
  return async () => ({ botToken: token });
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

/** A port already taken is the operator's to fix (exit 2), not an unexpected problem. */
function listenError(error: Error, port: number): Error {
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return new ConfigError(`Port ${port} is already in use.`, 'Stop the program using it, or start gig serve with --port <port> or PORT=<port>.');
  if ((error as NodeJS.ErrnoException).code === 'EACCES') return new ConfigError(`gig serve may not listen on port ${port}.`, 'Use a port above 1023, or give this user the right to bind it.');
  return error;
}

/**
 * The evaluation workers, each with a read-only connection to the database file; none for an
 * in-memory database (nothing else can open it) or GIG_WORKERS=0.
 */
function workerCount(app: App, options: ServeOptions): number {
  const size = options.workers?.size ?? poolSize(options.env.GIG_WORKERS);
  return app.db.memory || app.db.name === '' || app.db.name === ':memory:' ? 0 : size;
}

function startPool(app: App, options: ServeOptions, size: number, logger: Logger): EvaluationPool {
  logger.info({ workers: size, start: options.workers?.start ?? 'eager' }, 'evaluation workers');
  return new EvaluationPool({
    dbFile: app.db.name,
    ledgerUrl: app.env.GIG_DATABASE_URL,
    config: app.config,
    size,
    logger,
    start: options.workers?.start ?? 'eager',
    ...(options.workers?.jobTimeoutMs === undefined ? {} : { jobTimeoutMs: options.workers.jobTimeoutMs }),
    ...(options.workers?.maxWaitMs === undefined ? {} : { maxWaitMs: options.workers.maxWaitMs }),
    ...(options.workers?.crashOnText === undefined ? {} : { crashOnText: options.workers.crashOnText }),
  });
}

/** POST /api/messages with botbuilder's CloudAdapter (teams/route.ts); returns the proactive sender. */
function mountTeams(http: express.Express, app: App, teams: TeamsSettings, env: GigEnvironment, logger: Logger, replays: RequestClaims, answers: ChatAnswers): (conversationId: string, card: Card) => Promise<void> {
  const adapter = createTeamsAdapter(teams, env);
  adapter.onTurnError = async (turn, error) => {
    const gigError = toGigError(error);
    logger.error({ err: error, code: gigError.code }, 'Teams turn failed');
    const said = gigError.code === 'STORE_UNAVAILABLE' ? errorSentence(refusals.storeDown()) : 'gig hit a problem answering this; the details are in its log.';
    await turn.sendActivity(said).catch(() => undefined);
  };
  const bot = new GigTeamsBot({ context: app.context, logger, tenants: app.config.teams.tenants, publicUrl: env.GIG_PUBLIC_URL, answers, appId: teams.appId });
  http.post('/api/messages', ...teamsRoute(adapter, bot, { dev: teams.dev, replays, logger }));
  return teamsProactiveSender(adapter, teams, app.context);
}

/**
 * GET /packets/<release>.md?sig=…: the Markdown packet behind a shortened card. The release is
 * evaluated by the workers when there are any (a large release takes a while).
 */
async function packet(app: App, pool: () => EvaluationPool | null, logger: Logger, request: Request, response: Response, onAnswer?: (event: AnswerEvent) => void): Promise<void> {
  const file = String(request.params.file ?? '');
  const release = file.endsWith('.md') ? file.slice(0, -3) : file;
  if (!(await verifyPacketLink(app.context, release, String(request.query.sig ?? '')))) {
    sendError(response, 404, refusals.notFound());
    return;
  }
  let markdown: string | null = null;
  let computed = false;
  const workers = pool();
  if (workers?.available) {
    try {
      const answer = await workers.run({ kind: 'packet', release, now: app.context.now().toISOString() });
      if (answer.kind === 'packet') {
        markdown = answer.markdown;
        computed = true;
        onAnswer?.({ verb: 'packet', threadId: answer.threadId, ms: answer.ms });
      }
    } catch (error) {
      if (!(error instanceof PoolUnavailable)) {
        logger.error({ err: error }, 'release packet failed');
        sendError(response, 500, refusals.internal());
        return;
      }
    }
  }
  if (!computed) markdown = await releasePacket(app.context, release);
  if (markdown === null) {
    sendError(response, 404, refusals.notFound());
    return;
  }
  response.type('text/markdown; charset=utf-8').send(markdown);
}


