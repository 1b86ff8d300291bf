import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRelease } from '../src/commands/release.js';
import { runStatus } from '../src/commands/status.js';
import { CHAIN_YAML } from '../src/demo/workspace.js';
import { openApp } from '../src/main.js';
import { renderStatusText } from '../src/views/status-text.js';
import { buildFailureLoop, type FailureLoop } from './helpers/failure-loop.js';
import { startSlackStandIn, type SlackStandIn } from './helpers/slack-standin.js';
import { buttonClick, FORM, postSigned, sign, slashCommand } from './reliability/support/http.js';
import { startServeChild, type ServeChild } from './reliability/support/serve-child.js';
import { testDatabase } from './support/postgres.js';

/**
 * Issue #16: three `gig serve` processes, each with its own SQLite cache of the index, sharing one
 * ledger in a real PostgreSQL. Whatever replica a request reaches, and however many schedulers run,
 * each decision counts once, each digest occurrence and each watched change is posted once, and a
 * replica killed mid-stream loses nothing it acknowledged.
 */

const CAPTAINS = [
  { name: 'Ana', slack: 'U0ANA' },
  { name: 'Ben', slack: 'U0BEN' },
  { name: 'Dee', slack: 'U0DEE' },
];

let root: string;
let loop: FailureLoop;
let url: string;
let ledger: pg.Pool;
let slack: SlackStandIn;
let replicas: ServeChild[] = [];
let hash: string;

