import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promptModal, renderBlockKit } from '../src/bot/slack/block-kit.js';
import { currentReleaseCard } from '../src/commands/chat.js';
import { runManualSetState } from '../src/commands/record.js';
import { buildRelease } from '../src/commands/release.js';
import { FLAG_PROMPT } from '../src/views/cards/prompts.js';
import { expectGolden } from './helpers/golden.js';
import { startSlackBot, type CardMessage, type SlackBot } from './helpers/slack-bot.js';
import type { SlackCall } from './helpers/slack-standin.js';
import { normalise } from './helpers/workspace.js';

/**
 * gig serve's Slack surface end to end: signed requests in, Web API calls out (a stand-in records
 * them). Every test stands alone: it defines its own releases, clicks on a card message of its
 * own (its ts), and waits for answers on its own response_url, so no test reads what another left.
 * Cards are compared with what the renderer draws for the same card (test/card-renderers.test.ts
 * holds the goldens); one status answer keeps a golden of the whole response.
 */

let bot: SlackBot;
beforeAll(async () => {
  bot = await startSlackBot();
});
afterAll(async () => bot.stop());

type Block = { type: string; elements?: Array<{ action_id?: string; value?: string }>; text?: { text: string } };
const blocksOf = (call: SlackCall): Block[] => call.body.blocks as Block[];
const buttonValue = (blocks: Block[], actionId: string): string =>
  blocks.flatMap((block) => block.elements ?? []).find((element) => element.action_id === actionId)?.value ?? '';
const textOf = (blocks: Block[]): string => blocks.map((block) => block.text?.text ?? '').join('\n');
const approvals = (release: string): Array<{ by: string; decision: string }> =>
  bot.app.db.prepare('SELECT by, decision FROM approvals WHERE release_id = ? ORDER BY id').all(release) as never;

/** The release card gig shows now for a saved release, as Block Kit renders it. */
const currentCard = async (release: string): Promise<ReturnType<typeof renderBlockKit>> => {
  return renderBlockKit(currentReleaseCard(bot.app.context, await buildRelease(bot.app.context, { id: release })));
};

/** Defines a release in chat; the card's Approve / Flag value and gig's answer. */
async function postRelease(id: string, tickets: string): Promise<{ value: string; answer: SlackCall }> {
  const answer = await (await bot.ask(`release ${id} qa uat ${tickets}`)).reply();
  return { value: buttonValue(blocksOf(answer), 'gig.release.approve') || buttonValue(blocksOf(answer), 'gig.release.flag'), answer };
}

/** Nothing reached `message` by chat.update, after gig answered the click that could have. */
const noUpdateOf = (message: CardMessage): SlackCall[] => bot.slack.calls.filter((call) => call.method.startsWith('chat.update') && call.body.ts === message.ts);

