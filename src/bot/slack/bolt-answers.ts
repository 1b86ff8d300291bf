import type { ReceiverProcessEventErrorHandlerArgs, ReceiverUnhandledRequestHandlerArgs } from '@slack/bolt';
import { writeError } from '../http/errors.js';
import { refusals } from '../../views/http-refusals.js';
import type { Logger } from '../../log.js';

/**
 * Bolt's receiver answers a listener that threw before acknowledging with an empty 500, and one
 * that never acknowledged with an empty 404 after 3 seconds. Both are gig's failures (the request
 * gate lets only well-formed requests through), so both become gig's JSON 500, details in the log.
 */
export function boltErrorAnswer(logger: Logger): (args: ReceiverProcessEventErrorHandlerArgs) => Promise<boolean> {
  return async ({ error, response }) => {
    logger.error({ err: error }, 'Slack request failed before it was acknowledged');
    if (response.headersSent) return false;
    writeError(response, 500, refusals.internal());
    return true;
  };
}

export function boltUnacknowledged(logger: Logger): (args: ReceiverUnhandledRequestHandlerArgs) => void {
  return ({ response }) => {
    logger.error('a Slack request was not acknowledged within 3 seconds');
    writeError(response, 500, refusals.internal());
  };
}
