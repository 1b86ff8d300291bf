import { WebClient } from '@slack/web-api';
import type { GigEnvironment } from '../../config.js';
import type { DeliveryMark } from '../../commands/digest.js';
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

const DELIVERY_EVENT = 'gig_digest';

/**
 * Posts a card to a channel, marked with the occurrence it delivers (Slack message metadata), and
 * throws when Slack refused it after its retries. On a retry after an attempt whose outcome is
 * unknown (the process died, or a timeout hid an accepted post) it first reads the channel since
 * the occurrence and does not post again when a message so marked is there. When the channel
 * cannot be read (the app lacks channels:history), it posts: a digest twice beats none.
 */
export function slackChannelSender(client: WebClient): (channel: string, card: Card, mark?: DeliveryMark) => Promise<void> {
  return async (channel, card, mark) => {
    if (mark?.checkFirst && (await alreadyPosted(client, channel, mark))) return;
    const message = renderBlockKit(card);
    await client.chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks,
      ...(mark ? { metadata: { event_type: DELIVERY_EVENT, event_payload: { id: mark.id } } } : {}),
    });
  };
}

async function alreadyPosted(client: WebClient, channel: string, mark: DeliveryMark): Promise<boolean> {
  try {
    let cursor: string | undefined;
    do {
      const page = await client.conversations.history({
        channel,
        oldest: String(Date.parse(mark.since) / 1000),
        include_all_metadata: true,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      const found = (page.messages ?? []).some((message) => message.metadata?.event_type === DELIVERY_EVENT && (message.metadata.event_payload as { id?: unknown } | undefined)?.id === mark.id);
      if (found) return true;
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return false;
  } catch {
    return false;
  }
}
