import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServer } from '../src/bot/server.js';
import { runDoctor } from '../src/commands/doctor.js';
import { doctorProbes } from '../src/cli/doctor-probes.js';
import { loadEnvironment } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { openApp, type App } from '../src/main.js';
import { gigProgram } from './global-build.js';
import { SIGNING_SECRET } from './helpers/slack-bot.js';
import { startSlackStandIn, type SlackStandIn } from './helpers/slack-standin.js';
import { envRepository, nov, workspace, type Workspace } from './helpers/workspace.js';

/** A logger whose lines the test can read: `[level, message]` in order. */
function capturingLogger(): { logger: ReturnType<typeof createLogger>; lines: Array<[string, string]> } {
  const lines: Array<[string, string]> = [];
  const names: Record<number, string> = { 30: 'info', 40: 'warn', 50: 'error' };
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const line = JSON.parse(chunk.toString()) as { level: number; msg: string };
      lines.push([names[line.level] ?? String(line.level), line.msg]);
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

let slack: SlackStandIn;
let root: string;
let ws: Workspace;
let app: App;
beforeAll(async () => {
  slack = await startSlackStandIn();
  // Made here, not with tempDir() and ws.open(), which are cleaned up after each test.
  root = mkdtempSync(path.join(tmpdir(), 'gig-slack-startup-'));
  envRepository(root, 'shop').commit('ABC-1 cart', { 'cart.ts': 'v1\n' }, { date: nov(2) });
  ws = workspace(root, ['shop']);
  app = openApp({ configFile: ws.configFile, dbFile: ws.dbFile });
});
afterAll(async () => {
  app.close();
  await slack.close();
  rmSync(root, { recursive: true, force: true });
});

const slackEnv = (token: string, apiUrl = slack.apiUrl) => loadEnvironment({ SLACK_BOT_TOKEN: token, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: apiUrl });

describe('gig serve checks its Slack credential before serving', () => {
  it('refuses a token Slack refuses, with one line that says what to do, and takes no port', async () => {
    const { logger } = capturingLogger();
    await expect(startServer({ app, env: slackEnv('xoxb-revoked-1'), logger, port: 0 })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'Slack refused SLACK_BOT_TOKEN: invalid_auth.',
      hint: expect.stringContaining('OAuth & Permissions'),
    });
  });

  it('as a command: exit 2, the reason and the fix, no stack trace, never "gig is serving"', async () => {
    // Not spawnSync: the Slack stand-in answers from this process's event loop.
    const child = spawn(process.execPath, [gigProgram(inject('gigBuild')), '--config', ws.configFile, '--db', ws.dbFile, 'serve', '--port', '0'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, SLACK_BOT_TOKEN: 'xoxb-revoked-2', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    expect(status, stderr).toBe(2);
    expect(stdout).not.toContain('gig is serving');
    expect(stderr).toContain('Slack refused SLACK_BOT_TOKEN: invalid_auth.');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('serves when Slack cannot be reached, and asks again until Slack answers', async () => {
    const { logger, lines } = capturingLogger();
    const before = slack.callsTo('auth.test').length;
    slack.failNext('auth.test', { status: 503 });
    const server = await startServer({ app, env: slackEnv('xoxb-good'), logger, port: 0, checkBackoff: { firstMs: 20, maxMs: 50 } });
    try {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      await slack.waitFor('auth.test', before + 1);
      await expect.poll(() => lines.filter(([, message]) => message === "Slack accepted gig's credentials")).toHaveLength(1);
      expect(lines.find(([, message]) => message.startsWith('Slack could not be reached'))?.[0]).toBe('warn');
    } finally {
      await server.close();
    }
  });
});

describe('gig doctor asks Slack', () => {
  it('reports the bot and workspace for a token that works, and the fix for one that does not', async () => {
    const good = await runDoctor(app.context, doctorProbes(app, { SLACK_BOT_TOKEN: 'xoxb-good', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl }));
    expect(good.find((check) => check.area === 'slack')).toMatchObject({ ok: true, detail: 'bot @gig in T1 (HTTP, signing secret set)' });
    const bad = await runDoctor(app.context, doctorProbes(app, { SLACK_BOT_TOKEN: 'xoxb-revoked-3', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl }));
    expect(bad.find((check) => check.area === 'slack')).toMatchObject({ ok: false, detail: 'Slack refused SLACK_BOT_TOKEN: invalid_auth.', fix: expect.stringContaining('OAuth & Permissions') });
  });
});

describe('gig serve checks its Teams credentials before serving', () => {
  /** A stand-in for Microsoft Entra's token endpoint: refuses the secret "wrong", is down while `down`. */
  async function entra(): Promise<{ url: string; calls: string[]; down: boolean; close(): Promise<void> }> {
    const { createServer } = await import('node:http');
    const state = { url: '', calls: [] as string[], down: false, close: async () => undefined as void };
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        state.calls.push(`${request.url} ${new URLSearchParams(body).get('scope')}`);
        if (state.down) response.writeHead(503).end();
        else if (new URLSearchParams(body).get('client_secret') === 'wrong') response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_client' }));
        else response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 't', expires_in: 3600 }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    state.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
    return state;
  }
  const teamsEnv = (loginUrl: string, secret: string) =>
    loadEnvironment({ MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_PASSWORD: secret, MICROSOFT_APP_TENANT_ID: 'tenant-1', MICROSOFT_LOGIN_URL: loginUrl });

  it('refuses credentials Microsoft Entra refuses, with the fix, and serves with good ones', async () => {
    const login = await entra();
    try {
      await expect(startServer({ app, env: teamsEnv(login.url, 'wrong'), logger: capturingLogger().logger, port: 0 })).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        message: "Microsoft Entra refused the Teams bot's credentials: invalid_client.",
        hint: expect.stringContaining('MICROSOFT_APP_PASSWORD'),
      });
      expect(login.calls).toEqual(['/tenant-1/oauth2/v2.0/token https://api.botframework.com/.default']);
      const server = await startServer({ app, env: teamsEnv(login.url, 'right'), logger: capturingLogger().logger, port: 0 });
      await server.close();
      // gig doctor asks the same.
      const variables = { MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_TENANT_ID: 'tenant-1', MICROSOFT_LOGIN_URL: login.url };
      const good = await runDoctor(app.context, doctorProbes(app, { ...variables, MICROSOFT_APP_PASSWORD: 'right' }));
      expect(good.find((check) => check.area === 'teams')).toMatchObject({ ok: true, detail: expect.stringMatching(/^token issued for app 00000000-0000-0000-0000-000000000001, SingleTenant in tenant tenant-1$/) });
      const bad = await runDoctor(app.context, doctorProbes(app, { ...variables, MICROSOFT_APP_PASSWORD: 'wrong' }));
      expect(bad.find((check) => check.area === 'teams')).toMatchObject({ ok: false, detail: "Microsoft Entra refused the Teams bot's credentials: invalid_client." });
    } finally {
      await login.close();
    }
  });

  it('serves when Microsoft Entra cannot be reached, and asks again', async () => {
    const login = await entra();
    login.down = true;
    const { logger, lines } = capturingLogger();
    const server = await startServer({ app, env: teamsEnv(login.url, 'right'), logger, port: 0, checkBackoff: { firstMs: 20, maxMs: 50 } });
    try {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      login.down = false;
      await expect.poll(() => lines.some(([, message]) => message === "Microsoft Entra (Teams) accepted gig's credentials")).toBe(true);
    } finally {
      await server.close();
      await login.close();
    }
  });
});
