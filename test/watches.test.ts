import { describe, expect, it } from 'vitest';
import { slackChannelSender, slackClient } from '../src/bot/slack/sender.js';
import { handleChat } from '../src/commands/chat.js';
import { announceWatchChanges } from '../src/commands/watch.js';
import { loadEnvironment } from '../src/config.js';
import { openApp } from '../src/main.js';
import { startSlackStandIn, type SlackStandIn } from './helpers/slack-standin.js';
import { envRepository, nov, tempDir, workspace } from './helpers/workspace.js';

const ben = { platform: 'slack' as const, id: 'U0BEN' };

/** A shop repository where ABC-1 is on develop only; gig synced; Slack stood in. */
async function watchedShop(): Promise<{ ws: ReturnType<typeof workspace>; repo: ReturnType<typeof envRepository>; first: string; slack: SlackStandIn; senders: { slack: ReturnType<typeof slackChannelSender> } }> {
  const root = tempDir();
  const repo = envRepository(root, 'shop');
  const first = repo.commit('ABC-1 validate the cart', { 'cart.ts': 'v1\n' }, { date: nov(2) });
  const ws = workspace(root, ['shop']);
  const slack = await startSlackStandIn();
  const senders = { slack: slackChannelSender(slackClient('xoxb-test', loadEnvironment({ SLACK_API_URL: slack.apiUrl }), { retries: 0, minTimeout: 1, maxTimeout: 1 })) };
  return { ws, repo, first, slack, senders };
}

const toBen = (slack: SlackStandIn) => slack.callsTo('chat.postMessage').filter((call) => call.body.channel === 'U0BEN');

describe('watches', () => {
  it('tells a watch one change once: across two syncs, a second process and a restart', async () => {
    const { ws, repo, first, slack, senders } = await watchedShop();
    try {
      const app = ws.open();
      await app.context.sync();
      const reply = await handleChat(app.context, 'watch abc-1', ben, { prefix: '/gig ', where: 'C0TEAM' });
      expect(reply.visibility).toBe('private');
      expect(JSON.stringify(reply.card)).toContain('Watching **ABC-1**: gig tells you in a direct message');
      expect(await announceWatchChanges(app.context, senders)).toMatchObject({ announced: 0 });

      repo.checkout('test');
      repo.cherryPick(first, { date: nov(3), record: true });
      await app.context.sync();
      const other = openApp({ configFile: ws.configFile, dbFile: ws.dbFile });
      try {
        // Two processes tell the same change at once: one of them does.
        const both = await Promise.all([announceWatchChanges(app.context, senders), announceWatchChanges(other.context, senders)]);
        expect(both.map((result) => result.announced).sort()).toEqual([0, 1]);
      } finally {
        other.close();
      }
      expect(toBen(slack)).toHaveLength(1);
      expect(JSON.stringify(toBen(slack)[0]!.body.blocks)).toContain('reached *qa* in shop');

      await app.context.sync();
      expect(await announceWatchChanges(app.context, senders)).toMatchObject({ announced: 0 });
      app.close();
      const restarted = ws.open();
      expect(await announceWatchChanges(restarted.context, senders)).toMatchObject({ announced: 0 });
      expect(toBen(slack)).toHaveLength(1);
    } finally {
      await slack.close();
    }
  });

  it('gives a failed post back and tells it on the next run; watch … here and unwatch', async () => {
    const { ws, repo, first, slack, senders } = await watchedShop();
    try {
      const app = ws.open();
      await app.context.sync();
      await handleChat(app.context, 'watch ABC-1 here', ben, { prefix: '/gig ', where: 'C0TEAM' });
      expect(JSON.stringify((await handleChat(app.context, 'watch ABC-1 here', ben, { prefix: '/gig ', where: 'C0TEAM' })).card)).toContain('You already watch');
      repo.checkout('test');
      repo.cherryPick(first, { date: nov(3), record: true });
      await app.context.sync();
      slack.failNext('chat.postMessage', { status: 500 });
      expect(await announceWatchChanges(app.context, senders)).toMatchObject({ announced: 0, failed: 1 });
      expect(await announceWatchChanges(app.context, senders)).toMatchObject({ announced: 1, failed: 0 });
      expect(slack.callsTo('chat.postMessage').filter((call) => call.body.channel === 'C0TEAM')).toHaveLength(1);

      expect(JSON.stringify((await handleChat(app.context, 'unwatch ABC-1 here', ben, { prefix: '/gig ', where: 'C0TEAM' })).card)).toContain('Stopped watching **ABC-1** here');
      repo.checkout('uat');
      repo.cherryPick(first, { date: nov(4), record: true });
      await app.context.sync();
      expect(await announceWatchChanges(app.context, senders)).toMatchObject({ announced: 0 });
    } finally {
      await slack.close();
    }
  });

  it('follows a saved release: tells when its manifest changed and approvals went stale', async () => {
    const { ws, repo, slack, senders } = await watchedShop();
    try {
      const app = ws.open();
      await app.context.sync();
      repo.checkout('develop');
      const { runRelease } = await import('../src/commands/release.js');
      await runRelease(app.context, { id: 'R-W', from: 'dev', to: 'qa', tickets: ['ABC-1'] });
      await handleChat(app.context, 'watch R-W', ben, { prefix: '/gig ', where: 'C0TEAM' });
      repo.commit('ABC-1 follow-up after review', { 'cart.ts': 'v2\n' }, { date: nov(5) });
      await app.context.sync();
      expect(await announceWatchChanges(app.context, senders)).toMatchObject({ announced: 1 });
      expect(JSON.stringify(toBen(slack)[0]!.body.blocks)).toContain('Release R-W changed');
      expect(JSON.stringify(toBen(slack)[0]!.body.blocks)).toContain('the manifest changed');
    } finally {
      await slack.close();
    }
  });
});
