import type { CloudAdapter, TurnContext } from 'botbuilder';
import express, { type RequestHandler, type Response } from 'express';
import { sendError } from '../http/errors.js';
import { refusals, TEAMS_REPLAY_TEXT } from '../../views/http-refusals.js';
import type { Logger } from '../../log.js';
import type { RequestClaims } from '../../engine/ports.js';
import { checkActivity } from './activity.js';
import type { GigTeamsBot } from './bot.js';

/** Bot Framework activities are small; a card action carries one card's data. */
export const TEAMS_BODY_LIMIT = '1mb';

/**
 * POST /api/messages. A request without a bearer token is refused before its body is read
 * (unless GIG_TEAMS_DEV=1); the body is read up to a limit and its shape checked; botbuilder then
 * authenticates it (the token is bound to the activity's serviceUrl, so that needs the body) and
 * runs the turn. The turn writes before botbuilder answers: a Teams acknowledgement is the HTTP
 * answer, which follows the whole turn. Whatever botbuilder answers is turned into gig's JSON
 * errors, so a stack or a raw exception message never leaves.
 */
export function teamsRoute(adapter: CloudAdapter, bot: GigTeamsBot, options: { dev: boolean; replays: RequestClaims; logger: Logger }): RequestHandler[] {
  const requireToken: RequestHandler = (request, response, next) => {
    if (!options.dev && !/^Bearer\s+\S/i.test(String(request.headers.authorization ?? ''))) {
      sendError(response, 401, refusals.teamsUnauthenticated());
      return;
    }
    next();
  };
  const checkShape: RequestHandler = (request, response, next) => {
    const check = checkActivity(request.body);
    if (!check.ok) {
      options.logger.warn({ problem: check.problem }, 'malformed Teams activity refused');
      sendError(response, 400, refusals.teamsMalformed(check.problem));
      return;
    }
    next();
  };
  const run: RequestHandler = async (request, response) => {
    const recorded = new RecordedResponse();
    try {
      await adapter.process(request, recorded, (turn) => once(turn, bot, options));
    } catch (error) {
      // botbuilder throws (instead of answering) only for bodies it cannot read as an activity.
      options.logger.warn({ err: error }, 'Teams request refused');
      sendError(response, 400, refusals.teamsMalformed('not an activity'));
      return;
    }
    forward(recorded, response, options.logger);
  };
  return [requireToken, express.json({ limit: TEAMS_BODY_LIMIT }), checkShape, run];
}

/**
 * Runs a turn once per activity id: a replay or a Bot Connector retry of an activity gig has
 * handled is answered without acting (a card action gets a short note, so Teams shows no error).
 */
async function once(turn: TurnContext, bot: GigTeamsBot, options: { replays: RequestClaims; logger: Logger }): Promise<void> {
  const { id, conversation } = turn.activity;
  const keys = id ? [`teams:${conversation.id}:${id}`] : [];
  if (!(await options.replays.claim(keys))) {
    options.logger.warn({ type: turn.activity.type }, 'Teams activity seen before: answered without acting');
    if (turn.activity.type === 'invoke') {
      await turn.sendActivity({ type: 'invokeResponse', value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: TEAMS_REPLAY_TEXT } } });
    }
    return;
  }
  try {
    await bot.run(turn);
  } catch (error) {
    // It failed before acting (or while acting, which is one transaction): let a retry act.
    await options.replays.release(keys);
    throw error;
  }
}

/** What botbuilder answered, held back so it can be passed on or turned into gig's JSON error. */
class RecordedResponse {
  readonly socket = null;
  statusCode = 200;
  body: unknown = undefined;

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  header(): this {
    return this;
  }

  send(body: unknown): this {
    this.body = body;
    return this;
  }

  end(): this {
    return this;
  }
}

function forward(recorded: RecordedResponse, response: Response, logger: Logger): void {
  const status = recorded.statusCode;
  if (status < 400) {
    response.status(status);
    if (recorded.body === undefined || recorded.body === null || recorded.body === '') response.end();
    else response.json(recorded.body);
    return;
  }
  logger.warn({ status }, 'Teams request answered with an error');
  if (status === 401 || status === 403) sendError(response, 401, refusals.teamsUnauthenticated());
  else if (status === 501) sendError(response, 400, refusals.teamsUnsupported());
  else if (status < 500) sendError(response, status, refusals.teamsMalformed('the card action cannot be read'));
  else sendError(response, 500, refusals.internal());
}