/** A daily digest whose time was two minutes ago: every replica's scheduler finds it due as it starts. */
function justMissedCron(now = new Date()): string {
  const at = new Date(now.getTime() - 2 * 60_000);
  return `${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'gig-replicas-'));
  [loop, url, slack] = await Promise.all([buildFailureLoop(root), testDatabase('replicas'), startSlackStandIn()]);
  loop.app.close();
  ledger = new pg.Pool({ connectionString: url, max: 2 });
  const configFile = path.join(root, 'replicas.config.yaml');
  writeFileSync(
    configFile,
    [
      'projects: [PAY]',
      'people:',
      ...CAPTAINS.map((captain) => `  - { name: ${captain.name}, slack: ${captain.slack}, captain: true }`),
      'approvals: { required: 3, allowSelfApproval: true }',
      'sync: { cron: "*/3 * * * * *" }',
      'digests:',
      `  - { name: replicas, cron: "${justMissedCron()}", timezone: UTC, target: uat, scope: { tickets: [PAY-7] }, slack: { channel: C0DIGEST }, graceMinutes: 60 }`,
      CHAIN_YAML.trimEnd(),
      'repositories:',
      ...['api', 'batch', 'db', 'ui', 'mendix'].map((name) => `  - { name: ${name}, path: ./repos/${name} }`),
      '',
    ].join('\n'),
  );
  // One cache synced once, copied for each replica: three SQLite files, one ledger.
  const seed = path.join(root, 'seed', 'gig.db');
  const app = openApp({ configFile, dbFile: seed, env: { GIG_DATABASE_URL: url } });
  try {
    await app.context.sync();
    hash = (await runRelease(app.context, { id: 'R-REPL', from: 'qa', to: 'uat', tickets: ['PAY-11'] })).manifest.hash;
  } finally {
    app.close();
  }
  replicas = await Promise.all(
    [1, 2, 3].map((index) => {
      const dbFile = path.join(root, `replica-${index}`, 'gig.db');
      mkdirSync(path.dirname(dbFile), { recursive: true });
      copyFileSync(seed, dbFile);
      return startServeChild({ configFile, dbFile, slackApiUrl: slack.apiUrl, env: { GIG_DATABASE_URL: url, GIG_WORKERS: '1' } });
    }),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.kill()));
  await ledger?.end();
  await slack?.close();
  rmSync(root, { recursive: true, force: true });
});

const postsTo = (channel: string): number => slack.callsTo('chat.postMessage').filter((call) => call.body.channel === channel).length;
const respondUrl = (): string => `${slack.url}/respond/replicas`;
const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('three replicas of gig serve on one PostgreSQL ledger', () => {
  it('posts a digest occurrence once, with all three schedulers running', async () => {
    await slack.waitForCall((call) => call.method === 'chat.postMessage' && call.body.channel === 'C0DIGEST', 20_000);
    // Long enough for the two others' start-up ticks and a retry pass to have run and lost the claim.
    await settle(3_000);
    expect(postsTo('C0DIGEST')).toBe(1);
    const runs = await ledger.query<{ status: string }>("SELECT status FROM digest_runs WHERE digest = 'replicas'");
    expect(runs.rows).toEqual([{ status: 'sent' }]);
  });

  it('records 30 concurrent Approve clicks spread over the replicas as one approval per captain', async () => {
    const value = JSON.stringify({ release: 'R-REPL', hash });
    const clicks = Array.from({ length: 30 }, (_, index) => {
      const captain = CAPTAINS[index % 3]!;
      // Each captain's ten clicks reach all three replicas.
      const replica = replicas[Math.floor(index / 3) % 3]!;
      return postSigned(replica.url, sign(buttonClick('gig.release.approve', value, captain.slack, respondUrl())), { contentType: FORM });
    });
    const statuses = (await Promise.all(clicks)).map((response) => response.status);
    expect(statuses).toEqual(Array.from({ length: 30 }, () => 200));
    const approvals = await ledger.query<{ by: string; decision: string; manifest_hash: string }>("SELECT by, decision, manifest_hash FROM approvals WHERE release_id = 'R-REPL' ORDER BY by");
    expect(approvals.rows).toEqual(CAPTAINS.map((captain) => ({ by: captain.name, decision: 'approve', manifest_hash: hash })));
  });

  it("announces a watched ticket's change once, whichever replica's sync sees it first", async () => {
    const watched = await postSigned(replicas[0]!.url, sign(slashCommand('watch PAY-8', respondUrl(), 'U0ANA')), { contentType: FORM });
    expect(watched.status).toBe(200);
    await expect.poll(async () => (await ledger.query('SELECT 1 FROM watches WHERE subject = $1', ['PAY-8'])).rowCount, { timeout: 10_000 }).toBe(1);
    // A follow-up commit on develop: every replica's own sync picks it up on its schedule.
    loop.repos.api.checkout('develop');
    loop.repos.api.commit('PAY-8 follow-up: round the refund', { 'src/main/java/Refund.java': 'v2\n' }, { date: new Date().toISOString() });
    await slack.waitForCall((call) => call.method === 'chat.postMessage' && call.body.channel === 'U0ANA' && JSON.stringify(call.body).includes('PAY-8'), 30_000);
    // Two more sync rounds on each replica: none of them tells it again.
    await settle(7_000);
    expect(postsTo('U0ANA')).toBe(1);
    const told = await ledger.query<{ seq: number; posted: boolean }>('SELECT seq, posted_at IS NOT NULL AS posted FROM watch_announcements ORDER BY seq');
    expect(told.rows).toEqual([
      { seq: 0, posted: true },
      { seq: 1, posted: true },
    ]);
  });

  it('says "behind" from a cache older than what another replica has seen, and not once it has synced', async () => {
    // The seed cache was synced before the follow-up commit the replicas have since seen on api's develop.
    const stale = path.join(root, 'stale', 'gig.db');
    mkdirSync(path.dirname(stale), { recursive: true });
    copyFileSync(path.join(root, 'seed', 'gig.db'), stale);
    const app = openApp({ configFile: path.join(root, 'replicas.config.yaml'), dbFile: stale, env: { GIG_DATABASE_URL: url } });
    try {
      const before = await runStatus(app.context, 'PAY-8');
      expect(before.evaluation.status.behind).toMatchObject({ branches: ['api/dev'] });
      expect(renderStatusText(before.evaluation)).toMatch(/index as of .* · ⚠️ behind: another gig replica saw api\/dev move at .*; this answer may miss those commits/);
      await app.context.sync();
      expect((await runStatus(app.context, 'PAY-8')).evaluation.status.behind).toBeNull();
    } finally {
      app.close();
    }
  });

  it('loses none of the decisions a replica acknowledged before it was killed with SIGKILL', async () => {
    const victim = replicas[2]!;
    const acknowledged: string[] = [];
    let sent = 0;
    const send = async (reason: string): Promise<void> => {
      sent += 1;
      const response = await postSigned(victim.url, sign(slashCommand(`reject PAY-12 qa "${reason}"`, respondUrl(), 'U0BEN')), { contentType: FORM }).catch(() => null);
      if (response?.status === 200) acknowledged.push(reason);
    };
    // Four at a time, until the replica is killed in the middle of the stream.
    const stream = (async () => {
      for (let batch = 0; batch < 50 && victim.child.exitCode === null && victim.child.signalCode === null; batch += 1) {
        await Promise.all([0, 1, 2, 3].map((slot) => send(`killed-${batch}-${slot}`)));
      }
    })();
    await expect.poll(() => acknowledged.length, { timeout: 20_000, interval: 5 }).toBeGreaterThanOrEqual(8);
    await victim.kill();
    await stream;
    const recorded = new Set((await ledger.query<{ reason: string }>("SELECT reason FROM rejections WHERE ticket = 'PAY-12' AND reason LIKE 'killed-%'")).rows.map((row) => row.reason));
    expect(acknowledged.filter((reason) => !recorded.has(reason))).toEqual([]);
    expect(sent).toBeGreaterThan(acknowledged.length);
    // The two replicas left go on answering from the same ledger, and say they are healthy.
    const status = await postSigned(replicas[0]!.url, sign(slashCommand('status PAY-12', respondUrl(), 'U0BEN')), { contentType: FORM });
    expect(status.status).toBe(200);
    const health = await fetch(`${replicas[1]!.url}/healthz`);
    expect(health.status).toBe(200);
  });
});

describe('a replica whose ledger cannot be reached', () => {
  it('does not start serving: one line saying which server, and exit 6', async () => {
    const dbFile = path.join(root, 'unreachable', 'gig.db');
    mkdirSync(path.dirname(dbFile), { recursive: true });
    copyFileSync(path.join(root, 'seed', 'gig.db'), dbFile);
    const started = startServeChild({ configFile: path.join(root, 'replicas.config.yaml'), dbFile, slackApiUrl: slack.apiUrl, env: { GIG_DATABASE_URL: 'postgres://gig:hunter2@127.0.0.1:1/gig' } });
    const failure = await started.then(
      (replica) => replica.kill().then(() => 'it served'),
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/exited with 6 before serving/);
    expect(failure).toMatch(/The PostgreSQL ledger at postgres:\/\/gig:\*\*\*@127\.0\.0\.1:1\/gig cannot be reached/);
    expect(failure).not.toMatch(/hunter2|\n\s+at /);
  });
});