describe('Slack slash commands', () => {
  it('acknowledges /gig status at once and answers the channel through response_url', async () => {
    const { ack, reply } = await bot.ask('status PAY-7 to uat');
    expect(ack.status).toBe(200);
    const answer = await reply();
    expect(answer.body.response_type).toBe('in_channel');
    expect(textOf(blocksOf(answer))).toContain('PAY-7');
    expectGolden('slack/status-PAY-7-uat.json', normalise(JSON.stringify(answer.body, null, 2)));
  });

  it('answers an unknown verb with help, to the caller only', async () => {
    const answer = await (await bot.ask('deploy PAY-7')).reply();
    expect(answer.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(answer.body)).toContain('is not a gig command');
    expect(JSON.stringify(answer.body)).not.toMatch(/\bat .+\.ts:\d+/);
  });

  it('takes a ticket alone as its status: /gig PAY-7 and /gig PAY-7 to uat', async () => {
    const alone = await (await bot.ask('PAY-7')).reply();
    expect(alone.body.response_type).toBe('in_channel');
    expect(textOf(blocksOf(alone))).toContain('PAY-7');
    const towards = await (await bot.ask('pay-7 to uat')).reply();
    expect(JSON.stringify(towards.body.blocks)).toBe(JSON.stringify((await (await bot.ask('status PAY-7 to uat')).reply()).body.blocks));
  });

  it('says which verb a typo meant, and words its hints as /gig commands', async () => {
    const typo = await (await bot.ask('stauts PAY-7')).reply();
    expect(typo.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(typo.body)).toContain('Did you mean \\"status\\"?');
    const unknown = await (await bot.ask('PAY-404')).reply();
    expect(JSON.stringify(unknown.body)).toContain('run `/gig sync` if the work is new');
    expect(JSON.stringify(unknown.body)).not.toMatch(/[^/]gig sync/);
  });

  it.each([
    ['a bad signature', { signature: 'v0=0000' }, 0],
    ['no signature', { signature: null }, 0],
    ['a timestamp older than 5 minutes', {}, -310],
    ['a timestamp more than 5 minutes ahead', {}, 310],
  ])('refuses a request with %s with 401 and does nothing', async (name, options, skewSeconds) => {
    const respondPath = `/respond/refused-${name.replaceAll(' ', '-')}`;
    const body = new URLSearchParams({ command: '/gig', text: 'sync', user_id: 'U0BEN', channel_id: 'C1', response_url: `${bot.slack.url}${respondPath}` }).toString();
    const timestamp = Math.floor(Date.now() / 1000) + skewSeconds;
    const response = await bot.post(body, skewSeconds === 0 ? options : { timestamp });
    expect(response.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bot.slack.calls.filter((call) => call.path === respondPath)).toEqual([]);
  });
});

