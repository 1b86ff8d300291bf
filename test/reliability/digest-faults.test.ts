import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gigProgram } from '../global-build.js';
import { slackChannelSender, slackClient } from '../../src/bot/slack/sender.js';
import { runDueDigests, type DigestSenders } from '../../src/commands/digest.js';
import { loadEnvironment } from '../../src/config.js';
import { openApp, type App } from '../../src/main.js';
import { gig } from '../helpers/cli.js';
import { startSlackStandIn, type SlackStandIn } from '../helpers/slack-standin.js';
import { ENVIRONMENTS_YAML, envRepository, nov, tempDir } from '../helpers/workspace.js';

/**
 * Issue #11: "a digest silently never sent". A `gig digest run` killed while Slack is down, or
 * killed after Slack accepted the post but before the ledger heard of it, is finished by the next
 * scheduler tick within the grace period — posting once, never twice — and reported as missed
 * beyond it; re-running a sent occurrence is not a failure.
 */

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const HOURLY = '0 * * * *';

interface Workspace {
  root: string;
  configFile: string;
  dbFile: string;
}

function digestWorkspace(): Workspace {
  const root = tempDir('gig-digest-faults-');
  envRepository(root, 'api').commit('ABC-1 work', { 'a.java': 'v1\n' }, { date: nov(2) });
  const configFile = path.join(root, 'gig.config.yaml');
  writeFileSync(
    configFile,
    `projects: [ABC]\n${ENVIRONMENTS_YAML}repositories:\n  - { name: api, path: ./repos/api }\n` +
      `digests:\n  - { name: hourly, cron: "${HOURLY}", timezone: UTC, target: qa, scope: { tickets: [ABC-1] }, slack: { channel: C0REL }, graceMinutes: 120 }\n`,
  );
  return { root, configFile, dbFile: path.join(root, '.gig', 'gig.db') };
}

/** `gig digest run hourly` in a process of its own; resolves once `until` says so, after killing it with SIGKILL. */
function digestRunUntil(ws: Workspace, slack: SlackStandIn, until: () => boolean, env: Record<string, string> = {}): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, [gigProgram(inject('gigBuild')), '--config', ws.configFile, '--db', ws.dbFile, 'digest', 'run', 'hourly'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.apiUrl, ...env },
  });
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (until()) child.kill('SIGKILL');
    }, 20);
    child.on('exit', (_code, signal) => {
      clearInterval(timer);
      resolve(signal);
    });
  });
}

describe('a digest run that dies before the ledger knows it delivered', () => {
  let slack: SlackStandIn;
  let senders: DigestSenders;
  const fast = { owner: 'tick', backoffMs: 1, sleep: async () => undefined };
  const delivered = (): number => slack.callsTo('chat.postMessage').length;

  beforeAll(async () => {
    slack = await startSlackStandIn();
    senders = { slack: slackChannelSender(slackClient('xoxb-test', loadEnvironment({ SLACK_API_URL: slack.apiUrl }), { retries: 0, minTimeout: 1, maxTimeout: 1 })) };
  });
  afterAll(() => slack.close());

  const syncedApp = async (ws: Workspace): Promise<App> => {
    const app = openApp({ configFile: ws.configFile, dbFile: ws.dbFile });
    await app.context.sync();
    return app;
  };

  it('killed while Slack is down, it is delivered once by the next tick when Slack is back', async () => {
    const ws = digestWorkspace();
    (await syncedApp(ws)).close();
    const before = delivered();
    slack.failNext('chat.postMessage', { status: 500 });
    // The run meets Slack's 500 and waits to retry: that is when it dies.
    expect(await digestRunUntil(ws, slack, () => slack.calls.some((call) => call.method === 'chat.postMessage!500'))).toBe('SIGKILL');
    const app = openApp({ configFile: ws.configFile, dbFile: ws.dbFile });
    try {
      expect((await app.context.ledger.digestRuns('hourly', 1))[0]).toMatchObject({ status: 'claimed' });
      const results = await runDueDigests(app.context, senders, fast);
      expect(results.map((result) => result.status)).toEqual(['sent']);
      expect(delivered()).toBe(before + 1);
      expect(await runDueDigests(app.context, senders, fast)).toEqual([]);
      expect(delivered()).toBe(before + 1);
    } finally {
      app.close();
    }
  });

  it('killed after Slack accepted the post, the next tick finds the post and does not post again', async () => {
    const ws = digestWorkspace();
    (await syncedApp(ws)).close();
    const before = delivered();
    expect(await digestRunUntil(ws, slack, () => false, { GIG_FAILPOINT: 'digest:posted' })).toBe('SIGKILL');
    expect(delivered()).toBe(before + 1);
    const app = openApp({ configFile: ws.configFile, dbFile: ws.dbFile });
    try {
      const results = await runDueDigests(app.context, senders, fast);
      expect(results.map((result) => result.status)).toEqual(['sent']);
      expect(delivered()).toBe(before + 1);
      expect(slack.callsTo('conversations.history').length).toBeGreaterThan(0);
      expect((await app.context.ledger.digestRuns('hourly', 1))[0]).toMatchObject({ status: 'sent', delivered: ['slack:C0REL'] });
      // Running it again by hand is what the caller wanted done: exit 0, nothing posted.
      const rerun = await gig(ws.root, ['--config', ws.configFile, '--db', ws.dbFile, 'digest', 'run', 'hourly'], { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.apiUrl });
      expect(rerun).toMatchObject({ code: 0, stdout: expect.stringContaining('was sent already') });
      expect(delivered()).toBe(before + 1);
    } finally {
      app.close();
    }
  });

  it('beyond the grace period, an occurrence never delivered is reported as missed by digest list and doctor', async () => {
    const ws = digestWorkspace();
    const app = await syncedApp(ws);
    const occurrence = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();
    await app.context.ledger.claimDigest('hourly', occurrence, 'elsewhere:1', occurrence, false);
    await app.context.ledger.recordDigestAttempt('hourly', occurrence, { delivered: [], error: 'slack:C0REL: Slack is down', done: false }, occurrence);
    app.close();
    const later = openApp({ configFile: ws.configFile, dbFile: ws.dbFile, now: () => new Date(Date.parse(occurrence) + 3 * 3_600_000 + 60_000) });
    try {
      const results = await runDueDigests(later.context, {}, fast);
      expect(results).toContainEqual({ digest: 'hourly', occurrence, status: 'missed' });
    } finally {
      later.close();
    }
    const list = await gig(ws.root, ['--config', ws.configFile, '--db', ws.dbFile, 'digest', 'list']);
    expect(list.stdout).toMatch(/MISSED \(never delivered\): /);
    const doctor = await gig(ws.root, ['--config', ws.configFile, '--db', ws.dbFile, 'doctor']);
    expect(doctor.stdout).toContain('✗ digest hourly: 1 occurrence was never delivered');
  });
});
