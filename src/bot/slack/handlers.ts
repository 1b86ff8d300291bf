import type { App as BoltApp, BlockAction, ButtonAction, SlackViewAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { handleChat, handleManualDone, handleReleaseDecision, type ActionReply } from '../../commands/chat.js';
import type { CommandContext } from '../../commands/context.js';
import { toGigError } from '../../errors.js';
import { ACTIONS, type Card } from '../../views/cards/model.js';
import { errorCard } from '../../views/cards/simple-cards.js';
import type { Logger } from '../log.js';
import { renderBlockKit } from './block-kit.js';

const PREFIX = '/gig ';
const FLAG_MODAL = 'gig.release.flag.modal';

/**
 * Slack is a thin shell: it acknowledges at once (Slack allows 3 seconds), hands the text or the
 * click to the command layer, and renders the card it gets back. Every handler is one error
 * boundary: users get a short message, the log gets the details, nobody sees a stack trace.
 */
export function registerSlackHandlers(app: BoltApp, context: CommandContext, logger: Logger): void {
  app.command('/gig', async ({ command, ack, respond, client }) => {
    await ack();
    const reply = await handleChat(context, command.text, { platform: 'slack', id: command.user_id }, { prefix: PREFIX });
    const message = renderBlockKit(reply.card);
    await respond({ response_type: reply.visibility === 'channel' ? 'in_channel' : 'ephemeral', text: message.text, blocks: message.blocks });
    if (message.truncated && reply.card.attachment) await attach(client, command.channel_id, reply.card, logger);
  });

  app.action<BlockAction<ButtonAction>>(ACTIONS.approve, async ({ ack, body, action, client, respond }) => {
    await ack();
    await guard(respond, logger, async () => {
      const reply = handleReleaseDecision(context, action.value ?? '', 'approve', { platform: 'slack', id: body.user.id });
      await applyReply(client, respond, body, reply, logger);
    });
  });

  app.action<BlockAction<ButtonAction>>(ACTIONS.flag, async ({ ack, body, action, client, respond }) => {
    await ack();
    await guard(respond, logger, async () => {
      const metadata = JSON.stringify({ value: action.value, channel: body.container?.channel_id ?? body.channel?.id, ts: body.container?.message_ts ?? body.message?.ts });
      await client.views.open({
        trigger_id: body.trigger_id,
        view: {
          type: 'modal',
          callback_id: FLAG_MODAL,
          private_metadata: metadata,
          title: { type: 'plain_text', text: 'Flag this release' },
          submit: { type: 'plain_text', text: 'Flag' },
          close: { type: 'plain_text', text: 'Cancel' },
          blocks: [
            {
              type: 'input',
              block_id: 'reason',
              label: { type: 'plain_text', text: 'What is wrong?' },
              element: { type: 'plain_text_input', action_id: 'reason', multiline: true, min_length: 3 },
            },
          ],
        },
      });
    });
  });

  app.view<SlackViewAction>(FLAG_MODAL, async ({ ack, view, body, client }) => {
    const reason = view.state.values.reason?.reason?.value?.trim() ?? '';
    if (reason.length === 0) {
      await ack({ response_action: 'errors', errors: { reason: 'A flag needs a reason, so the team knows what to fix.' } });
      return;
    }
    await ack();
    const { value, channel, ts } = JSON.parse(view.private_metadata) as { value: string; channel?: string; ts?: string };
    try {
      const reply = handleReleaseDecision(context, value, 'flag', { platform: 'slack', id: body.user.id }, reason);
      if (channel && ts && reply.refresh) await updateCard(client, channel, ts, reply.card, logger);
      if (reply.message && channel) await client.chat.postEphemeral({ channel, user: body.user.id, text: reply.message });
    } catch (error) {
      logger.error({ err: error }, 'flag failed');
      if (channel) await client.chat.postEphemeral({ channel, user: body.user.id, text: toGigError(error).message }).catch(() => undefined);
    }
  });

  app.action<BlockAction<ButtonAction>>(ACTIONS.manualDone, async ({ ack, body, action, client, respond }) => {
    await ack();
    await guard(respond, logger, async () => {
      const reply = handleManualDone(context, action.value ?? '', { platform: 'slack', id: body.user.id });
      await applyReply(client, respond, body, reply, logger);
    });
  });

  app.error(async (error) => {
    logger.error({ err: error }, 'unhandled Slack error');
  });
}

type Respond = (message: { response_type?: 'ephemeral' | 'in_channel'; replace_original?: boolean; text: string; blocks?: unknown[] }) => Promise<unknown>;

/** The decision is in the ledger already: refresh the card, and tell the clicker what they need to know. */
async function applyReply(client: WebClient, respond: Respond, body: BlockAction, reply: ActionReply, logger: Logger): Promise<void> {
  const channel = body.container?.channel_id ?? body.channel?.id;
  const ts = body.container?.message_ts ?? body.message?.ts;
  if (!reply.refresh) {
    if (reply.message) await respond({ response_type: 'ephemeral', replace_original: false, text: reply.message });
    return;
  }
  const updated = channel && ts ? await updateCard(client, channel, ts, reply.card, logger) : false;
  if (!updated && channel && ts) {
    await respond({ response_type: 'ephemeral', replace_original: false, text: 'Your decision is recorded, but Slack did not let gig refresh the card. Ask for it again with /gig release.' });
  }
  if (reply.message) await respond({ response_type: 'ephemeral', replace_original: false, text: reply.message });
}

async function updateCard(client: WebClient, channel: string, ts: string, card: Card, logger: Logger): Promise<boolean> {
  const message = renderBlockKit(card);
  try {
    await client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
    return true;
  } catch (error) {
    logger.error({ err: error, channel, ts }, 'chat.update failed');
    return false;
  }
}

/** The full document, when the card had to be cut: Slack's files.uploadV2. */
async function attach(client: WebClient, channel: string, card: Card, logger: Logger): Promise<void> {
  const attachment = card.attachment!;
  try {
    await client.files.uploadV2({ channel_id: channel, content: attachment.content, filename: attachment.filename, title: attachment.title, initial_comment: 'The full packet, as the card above had to be shortened.' });
  } catch (error) {
    logger.error({ err: error, channel }, 'files.uploadV2 failed');
  }
}

async function guard(respond: Respond, logger: Logger, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const gigError = toGigError(error);
    logger.error({ err: error, code: gigError.code }, 'Slack action failed');
    const message = renderBlockKit(errorCard(gigError, PREFIX));
    await respond({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks }).catch(() => undefined);
  }
}
