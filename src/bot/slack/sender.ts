import { WebClient } from '@slack/web-api';
import type { GigEnvironment } from '../../config.js';
import type { Card } from '../../views/cards/model.js';
import { renderBlockKit } from './block-kit.js';

export interface SlackRetries {
  retries: number;
  minTimeout: number;
  maxTimeout: number;
}

/** A Slack Web API client from the environment: SLACK_API_URL honoured, retries bounded. */
export function slackClient(token: string, env: GigEnvironment, retries: SlackRetries = { retries: 3, minTimeout: 500, maxTimeout: 5000 }): WebClient {
  return new WebClient(token, {
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL.endsWith('/') ? env.SLACK_API_URL : `${env.SLACK_API_URL}/` } : {}),
    retryConfig: { factor: 2, randomize: false, ...retries },
  });
}

/** Posts a card to a channel; throws when Slack refused it after its retries. */
export function slackChannelSender(client: WebClient): (channel: string, card: Card) => Promise<void> {
  return async (channel, card) => {
    const message = renderBlockKit(card);
    await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks });
  };
}
