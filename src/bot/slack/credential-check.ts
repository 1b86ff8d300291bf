import type { WebClient } from '@slack/web-api';
import { ConfigError, UpstreamError } from '../../errors.js';
import type { Logger } from '../../log.js';

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

export interface StartupCheck {
  /** Stops asking again (gig serve is stopping). */
  stop(): void;
}

/**
 * gig serve's check of its Slack credential, before it takes the port: a token Slack refuses stops
 * the start with one clear line; a Slack that cannot be reached is logged and asked again with
 * back-off (2 s doubling to 5 min) while gig serves, never a crash. If Slack later refuses the token,
 * that is logged as an error: gig keeps serving Teams and the deployment hook.
 */
export async function checkSlackAtStart(client: WebClient, logger: Logger, backoff: { firstMs: number; maxMs: number } = { firstMs: 2000, maxMs: 300_000 }): Promise<StartupCheck> {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const announce = (identity: SlackIdentity): void => logger.info({ team: identity.team, bot: identity.user }, 'Slack accepted the bot token');
  try {
    announce(await slackIdentity(client));
    return { stop: () => undefined };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    logger.warn({ error: (error as Error).message, retryInMs: backoff.firstMs }, 'Slack could not be reached to check the bot token; gig serves and asks again');
  }
  const askAgain = (delay: number): void => {
    timer = setTimeout(() => {
      slackIdentity(client).then(announce, (error: unknown) => {
        if (stopped) return;
        if (error instanceof ConfigError) {
          logger.error({ error: error.message, fix: error.hint }, 'Slack refused the bot token: Slack answers will fail until it is fixed');
          return;
        }
        const next = Math.min(delay * 2, backoff.maxMs);
        logger.warn({ error: (error as Error).message, retryInMs: next }, 'Slack still cannot be reached to check the bot token');
        askAgain(next);
      });
    }, delay);
    timer.unref();
  };
  askAgain(backoff.firstMs);
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