describe('release cards, approvals and flags in Slack', () => {
  it('posts a release card with Approve and Flag bound to the manifest hash, as the renderer draws it', async () => {
    const { value, answer } = await postRelease('R-SLACK', 'PAY-10 PAY-11');
    expect(JSON.parse(value)).toEqual({ release: 'R-SLACK', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(buttonValue(blocksOf(answer), 'gig.release.flag')).toBe(value);
    const { text, blocks } = await currentCard('R-SLACK');
    expect(answer.body).toEqual({ response_type: 'in_channel', text, blocks });
  });

  it('refuses a non-captain privately and records nothing', async () => {
    const { value } = await postRelease('R-SLACK-CARL', 'PAY-10 PAY-11');
    const message = bot.message();
    const { ack, reply } = await bot.press('gig.release.approve', value, 'U0CARL', message);
    expect(ack.status).toBe(200);
    const answer = await reply();
    expect(answer.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(answer.body.text)).toContain('Only release captains');
    expect(approvals('R-SLACK-CARL')).toEqual([]);
    expect(noUpdateOf(message)).toEqual([]);
  });

  it('refuses a captain who wrote commits of the release', async () => {
    const { value } = await postRelease('R-SLACK-ANA', 'PAY-10 PAY-11');
    const answer = await (await bot.press('gig.release.approve', value, 'U0ANA', bot.message())).reply();
    expect(String(answer.body.text)).toMatch(/^You wrote 2 commits of this release/);
    expect(approvals('R-SLACK-ANA')).toEqual([]);
  });

  it('records a captain\'s approval once, however often the button is clicked, updates the card, and lists it in the CLI\'s release JSON', async () => {
    const { value } = await postRelease('R-SLACK-OK', 'PAY-10 PAY-11');
    const message = bot.message();
    await bot.press('gig.release.approve', value, 'U0BEN', message);
    const update = await bot.updateOf(message);
    const blocks = blocksOf(update);
    expect(textOf(blocks)).toContain('*Approved* by <@U0BEN>');
    expect(buttonValue(blocks, 'gig.release.approve')).toBe('');
    const { text, blocks: drawn } = await currentCard('R-SLACK-OK');
    expect(update.body).toMatchObject({ channel: message.channel, ts: message.ts, text, blocks: drawn });

    const again = await (await bot.press('gig.release.approve', value, 'U0BEN', bot.message())).reply();
    expect(String(again.body.text)).toBe('You already approved this manifest.');
    expect(approvals('R-SLACK-OK')).toEqual([{ by: 'Ben', decision: 'approve' }]);

    const { gig } = await import('./helpers/cli.js');
    const run = await gig(bot.root, ['--config', 'slack.config.yaml', 'release', 'R-SLACK-OK', '--json']);
    expect(JSON.parse(run.stdout).approvals).toEqual([
      { by: 'Ben', decision: 'approve', hash: JSON.parse(value).hash, at: '2026-11-21T09:00:00.000Z', reason: null, stale: false },
    ]);
  });
});

describe('@gig in a channel and DMs to gig', () => {
  it('asks Slack for these events and the scopes they need in manifest.slack.yml', async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const manifest = parse(readFileSync(new URL('../manifest.slack.yml', import.meta.url), 'utf8')) as {
      settings: { event_subscriptions: { bot_events: string[] } };
      oauth_config: { scopes: { bot: string[] } };
      features: { app_home: { messages_tab_enabled: boolean } };
    };
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_mention', 'message.im', 'app_home_opened']);
    expect(manifest.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['app_mentions:read', 'im:history']));
    expect(manifest.features.app_home.messages_tab_enabled).toBe(true);
  });

  const posted = (channel: string): SlackCall[] => bot.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.body.channel === channel);

  it('answers @gig in a channel in the thread of the question, with the same card as /gig', async () => {
    const response = await bot.event({ type: 'app_mention', user: 'U0BEN', text: '<@UBOT> status PAY-7 to uat', channel: 'C0TEAM', ts: '1700000100.000100', channel_type: 'channel' });
    expect(response.status).toBe(200);
    const answer = await bot.slack.waitForCall((call) => call.method === 'chat.postMessage' && call.body.channel === 'C0TEAM');
    expect(answer.body.thread_ts).toBe('1700000100.000100');
    const command = await (await bot.ask('status PAY-7 to uat')).reply();
    expect(answer.body.blocks).toEqual(command.body.blocks);
  });

  it('answers help asked with @gig to the asker only, in the thread', async () => {
    await bot.event({ type: 'app_mention', user: 'U0CARL', text: '<@UBOT> help', channel: 'C0TEAM', ts: '1700000200.000100', thread_ts: '1700000150.000100' });
    const help = await bot.slack.waitForCall((call) => call.method === 'chat.postEphemeral' && call.body.user === 'U0CARL');
    expect(help.body).toMatchObject({ channel: 'C0TEAM', thread_ts: '1700000150.000100' });
    expect(JSON.stringify(help.body.blocks)).toContain('@gig status');
  });

  it('answers a DM to gig in the DM, without a thread, and never answers its own messages', async () => {
    await bot.event({ type: 'message', channel_type: 'im', user: 'U0BEN', text: 'PAY-7', channel: 'D0BEN', ts: '1700000300.000100' });
    const answer = await bot.slack.waitForCall((call) => call.method === 'chat.postMessage' && call.body.channel === 'D0BEN');
    expect(answer.body.thread_ts).toBeUndefined();
    expect(JSON.stringify(answer.body.blocks)).toContain('PAY-7');
    // gig's own answer comes back as a message event from a bot; an edit comes back with a subtype.
    await bot.event({ type: 'message', channel_type: 'im', user: 'UBOT', bot_id: 'BBOT', text: 'PAY-7 · 5 repositories', channel: 'D0BEN', ts: '1700000301.000100' });
    await bot.event({ type: 'message', subtype: 'message_changed', channel_type: 'im', channel: 'D0BEN', ts: '1700000302.000100' });
    // Messages in channels reach gig only as @mentions.
    await bot.event({ type: 'message', channel_type: 'channel', user: 'U0BEN', text: 'PAY-7', channel: 'C0TEAM', ts: '1700000303.000100' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(posted('D0BEN')).toHaveLength(1);
    expect(posted('C0TEAM').filter((call) => call.body.thread_ts === undefined)).toEqual([]);
  });
});

describe('the decision history in the card\'s thread', () => {
  it('adds each recorded decision to the card\'s thread, with the manifest and the reason', async () => {
    const { value } = await postRelease('R-THREAD', 'PAY-13');
    const message = bot.message();
    await bot.press('gig.release.approve', value, 'U0BEN', message);
    const line = await bot.slack.waitForCall((call) => call.method === 'chat.postMessage' && call.body.thread_ts === message.ts);
    expect(line.body).toMatchObject({ channel: message.channel, text: `✔ Ben approved manifest ${JSON.parse(value).hash.slice(0, 12)}` });
    // A second click records nothing, and adds nothing to the thread.
    await bot.press('gig.release.approve', value, 'U0BEN', message);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bot.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.body.thread_ts === message.ts)).toHaveLength(1);
  });
});

