import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectGolden } from './helpers/golden.js';
import { startSlackBot, type SlackBot } from './helpers/slack-bot.js';
import { normalise } from './helpers/workspace.js';

let bot: SlackBot;
beforeAll(async () => {
  bot = await startSlackBot();
});
afterAll(async () => bot.stop());

type Block = { type: string; elements?: Array<{ action_id?: string; value?: string }>; text?: { text: string } };
const blocksOf = (call: { body: Record<string, unknown> }): Block[] => call.body.blocks as Block[];
const buttonValue = (blocks: Block[], actionId: string): string =>
  blocks.flatMap((block) => block.elements ?? []).find((element) => element.action_id === actionId)?.value ?? '';
const textOf = (blocks: Block[]): string => blocks.map((block) => block.text?.text ?? '').join('\n');
const approvals = (release = 'R-SLACK'): Array<{ by: string; decision: string }> =>
  bot.app.db.prepare('SELECT by, decision FROM approvals WHERE release_id = ? ORDER BY id').all(release) as never;

describe('Slack slash commands', () => {
  it('acknowledges /gig status at once and answers the channel through response_url', async () => {
    const response = await bot.command('status PAY-7 to uat');
    expect(response.status).toBe(200);
    const [answer] = await bot.slack.waitFor('/respond');
    expect(answer!.body.response_type).toBe('in_channel');
    expect(textOf(blocksOf(answer!))).toContain('PAY-7');
    expectGolden('slack/status-PAY-7-uat.json', normalise(JSON.stringify(answer!.body, null, 2)));
  });

  it('answers an unknown verb with help, to the caller only', async () => {
    const before = bot.slack.callsTo('/respond').length;
    await bot.command('deploy PAY-7');
    const answers = await bot.slack.waitFor('/respond', before + 1);
    const answer = answers.at(-1)!;
    expect(answer.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(answer.body)).toContain('is not a gig command');
    expect(JSON.stringify(answer.body)).not.toMatch(/\bat .+\.ts:\d+/);
  });

  it.each([
    ['a bad signature', { signature: 'v0=0000' }, 0],
    ['no signature', { signature: null }, 0],
    ['a timestamp older than 5 minutes', {}, -310],
    ['a timestamp more than 5 minutes ahead', {}, 310],
  ])('refuses a request with %s with 401 and does nothing', async (_name, options, skewSeconds) => {
    const before = bot.slack.calls.length;
    const body = new URLSearchParams({ command: '/gig', text: 'sync', user_id: 'U0BEN', channel_id: 'C1', response_url: `${bot.slack.url}/respond/x` }).toString();
    const timestamp = Math.floor(Date.now() / 1000) + skewSeconds;
    const response = await bot.post(body, skewSeconds === 0 ? options : { timestamp });
    expect(response.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bot.slack.calls.length).toBe(before);
  });
});

