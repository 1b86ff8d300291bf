import type { RequestHandler } from 'express';
import type { App } from '../../main.js';
import type { Logger } from '../../log.js';
import { sendError } from './errors.js';
import { refusals } from '../../views/http-refusals.js';

/**
 * GET /healthz: 200 with the index time while the database answers — the SQLite file, and the
 * shared ledger when it is in PostgreSQL — 503 with gig's JSON error when it does not (closed,
 * damaged, missing tables, unreachable), so a load balancer takes the replica out and an operator
 * reads the same small body either way and never a stack.
 */
export function healthCheck(app: App, logger: Logger): RequestHandler {
  return async (_request, response) => {
    let asOf: string | null;
    try {
      asOf = app.context.index.asOf(app.config.repositories.map((repo) => repo.name));
      await app.stores.postgres?.query('SELECT 1');
    } catch (error) {
      logger.error({ err: error }, 'health check: the database does not answer');
      sendError(response, 503, refusals.unhealthy());
      return;
    }
    response.json({ ok: true, asOf });
  };
}
