import { expect } from 'vitest';
import { SIGNING_SECRET } from '../../helpers/slack-bot.js';
import { slackSignature } from '../../helpers/slack-standin.js';

/** Signed requests to /slack/events, exactly as Slack sends them, and checks on what gig answers. */

export const FORM = 'application/x-www-form-urlencoded';

export interface SignedRequest {
  body: Buffer;
  timestamp: number;
  signature: string;
}

/** Signs a body the way Slack does: over the UTF-8 text actually sent. */
export function sign(body: string | Buffer, timestamp = Math.floor(Date.now() / 1000), secret = SIGNING_SECRET): SignedRequest {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  return { body: bytes, timestamp, signature: slackSignature(secret, timestamp, bytes.toString('utf8')) };
}

export function postSigned(serverUrl: string, request: SignedRequest, options: { contentType?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(`${serverUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? FORM,
      'x-slack-request-timestamp': String(request.timestamp),
      'x-slack-signature': request.signature,
      ...options.headers,
    },
    body: new Uint8Array(request.body),
  });
}

let counter = 0;
const unique = (): string => `${Date.now().toString(36)}-${(counter += 1)}`;

/** A /gig slash command's form body; each has its own trigger_id, like Slack's. */
export function slashCommand(text: string, responseUrl: string, user = 'U0BEN'): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: 'T1',
    channel_id: 'C0RELEASE',
    user_id: user,
    command: '/gig',
    text,
    response_url: responseUrl,
    trigger_id: `trigger-${unique()}`,
    api_app_id: 'A1',
  }).toString();
}

/** A button click's form body (block_actions), on the release card message. */
export function buttonClick(actionId: string, value: string, user: string, responseUrl: string): string {
  const payload = {
    type: 'block_actions',
    team: { id: 'T1' },
    user: { id: user },
    api_app_id: 'A1',
    token: 'legacy',
    trigger_id: `trigger-${unique()}`,
    response_url: responseUrl,
    container: { type: 'message', channel_id: 'C0RELEASE', message_ts: '1700000000.000100' },
    channel: { id: 'C0RELEASE' },
    message: { ts: '1700000000.000100', type: 'message' },
    actions: [{ type: 'button', action_id: actionId, block_id: 'b1', value, action_ts: '1700000001.0001' }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** What must never appear in an answer: stack frames, server paths, dependency paths. */
export function leakIn(text: string): string | null {
  const frame = /\bat (?:[\w.<>$[\] ]+ )?\(?(?:file:\/\/)?\/[^\s)]*:\d+:\d+\)?/.exec(text);
  if (frame) return `a stack frame: ${frame[0]}`;
  for (const marker of ['/work/', 'node_modules', process.cwd()]) if (text.includes(marker)) return `"${marker}"`;
  return null;
}

/** Checks a 4xx/5xx is gig's small JSON error and leaks nothing; returns its code. */
export async function expectJsonError(response: Response, status: number): Promise<string> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(leakIn(text)).toBeNull();
  const body = JSON.parse(text) as { error: { code: string; message: string; hint: string | null } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toEqual({ code: expect.any(String), message: expect.any(String), hint: expect.toSatisfy((hint) => hint === null || typeof hint === 'string') });
  return body.error.code;
}
