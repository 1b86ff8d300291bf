import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAIN_YAML } from '../src/demo/workspace.js';
import { openApp } from '../src/main.js';
import { gig } from './helpers/cli.js';
import { buildFailureLoop } from './helpers/failure-loop.js';
import { PEOPLE_YAML } from './helpers/slack-bot.js';
import { startSlackStandIn, type SlackStandIn } from './helpers/slack-standin.js';
import { FORM, leakIn, postSigned, sign, slashCommand } from './reliability/support/http.js';
import { startServeChild, type ServeChild } from './reliability/support/serve-child.js';
import { startPostgres, type RunningPostgres } from './support/postgres.js';

/**
 * The shared ledger goes away under a running replica (its own server, stopped mid-test): nothing
 * is half-done, chat says so in words, HTTP callers get a 503 to retry, and no answer names the
 * database's host or user.
 */
const HOOK_SECRET = 'hook-secret-0123456789';
let root: string;
let configFile: string;
let server: RunningPostgres;
let slack: SlackStandIn;
let replica: ServeChild;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'gig-outage-'));
  [server, slack] = await Promise.all([startPostgres(), startSlackStandIn(), buildFailureLoop(root).then((loop) => loop.app.close())]);
  configFile = path.join(root, 'outage.config.yaml');
  writeFileSync(configFile, `projects: [PAY]\n${PEOPLE_YAML}${CHAIN_YAML}repositories:\n${['api', 'batch', 'db', 'ui', 'mendix'].map((name) => `  - { name: ${name}, path: ./repos/${name} }`).join('\n')}\n`);
  const dbFile = path.join(root, 'replica', 'gig.db');
  const app = openApp({ configFile, dbFile, env: { GIG_DATABASE_URL: server.url } });
  await app.context.sync().finally(() => app.close());
  replica = await startServeChild({ configFile, dbFile, slackApiUrl: slack.apiUrl, env: { GIG_DATABASE_URL: server.url, GIG_DEPLOY_HOOK_SECRET: HOOK_SECRET, GIG_WORKERS: '0' } });
}, 120_000);

afterAll(async () => {
  await replica?.kill();
  await server?.stop();
  await slack?.close();
  rmSync(root, { recursive: true, force: true });
});

const database = (): { host: string; user: string } => {
  const parsed = new URL(server.url);
  return { host: `${parsed.hostname}:${parsed.port}`, user: parsed.username };
};

describe('when the shared ledger cannot be reached', () => {
  it('answers normally while it can', async () => {
    expect((await fetch(`${replica.url}/healthz`)).status).toBe(200);
  });

  it('tells the one who typed a command that nothing was done, answers 503 to health checks and CI, and names no database', async () => {
    const { host } = database();
    await server.stop();

    const typed = await postSigned(replica.url, sign(slashCommand('reject PAY-7 qa "totals off"', `${slack.url}/respond/outage`)), { contentType: FORM });
    expect(typed.status).toBe(200);
    const said = (await typed.json()) as { response_type: string; text: string };
    expect(said).toEqual({ response_type: 'ephemeral', text: expect.stringMatching(/^gig cannot reach its database right now, so it did nothing with this\. Try again in a minute/) });

    const health = await fetch(`${replica.url}/healthz`);
    expect(health.status).toBe(503);
    const healthBody = await health.text();
    expect(JSON.parse(healthBody)).toMatchObject({ error: { code: 'STORE_UNAVAILABLE' } });

    const hook = await fetch(`${replica.url}/hooks/deployments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${HOOK_SECRET}` },
      body: JSON.stringify({ repository: 'api', environment: 'uat', sha: 'abcdef1234567' }),
    });
    expect(hook.status).toBe(503);
    const hookBody = await hook.text();

    for (const body of [said.text, healthBody, hookBody]) {
      expect(body).not.toContain(host);
      expect(body).not.toContain(database().user);
      expect(leakIn(body)).toBeNull();
    }
  });

  it('fails a sync from the command line with exit 6, naming the server without its password', async () => {
    const run = await gig(root, ['--config', configFile, '--db', path.join(root, 'cli.db'), 'sync'], { GIG_DATABASE_URL: 'postgres://gig:hunter2@127.0.0.1:1/gig' });
    expect(run.code).toBe(6);
    expect(run.stderr).toMatch(/The PostgreSQL ledger at postgres:\/\/gig:\*\*\*@127\.0\.0\.1:1\/gig cannot be reached/);
    expect(run.stderr).not.toContain('hunter2');
  });
});
