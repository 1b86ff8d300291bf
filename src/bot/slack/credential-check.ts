import type { WebClient } from '@slack/web-api';
import { ConfigError, UpstreamError } from '../../errors.js';

/** Who Slack says the bot token belongs to. */
export interface SlackIdentity {
  team: string;
  user: string;
  userId: string;
}

const HOW_TO_FIX = "Copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page into SLACK_BOT_TOKEN (README, \"Slack\"); reinstall the app if it was uninstalled.";

/**
 * Asks Slack who the bot token is (auth.test). Slack answering "no" (invalid_auth, token_revoked,
 * account_inactive, …) is a configuration error, the same on every retry; Slack not answering is
 * an upstream error, worth asking again.
 */
export async function slackIdentity(client: WebClient): Promise<SlackIdentity> {
  try {
    const answer = await client.auth.test();
    return { team: answer.team ?? answer.team_id ?? '?', user: answer.user ?? '?', userId: answer.user_id ?? '?' };
  } catch (error) {
    const failure = error as { code?: string; data?: { error?: string }; message?: string };
    if (failure.code === 'slack_webapi_platform_error') {
      throw new ConfigError(`Slack refused SLACK_BOT_TOKEN: ${failure.data?.error ?? 'refused'}.`, HOW_TO_FIX);
    }
    throw new UpstreamError(`Slack did not answer auth.test: ${failure.message ?? String(error)}`, { cause: error });
  }
}
