/**
 * Slack acknowledgement latency: concurrent signed `/gig status` slash commands against
 * `gig serve` on loopback (autocannon), with a local stand-in for response_url and the Web API.
 * Slack gives an app 3 seconds to acknowledge; this measures how far from that gig stays.
 *
 *   npm run bench -- --only slack [--connections 20] [--seconds 10]
 */
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { createLogger } from '../src/bot/log.js';
import { startServer } from '../src/bot/server.js';
import { loadEnvironment } from '../src/config.js';
import { buildDemoWorkspace, recordDemoHistory } from '../src/demo/workspace.js';
import { openApp } from '../src/main.js';

export async function benchSlackAck(options: { connections: number; seconds: number }): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'gig-bench-slack-'));
  const configFile = buildDemoWorkspace(path.join(root, 'demo'));
  const app = openApp({ configFile, dbFile: path.join(root, 'gig.db') });
  await app.context.sync();
  recordDemoHistory(app.context);
  let answered = 0;
  const standIn = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      answered += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
  const standInUrl = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
  const secret = 'bench-signing-secret-0123456789';
  const env = loadEnvironment({ SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: secret, SLACK_API_URL: `${standInUrl}/api/` });
  const server = await startServer({ app, env, logger: createLogger('silent'), port: 0, schedule: false });

  const body = new URLSearchParams({ command: '/gig', text: 'status ABC-101', user_id: 'U0BENCH', channel_id: 'C1', team_id: 'T1', response_url: `${standInUrl}/respond`, trigger_id: 't' }).toString();
  const result = await autocannon({
    url: `${server.url}/slack/events`,
    method: 'POST',
    connections: options.connections,
    duration: options.seconds,
    body,
    requests: [
      {
        setupRequest: (request) => {
          const timestamp = Math.floor(Date.now() / 1000);
          const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
          return { ...request, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature } };
        },
      },
    ],
  });
  // Let the answers posted after each ack drain before counting them.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  console.log(`\n/slack/events: ${options.connections} concurrent signed slash commands for ${options.seconds} s on loopback`);
  console.table([
    {
      requests: result.requests.total,
      'ack/s': Math.round(result.requests.average),
      'p50 ms': result.latency.p50,
      'p90 ms': result.latency.p90,
      'p99 ms': result.latency.p99,
      'max ms': result.latency.max,
      'non-2xx': result.non2xx,
      errors: result.errors,
      'answers posted': answered,
    },
  ]);
  await server.close();
  standIn.close();
  app.close();
  rmSync(root, { recursive: true, force: true });
}