describe('release cards, approvals and flags in Slack', () => {
  let card: Block[];
  let value: string;

  it('posts a release card with Approve and Flag bound to the manifest hash', async () => {
    const before = bot.slack.callsTo('/respond').length;
    await bot.command('release R-SLACK qa uat PAY-10 PAY-11');
    const answer = (await bot.slack.waitFor('/respond', before + 1)).at(-1)!;
    card = blocksOf(answer);
    value = buttonValue(card, 'gig.release.approve');
    expect(JSON.parse(value)).toEqual({ release: 'R-SLACK', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(buttonValue(card, 'gig.release.flag')).toBe(value);
    expectGolden('slack/release-card.json', normalise(JSON.stringify(answer.body, null, 2)));
  });

  it('refuses a non-captain privately and records nothing', async () => {
    const before = bot.slack.callsTo('/respond').length;
    expect((await bot.click('gig.release.approve', value, 'U0CARL')).status).toBe(200);
    const reply = (await bot.slack.waitFor('/respond', before + 1)).at(-1)!;
    expect(reply.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(reply.body.text)).toContain('Only release captains');
    expect(approvals()).toEqual([]);
    expect(bot.slack.callsTo('chat.update')).toHaveLength(0);
  });

  it('refuses a captain who wrote commits of the release', async () => {
    const before = bot.slack.callsTo('/respond').length;
    await bot.click('gig.release.approve', value, 'U0ANA');
    const reply = (await bot.slack.waitFor('/respond', before + 1)).at(-1)!;
    expect(String(reply.body.text)).toMatch(/^You wrote 2 commits of this release/);
    expect(approvals()).toEqual([]);
  });

  it('records a captain\'s approval once, however often the button is clicked, and updates the card', async () => {
    await bot.click('gig.release.approve', value, 'U0BEN');
    const [update] = await bot.slack.waitFor('chat.update');
    expect(update!.body).toMatchObject({ channel: 'C0RELEASE', ts: '1700000000.000100' });
    const blocks = blocksOf(update!);
    expect(textOf(blocks)).toContain('*Approved* by Ben');
    expect(buttonValue(blocks, 'gig.release.approve')).toBe('');
    expectGolden('slack/release-card-approved.json', normalise(JSON.stringify(update!.body, null, 2)));

    const before = bot.slack.callsTo('/respond').length;
    await bot.click('gig.release.approve', value, 'U0BEN');
    const reply = (await bot.slack.waitFor('/respond', before + 1)).at(-1)!;
    expect(String(reply.body.text)).toBe('You already approved this manifest.');
    expect(approvals()).toEqual([{ by: 'Ben', decision: 'approve' }]);
  });

  it('lists the approval in the release JSON of the CLI', async () => {
    const { gig } = await import('./helpers/cli.js');
    const run = await gig(bot.root, ['--config', 'slack.config.yaml', 'release', 'R-SLACK', '--json']);
    expect(JSON.parse(run.stdout).approvals).toEqual([
      { by: 'Ben', decision: 'approve', hash: JSON.parse(value).hash, at: '2026-11-21T09:00:00.000Z', reason: null, stale: false },
    ]);
  });
});

describe('stale manifests, flags and Done buttons in Slack', () => {
  const releaseValue = async (text: string): Promise<string> => {
    const before = bot.slack.callsTo('/respond').length;
    await bot.command(text);
    const answer = (await bot.slack.waitFor('/respond', before + 1)).at(-1)!;
    return buttonValue(blocksOf(answer), 'gig.release.approve') || buttonValue(blocksOf(answer), 'gig.release.flag');
  };

  it('refuses a decision on a manifest that changed since the card was posted, and refreshes the card', async () => {
    const value = await releaseValue('release R-STALE qa uat PAY-9');
    const stale = JSON.stringify({ ...JSON.parse(value), hash: 'f'.repeat(64) });
    const updates = bot.slack.callsTo('chat.update').length;
    const before = bot.slack.callsTo('/respond').length;
    await bot.click('gig.release.approve', stale, 'U0BEN');
    const reply = (await bot.slack.waitFor('/respond', before + 1)).at(-1)!;
    expect(String(reply.body.text)).toContain('The manifest changed since you opened it');
    const update = (await bot.slack.waitFor('chat.update', updates + 1)).at(-1)!;
    expect(buttonValue(blocksOf(update), 'gig.release.approve')).toBe(value);
    expect(approvals('R-STALE')).toEqual([]);
  });

  it('opens a modal for Flag and records the reason as a rejection of every ticket', async () => {
    const value = await releaseValue('release R-FLAG qa uat PAY-11 PAY-12');
    await bot.click('gig.release.flag', value, 'U0BEN', { channel: 'C0RELEASE', ts: '1700000000.000200' });
    const [open] = await bot.slack.waitFor('views.open');
    const view = open!.body.view as { callback_id: string; private_metadata: string };
    expect(open!.body.trigger_id).toMatch(/^trigger-/);
    expect(view.callback_id).toBe('gig.release.flag.modal');

    const empty = await bot.submitFlag(view.private_metadata, '  ', 'U0BEN');
    expect(await empty.json()).toMatchObject({ response_action: 'errors' });

    const updates = bot.slack.callsTo('chat.update').length;
    expect((await bot.submitFlag(view.private_metadata, 'export breaks on empty files', 'U0BEN')).status).toBe(200);
    const update = (await bot.slack.waitFor('chat.update', updates + 1)).at(-1)!;
    expect(update.body.ts).toBe('1700000000.000200');
    expect(textOf(blocksOf(update))).toContain('⚑ Ben flagged');
    expectGolden('slack/release-card-flagged.json', normalise(JSON.stringify(update.body, null, 2)));
    const rejections = bot.app.db.prepare("SELECT ticket, stage, reason, rejected_by AS \"by\" FROM rejections WHERE source = 'release-flag' ORDER BY ticket").all();
    expect(rejections).toEqual([
      { ticket: 'PAY-11', stage: 'release', reason: 'export breaks on empty files', by: 'Ben' },
      { ticket: 'PAY-12', stage: 'release', reason: 'export breaks on empty files', by: 'Ben' },
    ]);
  });

  it('ticks a manual step off from its Done button and updates the card', async () => {
    const before = bot.slack.callsTo('/respond').length;
    await bot.command('status PAY-10 to uat');
    const card = blocksOf((await bot.slack.waitFor('/respond', before + 1)).at(-1)!);
    const done = (card as Array<{ accessory?: { action_id: string; value: string } }>).find((block) => block.accessory?.action_id === 'gig.manual.done')!.accessory!.value;
    const updates = bot.slack.callsTo('chat.update').length;
    await bot.click('gig.manual.done', done, 'U0CARL');
    const update = (await bot.slack.waitFor('chat.update', updates + 1)).at(-1)!;
    expect(textOf(blocksOf(update))).toContain('(done by Carl)');
    expect(textOf(blocksOf(update))).toContain('🟢 SAFE');
  });
});

describe('Slack failures and limits', () => {
  it('keeps the decision when chat.update fails with a 500 once, and retries', async () => {
    const before = bot.slack.callsTo('/respond').length;
    await bot.command('release R-500 qa uat PAY-13');
    const value = buttonValue(blocksOf((await bot.slack.waitFor('/respond', before + 1)).at(-1)!), 'gig.release.approve');
    bot.slack.failNext('chat.update', { status: 500 });
    const updates = bot.slack.callsTo('chat.update').length;
    await bot.click('gig.release.approve', value, 'U0BEN');
    await bot.slack.waitFor('chat.update!500');
    await bot.slack.waitFor('chat.update', updates + 1);
    expect(approvals('R-500')).toEqual([{ by: 'Ben', decision: 'approve' }]);
  });

  it('waits out Slack\'s ratelimited answer (Retry-After) without losing the decision', async () => {
    const before = bot.slack.callsTo('/respond').length;
    await bot.command('release R-429 qa uat PAY-12');
    const value = buttonValue(blocksOf((await bot.slack.waitFor('/respond', before + 1)).at(-1)!), 'gig.release.approve');
    bot.slack.failNext('chat.update', { status: 429, retryAfter: 1 });
    const updates = bot.slack.callsTo('chat.update').length;
    await bot.click('gig.release.approve', value, 'U0BEN');
    await bot.slack.waitFor('chat.update!429');
    await bot.slack.waitFor('chat.update', updates + 1, 8000);
    expect(approvals('R-429')).toEqual([{ by: 'Ben', decision: 'approve' }]);
  });

  it('cuts an oversize release card to Slack\'s limits and attaches the full packet with files.uploadV2', async () => {
    const { GitBuilder } = await import('./helpers/workspace.js');
    const path = await import('node:path');
    const api = GitBuilder.open(path.join(bot.root, 'repos', 'api'));
    api.checkout('develop');
    const shas: string[] = [];
    for (let index = 0; index < 120; index += 1) shas.push(api.commit(`PAY-50 part ${index} of a very large change with a long and descriptive subject line`, { [`big/part${index}.txt`]: `${index}\n` }, { date: `2026-11-15T${String(8 + Math.floor(index / 60)).padStart(2, '0')}:${String(index % 60).padStart(2, '0')}:00Z` }));
    api.checkout('test');
    for (const sha of shas) api.git(['cherry-pick', '-x', sha], { date: '2026-11-16T10:00:00Z' });
    api.checkout('develop');
    await bot.app.context.sync();

    const before = bot.slack.callsTo('/respond').length;
    await bot.command('release R-BIG qa uat PAY-50');
    const answer = (await bot.slack.waitFor('/respond', before + 1)).at(-1)!;
    const blocks = blocksOf(answer);
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(13_000);
    expect(textOf(blocks)).toMatch(/…and \d+ more/);
    await bot.slack.waitFor('files.completeUploadExternal');
    const [upload] = bot.slack.callsTo('/upload');
    expect(String(upload!.body.raw ?? JSON.stringify(upload!.body))).toContain('# Release R-BIG: qa → uat');
    expect(bot.slack.callsTo('files.completeUploadExternal')[0]!.body).toMatchObject({ channel_id: 'C0RELEASE' });
  });
});

describe('the rest of gig serve', () => {
  it('answers health checks with the index time', async () => {
    const response = await fetch(`${bot.server.url}/healthz`);
    expect(await response.json()).toEqual({ ok: true, asOf: expect.stringMatching(/^2026-11-2\dT/) });
  });

  it('records deployment evidence from CI with the shared secret, and refuses it without', async () => {
    const body = JSON.stringify({ repository: 'api', environment: 'uat', sha: bot.loop.shas.apiV1, at: '2026-11-21T08:00:00Z' });
    const refused = await fetch(`${bot.server.url}/hooks/deployments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(refused.status).toBe(401);
    const wrong = await fetch(`${bot.server.url}/hooks/deployments`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer nope' }, body });
    expect(wrong.status).toBe(401);
    const accepted = await fetch(`${bot.server.url}/hooks/deployments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer hook-secret-0123456789' },
      body,
    });
    expect(accepted.status).toBe(201);
    expect(await accepted.json()).toMatchObject({ repository: 'api', environment: 'uat', sha: bot.loop.shas.apiV1, known: true });
    const bad = await fetch(`${bot.server.url}/hooks/deployments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer hook-secret-0123456789' },
      body: JSON.stringify({ repository: 'nope', environment: 'uat', sha: 'abcdef1' }),
    });
    expect(bad.status).toBe(400);
  });

  it('names the missing Slack variable and how to create the app', async () => {
    const { slackSettings } = await import('../src/bot/server.js');
    const { loadEnvironment } = await import('../src/config.js');
    expect(() => slackSettings(loadEnvironment({ SLACK_BOT_TOKEN: 'xoxb-1' }))).toThrow(/gig serve needs SLACK_SIGNING_SECRET, which is not set/);
    expect(() => slackSettings(loadEnvironment({}))).toThrow(/SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET/);
    try {
      slackSettings(loadEnvironment({}));
    } catch (error) {
      expect((error as { hint: string }).hint).toContain('manifest.slack.yml');
    }
  });
});
