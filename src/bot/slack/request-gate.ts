import { toGigError } from '../../errors.js';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import express, { type Request, type RequestHandler } from 'express';
import type { Logger } from '../../log.js';
import type { RequestClaims } from '../../engine/ports.js';
import { sendError } from '../http/errors.js';
import { errorSentence } from '../../views/error-text.js';
import { refusals } from '../../views/http-refusals.js';
import { readSlackRequest, type SlackRoutes } from './payloads.js';

/** Slack refuses requests more than 5 minutes old; gig refuses those from as far in the future too. */
export const SIGNATURE_WINDOW_SECONDS = 300;
/** Slack's own payloads stay far below this (a block action carries its whole message). */
export const SLACK_BODY_LIMIT = '1mb';

export interface SlackGateOptions {
  signingSecret: string;
  routes: SlackRoutes;
  replays: RequestClaims;
  logger: Logger;
}

const header = (request: Request, name: string): string => {
  const value = request.headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
};

/**
 * Everything in front of Bolt on /slack/events, in this order: the signature headers (before a
 * byte of the body is read), the body up to a limit, the signature over it, the shape of the
 * payload (see payloads.ts), and replays. Bolt's own signature check is off because Bolt is handed
 * the validated body, re-encoded; nothing reaches it without passing here first.
 */
export function slackRequestGate(options: SlackGateOptions): RequestHandler[] {
  return [checkHeaders, express.raw({ type: () => true, limit: SLACK_BODY_LIMIT }), verifyAndRead(options)];
}

const checkHeaders: RequestHandler = (request, response, next) => {
  const timestamp = Number(header(request, 'x-slack-request-timestamp'));
  const fresh = Number.isInteger(timestamp) && Math.abs(Date.now() / 1000 - timestamp) <= SIGNATURE_WINDOW_SECONDS;
  if (!fresh || !/^v0=[0-9a-f]{64}$/.test(header(request, 'x-slack-signature'))) {
    sendError(response, 401, refusals.slackUnsigned());
    return;
  }
  next();
};

function verifyAndRead(options: SlackGateOptions): RequestHandler {
  return async (request, response, next) => {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    // Signed over the body as text, as Bolt and Slack's SDKs compute it.
    const text = raw.toString('utf8');
    const signature = header(request, 'x-slack-signature');
    const expected = createHmac('sha256', options.signingSecret).update(`v0:${header(request, 'x-slack-request-timestamp')}:${text}`).digest();
    if (!timingSafeEqual(Buffer.from(signature.slice(3), 'hex'), expected)) {
      sendError(response, 401, refusals.slackUnsigned());
      return;
    }
    const read = readSlackRequest(text, request.headers['content-type'], options.routes);
    if (read.kind === 'malformed') {
      options.logger.warn({ problem: read.problem }, 'malformed Slack request refused');
      sendError(response, 400, refusals.slackMalformed(read.problem));
      return;
    }
    if (read.kind === 'answer') {
      if (read.json) response.json(read.json);
      else response.status(200).end();
      return;
    }
    // The signature covers timestamp and body, so it names one request; the body's digest also
    // catches a retry Slack re-signed with a new timestamp (x-slack-retry-num): every genuine
    // command or click carries its own trigger_id, so two equal bodies are the same request.
    const keys = [`slack:sig:${signature}`, `slack:body:${createHash('sha256').update(raw).digest('hex')}`];
    let first: boolean;
    try {
      first = await options.replays.claim(keys);
    } catch (error) {
      // The ledger cannot be reached: nothing is acted on. A slash command shows the reason to the
      // one who typed it (Slack shows a 200's text); a click gets a 503, which Slack marks as failed.
      options.logger.error({ err: error, code: toGigError(error).code }, 'Slack request refused: the ledger cannot be reached');
      const refusal = refusals.storeDown();
      if (/(^|&)command=/.test(text)) response.status(200).json({ response_type: 'ephemeral', text: errorSentence(refusal) });
      else sendError(response, 503, refusal);
      return;
    }
    if (!first) {
      options.logger.warn({ retry: header(request, 'x-slack-retry-num') || null }, 'Slack request seen before: answered without acting');
      response.status(200).end();
      return;
    }
    // A request gig failed on before acting may be retried and must then act.
    response.on('finish', () => {
      if (response.statusCode < 500) return;
      options.replays.release(keys).catch((error: unknown) => options.logger.error({ err: error }, 'could not forget a failed Slack request'));
    });
    Object.assign(request, { rawBody: Buffer.from(read.body, 'utf8'), body: undefined });
    request.headers['content-type'] = read.contentType;
    next();
  };
}