describe('digest drill-ins', () => {
  it('answers a digest\'s Status button with the ticket\'s status card, to the one who clicked only', async () => {
    const click = await bot.press('gig.status.show', JSON.stringify({ ticket: 'PAY-7', to: 'uat' }), 'U0CARL', bot.message());
    const answer = await click.reply();
    expect(answer.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    const command = await (await bot.ask('status PAY-7 to uat')).reply();
    expect(answer.body.blocks).toEqual(command.body.blocks);
  });
});

describe('App Home', () => {
  it('publishes what waits for a captain\'s approval, what is open and the next digests, when they open it', async () => {
    await postRelease('R-HOME', 'PAY-13');
    await bot.event({ type: 'app_home_opened', user: 'U0ANA', channel: 'D0ANA', tab: 'home' });
    const published = await bot.slack.waitForCall((call) => call.method === 'views.publish' && call.body.user_id === 'U0ANA');
    const view = published.body.view as { type: string; blocks: Block[] };
    expect(view.type).toBe('home');
    const text = JSON.stringify(view.blocks);
    expect(text.indexOf('Waiting for your approval')).toBeLessThan(text.indexOf('R-HOME'));
    expect(text).toContain('/gig release R-HOME');
    // Carl is no captain: the same release is open, not waiting for him.
    await bot.event({ type: 'app_home_opened', user: 'U0CARL', channel: 'D0CARL', tab: 'home' });
    const carl = JSON.stringify((await bot.slack.waitForCall((call) => call.method === 'views.publish' && call.body.user_id === 'U0CARL')).body.view);
    expect(carl).toMatch(/Waiting for your approval\*\\nnothing[\s\S]*Other open releases[\s\S]*R-HOME/);
    // The Messages tab opening is not a reason to publish anything.
    const before = bot.slack.callsTo('views.publish').length;
    await bot.event({ type: 'app_home_opened', user: 'U0BEN', channel: 'D0BEN', tab: 'messages' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bot.slack.callsTo('views.publish')).toHaveLength(before);
  });
});

describe('cards that update where they live', () => {
  it('replaces a card in a DM the bot is not in through the click\'s response_url, when chat.update cannot reach it', async () => {
    const { value } = await postRelease('R-DM', 'PAY-13');
    const message = bot.message('D0OUTDM');
    const click = await bot.press('gig.release.approve', value, 'U0BEN', message);
    const replaced = await click.reply();
    expect(replaced.body.replace_original).toBe(true);
    expect(JSON.stringify(replaced.body.blocks)).toContain('Approved');
    expect(bot.slack.calls.filter((call) => call.method === 'chat.update' && call.body.channel === 'D0OUTDM')).toHaveLength(1);
    expect(approvals('R-DM')).toEqual([{ by: 'Ben', decision: 'approve' }]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(JSON.stringify(bot.slack.calls.filter((call) => call.path === replaced.path))).not.toContain('did not let gig refresh the card');
  });
});

describe('guard rails on approvals', () => {
  it('asks before approving a release that is not SAFE, naming its verdict and why', async () => {
    const { answer } = await postRelease('R-CONFIRM', 'PAY-11');
    const approve = blocksOf(answer).flatMap((block) => (block.elements as Array<Record<string, unknown>> | undefined) ?? []).find((element) => element.action_id === 'gig.release.approve')!;
    expect(approve.confirm).toMatchObject({
      title: { type: 'plain_text', text: 'Approve a RISKY release?' },
      text: { type: 'mrkdwn', text: expect.stringMatching(/^Release R-CONFIRM is \*RISKY\*:\n• PAY-11: /) },
      confirm: { text: 'Approve' },
      deny: { text: 'Cancel' },
    });
    expect((approve.confirm as { text: { text: string } }).text.text.length).toBeLessThanOrEqual(300);
  });

  it('shows no Approve on a BLOCKED release, and refuses an Approve click on it anyway', async () => {
    const { value, answer } = await postRelease('R-BLOCKED', 'PAY-9');
    expect(buttonValue(blocksOf(answer), 'gig.release.approve')).toBe('');
    expect(JSON.stringify(blocksOf(answer))).toContain('Approve is off while the release is *BLOCKED*');
    const message = bot.message();
    const reply = await (await bot.press('gig.release.approve', value, 'U0BEN', message)).reply();
    expect(String(reply.body.text)).toContain('This release is BLOCKED: it cannot be approved');
    expect(approvals('R-BLOCKED')).toEqual([]);
  });

  it('lets a captain approve over BLOCKED only when the policy allows it, and only with a reason on record', async () => {
    const { handleReleaseDecision } = await import('../src/commands/chat.js');
    const { value } = await postRelease('R-OVERRIDE', 'PAY-9');
    const context = bot.app.context;
    const lenient = { ...context, config: { ...context.config, approvals: { ...context.config.approvals, allowBlockedOverride: true } } };
    const ben = { platform: 'slack' as const, id: 'U0BEN' };
    // The card of a lenient gig offers the override instead of Approve; Slack asks its reason in a modal.
    const offered = renderBlockKit(currentReleaseCard(lenient, await buildRelease(lenient, { id: 'R-OVERRIDE' }))).blocks as Block[];
    expect(buttonValue(offered, 'gig.release.override')).toBe(value);
    expect(buttonValue(offered, 'gig.release.approve')).toBe('');
    expect((await handleReleaseDecision(context, value, 'override', ben, 'hotfix night')).outcome).toEqual({ kind: 'blocked', overridable: false });
    expect((await handleReleaseDecision(lenient, value, 'approve', ben)).outcome).toEqual({ kind: 'blocked', overridable: true });
    const blank = await handleReleaseDecision(lenient, value, 'override', ben, '  ');
    expect(blank.outcome).toEqual({ kind: 'override-reason-required' });
    expect(blank.message).toBe('Approving a BLOCKED release needs a reason on record.');
    expect(approvals('R-OVERRIDE')).toEqual([]);
    const override = await handleReleaseDecision(lenient, value, 'override', ben, 'PAY-7 ships in the same window, INC-42');
    expect(override.outcome).toMatchObject({ kind: 'recorded', decision: 'approve', by: 'Ben' });
    expect(bot.app.db.prepare("SELECT decision, reason FROM approvals WHERE release_id = 'R-OVERRIDE'").all()).toEqual([{ decision: 'approve', reason: 'PAY-7 ships in the same window, INC-42' }]);
    expect(JSON.stringify(renderBlockKit(override.card).blocks)).toContain('<@U0BEN> approved over BLOCKED');
  });
});

describe('stale manifests, flags and Done buttons in Slack', () => {
  it('refuses a decision on a manifest that changed since the card was posted, and refreshes the card', async () => {
    const { value } = await postRelease('R-STALE', 'PAY-11');
    const stale = JSON.stringify({ ...JSON.parse(value), hash: 'f'.repeat(64) });
    const message = bot.message();
    const answer = await (await bot.press('gig.release.approve', stale, 'U0BEN', message)).reply();
    expect(String(answer.body.text)).toContain('The manifest changed since you opened it');
    const update = await bot.updateOf(message);
    expect(buttonValue(blocksOf(update), 'gig.release.approve')).toBe(value);
    expect(approvals('R-STALE')).toEqual([]);
  });

  it('asks for the flag\'s reason in a modal built from its prompt, and records it as a rejection of every ticket', async () => {
    const { value } = await postRelease('R-FLAG', 'PAY-11 PAY-12');
    const message = bot.message();
    const { trigger } = await bot.press('gig.release.flag', value, 'U0BEN', message);
    const open = await bot.slack.waitForCall((call) => call.method === 'views.open' && call.body.trigger_id === trigger);
    const view = open.body.view as { callback_id: string; private_metadata: string };
    expect(view).toEqual(promptModal(FLAG_PROMPT, { callbackId: 'gig.release.flag.modal', metadata: view.private_metadata }));
    expect(JSON.parse(view.private_metadata)).toEqual({ value, channel: message.channel, ts: message.ts });

    const empty = await bot.submitFlag(view.private_metadata, '  ', 'U0BEN');
    expect(await empty.json()).toEqual({ response_action: 'errors', errors: { [FLAG_PROMPT.field]: FLAG_PROMPT.whenEmpty } });
    expect(approvals('R-FLAG')).toEqual([]);

    expect((await bot.submitFlag(view.private_metadata, 'export breaks on empty files', 'U0BEN')).status).toBe(200);
    const update = await bot.updateOf(message);
    // The card as it stood when flagged, its approvals now with the flag and its reason.
    // Ben is mentioned, and the time is shown in each reader's zone (UTC for clients that cannot).
    expect(textOf(blocksOf(update))).toMatch(/⚑ <@U0BEN> flagged \(<!date\^\d+\^\{date_short_pretty\} \{time\}\|2026-11-21 09:00 UTC>\): “export breaks on empty files”/);
    const rejections = bot.app.db
      .prepare("SELECT ticket, stage, reason, rejected_by AS \"by\" FROM rejections WHERE source = 'release-flag' AND reason = 'export breaks on empty files' ORDER BY ticket")
      .all();
    expect(rejections).toEqual([
      { ticket: 'PAY-11', stage: 'release', reason: 'export breaks on empty files', by: 'Ben' },
      { ticket: 'PAY-12', stage: 'release', reason: 'export breaks on empty files', by: 'Ben' },
    ]);
  });

  it('ticks a manual step off from its Done button and updates the card', async () => {
    const card = blocksOf(await (await bot.ask('status PAY-10 to uat')).reply());
    const done = (card as Array<{ accessory?: { action_id: string; value: string } }>).find((block) => block.accessory?.action_id === 'gig.manual.done')!.accessory!.value;
    const { step } = JSON.parse(done) as { step: string };
    const message = bot.message();
    try {
      await bot.press('gig.manual.done', done, 'U0CARL', message);
      const update = await bot.updateOf(message);
      expect(textOf(blocksOf(update))).toContain('(done by <@U0CARL>)');
      expect(textOf(blocksOf(update))).toContain('🟢 SAFE');
    } finally {
      // The fixture's step is open again for whatever runs next.
      await runManualSetState(bot.app.context, 'PAY-10', step, 'open', { by: 'test', to: 'uat' });
    }
  });
});

describe('Slack failures and limits', () => {
  it('keeps the decision when chat.update fails with a 500 once, and retries', async () => {
    const { value } = await postRelease('R-500', 'PAY-13');
    const message = bot.message();
    bot.slack.failNext('chat.update', { status: 500 }, (body) => body.ts === message.ts);
    await bot.press('gig.release.approve', value, 'U0BEN', message);
    await bot.updateOf(message, 500);
    await bot.updateOf(message);
    expect(approvals('R-500')).toEqual([{ by: 'Ben', decision: 'approve' }]);
  });

  it('waits out Slack\'s ratelimited answer (Retry-After) without losing the decision', async () => {
    // PAY-13: PAY-12 is flagged above, and a flagged ticket's release is BLOCKED, with no Approve.
    const { value } = await postRelease('R-429', 'PAY-13');
    const message = bot.message();
    bot.slack.failNext('chat.update', { status: 429, retryAfter: 1 }, (body) => body.ts === message.ts);
    await bot.press('gig.release.approve', value, 'U0BEN', message);
    await bot.updateOf(message, 429);
    await bot.updateOf(message, undefined, 8000);
    expect(approvals('R-429')).toEqual([{ by: 'Ben', decision: 'approve' }]);
  });

  it('cuts an oversize release card to Slack\'s limits and attaches the full packet with files.uploadV2', async () => {
    // PAY-50, a ticket of its own: 120 commits in api, on develop and cherry-picked to test.
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

    const answer = await (await bot.ask('release R-BIG qa uat PAY-50')).reply();
    const blocks = blocksOf(answer);
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(13_000);
    expect(textOf(blocks)).toMatch(/…and \d+ more/);
    const upload = await bot.slack.waitForCall((call) => call.method === '/upload' && String(call.body.raw ?? JSON.stringify(call.body)).includes('# Release R-BIG: qa → uat'));
    expect(upload).toBeDefined();
    const complete = await bot.slack.waitForCall((call) => call.method === 'files.completeUploadExternal');
    expect(complete.body).toMatchObject({ channel_id: 'C0RELEASE', initial_comment: 'The full packet, as the card above had to be shortened.' });
  });
});

describe('the rest of gig serve', () => {
  it('answers health checks with the index time', async () => {
    const response = await fetch(`${bot.server.url}/healthz`);
    expect(await response.json()).toEqual({ ok: true, asOf: expect.stringMatching(/^2026-11-2\dT/) });
  });

  it('records deployment evidence from CI with the shared secret, and refuses it without', async () => {
    // ui on prod: no other test of this file reads either, so none sees this deployment.
    const body = JSON.stringify({ repository: 'ui', environment: 'prod', sha: bot.loop.shas.pay8ui, at: '2026-11-21T08:00:00Z' });
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
    expect(await accepted.json()).toMatchObject({ repository: 'ui', environment: 'prod', sha: bot.loop.shas.pay8ui, known: true });
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

describe('approving over BLOCKED through Slack, where the policy allows it', () => {
  let lenient: SlackBot;
  beforeAll(async () => {
    lenient = await startSlackBot({ approvals: '{ required: 1, allowSelfApproval: false, allowBlockedOverride: true }' });
  });
  afterAll(async () => lenient.stop());

  it('offers Approve over BLOCKED, asks its reason in a modal, records it with the approval and in the thread', async () => {
    const answer = await (await lenient.ask('release R-OVER qa uat PAY-9')).reply();
    const blocks = answer.body.blocks as Block[];
    expect(buttonValue(blocks, 'gig.release.approve')).toBe('');
    const value = buttonValue(blocks, 'gig.release.override');
    expect(value).not.toBe('');
    const message = lenient.message();
    const { trigger } = await lenient.press('gig.release.override', value, 'U0BEN', message);
    const open = await lenient.slack.waitForCall((call) => call.method === 'views.open' && call.body.trigger_id === trigger);
    const view = open.body.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('gig.release.override.modal');
    const blank = await lenient.submitPrompt(view.callback_id, 'overrideReason', view.private_metadata, ' ', 'U0BEN');
    expect(await blank.json()).toEqual({ response_action: 'errors', errors: { overrideReason: 'Approving a BLOCKED release needs a reason on record.' } });
    expect((await lenient.submitPrompt(view.callback_id, 'overrideReason', view.private_metadata, 'PAY-7 ships tonight too', 'U0BEN')).status).toBe(200);
    const line = await lenient.slack.waitForCall((call) => call.method === 'chat.postMessage' && call.body.thread_ts === message.ts);
    expect(line.body.text).toMatch(/^✔ Ben approved over BLOCKED manifest [0-9a-f]{12}: “PAY-7 ships tonight too”$/);
    expect(lenient.app.db.prepare("SELECT by, decision, reason FROM approvals WHERE release_id = 'R-OVER'").all()).toEqual([{ by: 'Ben', decision: 'approve', reason: 'PAY-7 ships tonight too' }]);
  });
});
