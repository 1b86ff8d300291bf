import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pollCalls } from './standin.js';

/** A local stand-in for the Bot Connector service a Teams activity's serviceUrl points at. */
export interface ConnectorCall {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

export interface ConnectorStandIn {
  url: string;
  calls: ConnectorCall[];
  waitFor(predicate: (call: ConnectorCall) => boolean, count?: number, timeoutMs?: number): Promise<ConnectorCall[]>;
  /** The first call that `matches`, once it has come. */
  waitForCall(matches: (call: ConnectorCall) => boolean, timeoutMs?: number): Promise<ConnectorCall>;
  close(): Promise<void>;
}

export async function startConnectorStandIn(): Promise<ConnectorStandIn> {
  const calls: ConnectorCall[] = [];
  let counter = 0;
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (raw += chunk));
    request.on('end', () => {
      calls.push({ method: request.method ?? 'GET', path: request.url ?? '/', body: parseBody(raw) });
      counter += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: `activity-${counter}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    waitFor: (predicate, count = 1, timeoutMs = 5000) =>
      pollCalls(
        () => { const found = calls.filter(predicate); return found.length >= count ? found : undefined; },
        timeoutMs,
        () => `connector stand-in: expected ${count} matching call(s); got ${calls.map((call) => `${call.method} ${call.path}`).join(', ')}`,
      ),
    waitForCall: (matches, timeoutMs = 5000) =>
      pollCalls(() => calls.find(matches), timeoutMs, () => `connector stand-in: no matching call; got ${calls.map((call) => `${call.method} ${call.path}`).join(', ')}`),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** gig's answer to one activity: the Bot Connector call that replies to it (in its thread). */
export function replyTo(activity: Record<string, unknown>): (call: ConnectorCall) => boolean {
  return (call) => call.method === 'POST' && call.path.endsWith(`/activities/${encodeURIComponent(String(activity.id))}`);
}

/** gig's refresh of a card message (updateActivity of the activity the card action came from). */
export function updateOf(activityId: string): (call: ConnectorCall) => boolean {
  return (call) => call.method === 'PUT' && call.path.endsWith(`/activities/${encodeURIComponent(activityId)}`);
}

/** A Teams channel message or card action, as the Bot Connector posts it to /api/messages. */
export function teamsActivity(serviceUrl: string, from: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    id: `incoming-${Math.random().toString(16).slice(2)}`,
    timestamp: '2026-11-21T09:00:00.000Z',
    serviceUrl,
    channelId: 'msteams',
    from: { id: from, name: from },
    recipient: { id: '28:gig', name: 'gig' },
    conversation: { id: '19:release@thread.tacv2', conversationType: 'channel', tenantId: 'tenant-1', isGroup: true },
    channelData: { tenant: { id: 'tenant-1' } },
    locale: 'en-US',
    ...fields,
  };
}

export function mention(serviceUrl: string, from: string, text: string): Record<string, unknown> {
  return teamsActivity(serviceUrl, from, {
    type: 'message',
    text: `<at>gig</at> ${text}`,
    entities: [{ type: 'mention', mentioned: { id: '28:gig', name: 'gig' }, text: '<at>gig</at>' }],
  });
}

export function invoke(serviceUrl: string, from: string, verb: string, data: Record<string, unknown>, replyToId = 'card-1'): Record<string, unknown> {
  return teamsActivity(serviceUrl, from, {
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  });
}

/** The Bot Connector sends JSON; a form (a token request pointed here by a test) is kept as its fields. */
function parseBody(raw: string): Record<string, unknown> {
  if (!raw) return {};
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return Object.fromEntries(new URLSearchParams(raw));
  }
}
