import type { DigestSenders } from '../commands/digest.js';
import type { App } from '../main.js';

/** `gig digest run` posts like the server does, from the same environment variables (the app's). */
export async function cliDigestSenders(app: App): Promise<DigestSenders> {
  const { env } = app;
  const senders: DigestSenders = {};
  if (env.SLACK_BOT_TOKEN) {
    const { slackClient, slackChannelSender } = await import('../bot/slack/sender.js');
    senders.slack = slackChannelSender(slackClient(env.SLACK_BOT_TOKEN, env));
  }
  const { teamsSettings, createTeamsAdapter, teamsProactiveSender } = await import('../bot/teams/adapter.js');
  const teams = teamsSettings(env);
  if (teams) senders.teams = teamsProactiveSender(createTeamsAdapter(teams, env), teams, app.context);
  return senders;
}
