import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pollCalls } from './standin.js';

/**
 * A local stand-in for the Slack Web API and for response_url / file upload targets. The real Bolt
 * app and WebClient talk to it over HTTP; tests read what it received and can make it fail.
 */
export interface SlackCall {
  /** The Web API method (`chat.update`), or the first path segment of other targets (`/respond`); `!<status>` appended when it was made to fail. */
  method: string;
  /** The whole path, e.g. `/respond/7`: what tells one response_url from another. */
  path: string;
  body: Record<string, unknown>;
}

export interface SlackStandIn {
  url: string;
  apiUrl: string;
  calls: SlackCall[];
  /**
   * Make the next call of a method fail (an HTTP status, or Slack's ratelimited with Retry-After);
   * with `when`, the next call of it whose body matches (so a test fails its own call only).
   */
  failNext(method: string, failure: { status: number; retryAfter?: number }, when?: (body: Record<string, unknown>) => boolean): void;
  callsTo(method: string): SlackCall[];
  waitFor(method: string, count?: number, timeoutMs?: number): Promise<SlackCall[]>;
  /** The first call that `matches`, once it has come. */
  waitForCall(matches: (call: SlackCall) => boolean, timeoutMs?: number): Promise<SlackCall>;
  close(): Promise<void>;
}

export async function startSlackStandIn(): Promise<SlackStandIn> {
  const calls: SlackCall[] = [];
  // What chat.postMessage accepted, so conversations.history can read it back.
  const posted: Array<{ channel: string; ts: string; text: unknown; metadata?: unknown }> = [];
  const failures = new Map<string, Array<{ status: number; retryAfter?: number; when?: (body: Record<string, unknown>) => boolean }>>();
  let fileCounter = 0;
  let url = '';
  const server: Server = createServer(async (request, response) => {
    const raw = await read(request);
    const path = (request.url ?? '/').split('?')[0]!;
    const method = path.startsWith('/api/') ? path.slice(5) : path.split('/').slice(0, 2).join('/');
    const body = parseBody(raw, String(request.headers['content-type'] ?? ''));
    const queued = failures.get(method) ?? [];
    const index = queued.findIndex((candidate) => !candidate.when || candidate.when(body));
    const failure = index < 0 ? undefined : queued.splice(index, 1)[0];
    calls.push({ method: failure ? `${method}!${failure.status}` : method, path, body });
    if (failure) {
      response.writeHead(failure.status, { 'content-type': 'application/json', ...(failure.retryAfter ? { 'retry-after': String(failure.retryAfter) } : {}) });
      response.end(JSON.stringify({ ok: false, error: failure.status === 429 ? 'ratelimited' : 'internal_error' }));
      return;
    }
    const answer = (payload: Record<string, unknown>): void => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: true, ...payload }));
    };
    // A token Slack does not know: every method answers as Slack does, 200 with ok: false.
    if (String(request.headers.authorization ?? '').startsWith('Bearer xoxb-revoked')) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: false, error: 'invalid_auth' }));
      return;
    }
    switch (method) {
      case 'auth.test':
        return answer({ user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'gig' });
      case 'chat.postMessage': {
        const ts = `${Math.floor(Date.now() / 1000)}.${String(calls.length).padStart(6, '0')}`;
        posted.push({ channel: String(body.channel), ts, text: body.text, ...(body.metadata ? { metadata: body.metadata } : {}) });
        return answer({ channel: body.channel, ts });
      }
      case 'chat.update':
        // A DM or private channel the bot is not in (ids starting with D0OUT or G0OUT): Slack says so.
        if (/^(D|G)0OUT/.test(String(body.channel))) {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ ok: false, error: 'channel_not_found' }));
          return;
        }
        return answer({ channel: body.channel, ts: body.ts ?? '1700000000.000100' });
      case 'conversations.history':
        // Newest first, like Slack; metadata only when asked for.
        return answer({
          messages: posted
            .filter((message) => message.channel === body.channel)
            .reverse()
            .map((message) => (body.include_all_metadata === true || body.include_all_metadata === 'true' ? message : { ...message, metadata: undefined })),
          has_more: false,
        });
      case 'files.getUploadURLExternal':
        fileCounter += 1;
        return answer({ upload_url: `${url}/upload/F${fileCounter}`, file_id: `F${fileCounter}` });
      case 'files.completeUploadExternal':
        return answer({ files: [{ id: 'F1', title: 'packet' }] });
      default:
        return answer({});
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    failNext(method, failure, when) {
      failures.set(method, [...(failures.get(method) ?? []), { ...failure, ...(when ? { when } : {}) }]);
    },
    callsTo: (method) => calls.filter((call) => call.method === method),
    waitFor: (method, count = 1, timeoutMs = 5000) =>
      pollCalls(
        () => { const found = calls.filter((call) => call.method === method); return found.length >= count ? found : undefined; },
        timeoutMs,
        () => `Slack stand-in: expected ${count} call(s) to ${method}, got ${calls.filter((call) => call.method === method).length}; calls: ${calls.map((call) => call.method).join(', ')}`,
      ),
    waitForCall: (matches, timeoutMs = 5000) =>
      pollCalls(() => calls.find(matches), timeoutMs, () => `Slack stand-in: no matching call; calls: ${calls.map((call) => call.path).join(', ')}`),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function read(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (data += chunk));
    request.on('end', () => resolve(data));
  });
}

function parseBody(raw: string, type: string): Record<string, unknown> {
  if (type.includes('application/json')) return JSON.parse(raw || '{}') as Record<string, unknown>;
  if (type.includes('x-www-form-urlencoded')) {
    const body: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(raw)) {
      body[key] = /^[[{]/.test(value) ? safeJson(value) : value;
    }
    return body;
  }
  return { raw };
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** Signs a request body the way Slack does (v0 HMAC-SHA256 over "v0:timestamp:body"). */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}
