import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runRelease } from '../../src/commands/release.js';
import { runStatus } from '../../src/commands/status.js';
import { CHAIN_YAML } from '../../src/demo/workspace.js';
import { openApp } from '../../src/main.js';
import { openDatabase } from '../../src/store/database.js';
import { buildFailureLoop } from '../helpers/failure-loop.js';
import { PEOPLE_YAML } from '../helpers/slack-bot.js';
import { startSlackStandIn, type SlackStandIn } from '../helpers/slack-standin.js';
import { invoke, mention, startConnectorStandIn, type ConnectorStandIn } from '../helpers/teams-standin.js';
import { startServeChild, type ServeChild } from './support/serve-child.js';
import { buttonClick, FORM, postSigned, sign, slashCommand } from './support/http.js';

/**
 * Issue #11, "an acknowledged click can be lost": gig used to acknowledge a click or a slash
 * command first and write the decision after, so a crash in between lost a decision the captain
 * had seen accepted. Each case runs the real `gig serve` as a child process, sends a correctly
 * signed request, SIGKILLs the server the moment the HTTP 200 arrives, and finds the row in the
 * database it leaves behind.
 */

let root: string;
let configFile: string;
let dbFile: string;
let slack: SlackStandIn;
let connector: ConnectorStandIn;
const releases: Record<string, string> = {};
let doneValue: string;
let serve: ServeChild | null = null;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'gig-ack-'));
  const loop = await buildFailureLoop(root);
  loop.app.close();
  configFile = path.join(root, 'serve.config.yaml');
  dbFile = path.join(root, '.gig', 'gig.db');
  writeFileSync(configFile, `projects: [PAY]\n${PEOPLE_YAML}${CHAIN_YAML}repositories:\n${['api', 'batch', 'db', 'ui', 'mendix'].map((name) => `  - { name: ${name}, path: ./repos/${name} }`).join('\n')}\n`);
  const app = openApp({ configFile, dbFile });
  try {
    for (const [id, ticket] of [['R-KILL', 'PAY-11'], ['R-KILL-FLAG', 'PAY-12'], ['R-KILL-TEAMS', 'PAY-13']] as const) {
      releases[id] = (await runRelease(app.context, { id, from: 'qa', to: 'uat', tickets: [ticket] })).manifest.hash;
    }
    const step = (await runStatus(app.context, 'PAY-10', { to: 'uat' })).evaluation.manualSteps[0]!;
    doneValue = JSON.stringify({ ticket: 'PAY-10', step: step.id, to: 'uat' });
  } finally {
    app.close();
  }
  slack = await startSlackStandIn();
  connector = await startConnectorStandIn();
});
afterEach(async () => {
  await serve?.kill();
  serve = null;
});
afterAll(async () => {
  await slack.close();
  await connector.close();
  rmSync(root, { recursive: true, force: true });
});

