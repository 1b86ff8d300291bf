import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { GigError } from '../../errors.js';
import { errorJson } from '../../views/error-text.js';
import type { Logger } from '../../log.js';
import { refusals } from '../../views/http-refusals.js';

/** Answers an error as gig's small JSON body; nothing when an answer has started already. */
export function sendError(response: Response, status: number, error: GigError): void {
  if (response.headersSent) return;
  response.status(status).json(errorJson(error));
}

/** The same, for code that holds node's plain response (Bolt's receiver callbacks). */
export function writeError(response: ServerResponse, status: number, error: GigError): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(errorJson(error)));
}

/** The HTTP status of a GigError a route could not get past: the caller's fault is a 4xx, gig's a 5xx. */
export function statusOf(error: GigError): number {
  switch (error.code) {
    case 'NOT_FOUND':
      return 404;
    case 'NOT_ALLOWED':
      return 403;
    case 'INTERNAL':
    case 'UPSTREAM':
    case 'GIT_FAILED':
    case 'STORE_NEWER':
    case 'STORE_CORRUPT':
      return 500;
    // The ledger cannot be reached: not the caller's fault, and worth retrying (CI hooks do).
    case 'STORE_UNAVAILABLE':
      return 503;
    default:
      return 400;
  }
}

/** Answers a GigError; an internal one with fixed words, as its message may carry paths or SQL. */
export function sendGigError(response: Response, error: GigError, logger: Logger): void {
  const status = statusOf(error);
  if (status >= 500) {
    logger.error({ err: error, code: error.code }, 'request failed');
    // Fixed words either way: the message may name the database's host, a path or SQL.
    sendError(response, status, status === 503 ? refusals.unhealthy() : refusals.internal());
    return;
  }
  sendError(response, status, error);
}

/** The last route: anything gig does not serve is a JSON 404, not express's HTML page. */
export function notFound(): RequestHandler {
  return (_request, response) => sendError(response, 404, refusals.notFound());
}

/** An error express or body-parser raised for a request it could not read (http-errors: a 4xx status, maybe a type). */
function clientErrorOf(error: unknown): { status: number; type: string | null; limit: number | null } | null {
  if (typeof error !== 'object' || error === null) return null;
  const candidate = error as { status?: unknown; statusCode?: unknown; type?: unknown; limit?: unknown };
  const status = typeof candidate.status === 'number' ? candidate.status : typeof candidate.statusCode === 'number' ? candidate.statusCode : null;
  if (status === null || status < 400 || status > 499) return null;
  return { status, type: typeof candidate.type === 'string' ? candidate.type : null, limit: typeof candidate.limit === 'number' ? candidate.limit : null };
}

/**
 * Express's last error handler, replacing its default one (an HTML page with the stack outside
 * production): what express and body-parser refuse (too large, not JSON, a malformed address)
 * becomes a 4xx in gig's JSON, anything else a 500 with fixed words; details go to the log only.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, request, response, _next) => {
    if (response.headersSent) {
      logger.error({ err: error, path: request.path }, 'request failed after its answer started');
      response.end();
      return;
    }
    const client = clientErrorOf(error);
    if (client) {
      logger.warn({ status: client.status, type: client.type, path: request.path }, 'request refused');
      if (client.status === 413) sendError(response, 413, refusals.tooLarge(client.limit === null ? 'the limit' : `${Math.round(client.limit / 1024)} KB`));
      else if (client.type === 'entity.parse.failed') sendError(response, 400, refusals.notJson());
      else sendError(response, client.status === 415 ? 415 : 400, refusals.unreadable());
      return;
    }
    logger.error({ err: error, path: request.path }, 'request failed');
    sendError(response, 500, refusals.internal());
  };
}