/** Reads the database a killed server left, as the next `gig serve` would. */
function afterCrash<T>(query: string, ...params: unknown[]): T[] {
  const db = openDatabase(dbFile);
  try {
    return db.prepare(query).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** Posts a signed request to a fresh `gig serve` and kills it as soon as the answer's status line is in. */
async function killedAfterAnswer(body: string): Promise<number> {
  serve = await startServeChild({ configFile, dbFile, slackApiUrl: slack.apiUrl });
  const response = await postSigned(serve.url, sign(body), { contentType: FORM });
  await serve.kill();
  return response.status;
}

const respondUrl = (): string => `${slack.url}/respond/ack`;

describe('a decision acknowledged by gig serve survives a SIGKILL right after the acknowledgement', () => {
  it('Approve on a release card', async () => {
    const value = JSON.stringify({ release: 'R-KILL', hash: releases['R-KILL'] });
    expect(await killedAfterAnswer(buttonClick('gig.release.approve', value, 'U0BEN', respondUrl()))).toBe(200);
    expect(afterCrash('SELECT by, decision FROM approvals WHERE release_id = ?', 'R-KILL')).toEqual([{ by: 'Ben', decision: 'approve' }]);
  });

  it('the reason of a Flag, submitted from its modal', async () => {
    const metadata = JSON.stringify({ value: JSON.stringify({ release: 'R-KILL-FLAG', hash: releases['R-KILL-FLAG'] }), channel: 'C0RELEASE', ts: '1700000000.000300' });
    const payload = {
      type: 'view_submission',
      team: { id: 'T1' },
      user: { id: 'U0BEN' },
      trigger_id: 'trigger-flag-kill',
      view: { id: 'V1', type: 'modal', callback_id: 'gig.release.flag.modal', private_metadata: metadata, state: { values: { reason: { reason: { type: 'plain_text_input', value: 'totals are off' } } } } },
    };
    expect(await killedAfterAnswer(new URLSearchParams({ payload: JSON.stringify(payload) }).toString())).toBe(200);
    expect(afterCrash('SELECT by, decision, reason FROM approvals WHERE release_id = ?', 'R-KILL-FLAG')).toEqual([{ by: 'Ben', decision: 'flag', reason: 'totals are off' }]);
    expect(afterCrash("SELECT ticket, stage FROM rejections WHERE source = 'release-flag' AND reason = 'totals are off'")).toEqual([{ ticket: 'PAY-12', stage: 'release' }]);
  });

  it('Done on a manual step', async () => {
    expect(await killedAfterAnswer(buttonClick('gig.manual.done', doneValue, 'U0CARL', respondUrl()))).toBe(200);
    expect(afterCrash("SELECT status, by FROM manual_step_events WHERE ticket = 'PAY-10'")).toEqual([{ status: 'done', by: 'Carl' }]);
  });

  it('/gig manual … add and /gig reject …', async () => {
    expect(await killedAfterAnswer(slashCommand('manual PAY-11 add "Flush the payment cache on uat"', respondUrl()))).toBe(200);
    expect(afterCrash("SELECT summary, created_by AS \"by\" FROM manual_steps WHERE ticket = 'PAY-11'")).toEqual([{ summary: 'Flush the payment cache on uat', by: 'Ben' }]);
    expect(await killedAfterAnswer(slashCommand('reject PAY-11 qa "timeouts under load"', respondUrl()))).toBe(200);
    expect(afterCrash("SELECT stage, reason, rejected_by AS \"by\" FROM rejections WHERE ticket = 'PAY-11'")).toEqual([{ stage: 'qa', reason: 'timeouts under load', by: 'Ben' }]);
  });
});

describe('in Teams, where the acknowledgement is the answer to the whole turn', () => {
  /** Posts an activity to a fresh `gig serve` (Teams in dev mode) and kills it when the answer arrives. */
  async function killedAfterTeamsAnswer(activity: Record<string, unknown>): Promise<number> {
    serve = await startServeChild({ configFile, dbFile, slackApiUrl: slack.apiUrl, env: { GIG_TEAMS_DEV: '1' } });
    const response = await fetch(`${serve.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    await serve.kill();
    return response.status;
  }

  it('Approve (Action.Execute) and @gig reject', async () => {
    const value = JSON.stringify({ release: 'R-KILL-TEAMS', hash: releases['R-KILL-TEAMS'] });
    expect(await killedAfterTeamsAnswer(invoke(connector.url, '29:ben', 'gig.release.approve', { value }))).toBe(200);
    expect(afterCrash('SELECT by, decision, platform FROM approvals WHERE release_id = ?', 'R-KILL-TEAMS')).toEqual([{ by: 'Ben', decision: 'approve', platform: 'teams' }]);
    expect(await killedAfterTeamsAnswer(mention(connector.url, '29:ben', 'reject PAY-13 qa "reverted too late"'))).toBe(200);
    expect(afterCrash("SELECT stage, reason FROM rejections WHERE ticket = 'PAY-13'")).toEqual([{ stage: 'qa', reason: 'reverted too late' }]);
  });
});

describe('replays across a restart of gig serve', () => {
  it('refuses the same signed /gig reject after gig serve was killed and started again', async () => {
    const count = (): number => afterCrash<{ n: number }>("SELECT count(*) AS n FROM rejections WHERE ticket = 'PAY-9'")[0]!.n;
    const request = sign(slashCommand('reject PAY-9 uat "replayed"', respondUrl()));
    serve = await startServeChild({ configFile, dbFile, slackApiUrl: slack.apiUrl });
    expect((await postSigned(serve.url, request)).status).toBe(200);
    await serve.kill();
    expect(count()).toBe(1);
    serve = await startServeChild({ configFile, dbFile, slackApiUrl: slack.apiUrl });
    expect((await postSigned(serve.url, request)).status).toBe(200);
    // Give a (wrongly) accepted replay time to write before looking.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await serve.kill();
    expect(count()).toBe(1);
  });
});
