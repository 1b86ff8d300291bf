import type { App as BoltApp, BlockAction, ButtonAction, SlackViewAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Actor } from '../../commands/approvals.js';
import { handleCardAction, statusCommandOf, type ActionReply, type ChatReply } from '../../commands/chat.js';
import type { CommandContext } from '../../commands/context.js';
import { GigError, toGigError } from '../../errors.js';
import { CUT_TEXT } from '../../views/cards/fit.js';
import { ACTIONS, type ActionId, type Card } from '../../views/cards/model.js';
import { PROMPTS, promptAnswer } from '../../views/cards/prompts.js';
import { errorCard } from '../../views/cards/simple-cards.js';
import type { Logger } from '../../log.js';
import { chatAnswers, type ChatAnswers } from '../answers.js';
import { promptErrors, promptModal, renderBlockKit } from './block-kit.js';
import { slackSummary, slackText } from '../../views/escape/slack.js';
import type { SlackRoutes } from './payloads.js';

const PREFIX = '/gig ';
const MENTION_PREFIX = '@gig ';

/** A person's words to gig from the Events API, as the request gate let them through (payloads.ts). */
interface SlackQuestion {
  type: string;
  user: string;
  text: string;
  channel: string;
  ts: string;
  thread_ts?: string;
  channel_type?: string;
  bot_id?: string;
  subtype?: string;
}

/** A person's message to gig: not a bot's (gig's own answers in a DM), not an edit, and in a DM unless it mentions gig. */
function isQuestion(event: SlackQuestion): boolean {
  const fromAPerson = typeof event.user === 'string' && typeof event.channel === 'string' && typeof event.text === 'string' && !event.bot_id && !event.subtype;
  return fromAPerson && (event.type === 'app_mention' || event.channel_type === 'im');
}
const ACTION_IDS = Object.values(ACTIONS);
/** The buttons that decide or record something; gig.status.show only answers (below). */
const DECISION_IDS = ACTION_IDS.filter((id) => id !== ACTIONS.showStatus);

/** The modal that asks an action's prompt: gig.release.flag → gig.release.flag.modal. */
const modalOf = (action: ActionId): string => `${action}.modal`;

/** What gig listens to on Slack; the request gate (request-gate.ts) answers anything else itself. */
export const SLACK_ROUTES: SlackRoutes = { command: '/gig', actions: ACTION_IDS, views: ACTION_IDS.filter((id) => PROMPTS[id]).map(modalOf), events: ['app_mention', 'message', 'app_home_opened'] };

/** A decision taken, or the error that stopped it: either way the acknowledgement goes out next. */
type Outcome = { reply: ActionReply } | { error: GigError };

const slackUser = (id: string): Actor => ({ platform: 'slack', id });

/**
 * Slack is a thin shell over the command layer, and every handler is one error boundary: users
 * get a short message, the log gets the details, nobody sees a stack trace.
 *
 * Order matters. Whatever records a decision (Approve, Flag, Done, and the chat verbs the grammar
 * marks as recording) writes its ledger row first — a synchronous SQLite transaction of about a
 * millisecond — then acknowledges, then does the slow things (chat.update, response_url, uploads).
 * So once Slack shows the click as received, the decision survives a crash. Reads, release
 * evaluation and sync are acknowledged first: they may take longer than Slack's 3 seconds, and
 * `answers` computes them in the evaluation workers (answers.ts), so the acknowledgements of other
 * requests are not queued behind them either.
 */
export function registerSlackHandlers(app: BoltApp, context: CommandContext, logger: Logger, answers: ChatAnswers = chatAnswers(context, () => null, logger)): void {
  app.command(SLACK_ROUTES.command, async ({ command, ack, respond, client }) => {
    const turn = answers.prepare(fromSlackText(command.text ?? ''), slackUser(command.user_id), { prefix: PREFIX, where: command.channel_id });
    if (turn.immediate) {
      // Known at once ("gig is busy"): it rides on the acknowledgement, no second request.
      const message = renderBlockKit(turn.immediate.card);
      await ack({ response_type: 'ephemeral', text: message.text, blocks: message.blocks });
      return;
    }
    let reply: ChatReply;
    if (turn.records) {
      reply = await turn.answer();
      await ack();
    } else {
      await ack();
      reply = await turn.answer();
    }
    await afterAck(logger, 'slash command answer', async () => {
      const message = renderBlockKit(reply.card);
      await readOut(await respond({ response_type: reply.visibility === 'channel' ? 'in_channel' : 'ephemeral', text: message.text, blocks: message.blocks }));
      if (message.truncated && reply.card.attachment) await attach(client, command.channel_id, reply.card, logger);
    });
  });

  // @gig in a channel, and anything said to gig in a DM: the same verbs as /gig. Slack
  // acknowledges events on receipt (Bolt), so an answer is computed after; the request gate has
  // already kept events from bots (gig's own DMs included), edits and other subtypes out.
  const converse = async (event: SlackQuestion, client: WebClient): Promise<void> => {
    // The gate filters these in HTTP mode; Socket Mode events come without it.
    if (!isQuestion(event)) return;
    const text = fromSlackText(event.text.replace(/<@[A-Z0-9]+(?:\|[^>]*)?>/g, ' ')).trim();
    const direct = event.channel_type === 'im';
    const reply = await answers.handle(text, slackUser(event.user), { prefix: direct ? '' : MENTION_PREFIX, where: event.channel });
    const message = renderBlockKit(reply.card);
    const thread = direct ? {} : { thread_ts: event.thread_ts ?? event.ts };
    if (reply.visibility === 'private' && !direct) {
      await client.chat.postEphemeral({ channel: event.channel, user: event.user, text: message.text, blocks: message.blocks, ...thread });
      return;
    }
    await client.chat.postMessage({ channel: event.channel, text: message.text, blocks: message.blocks, ...thread });
    if (message.truncated && reply.card.attachment) await attach(client, event.channel, reply.card, logger);
  };
  app.event('app_mention', async ({ event, client }) => {
    await afterAck(logger, '@gig answer', () => converse(event as unknown as SlackQuestion, client));
  });
  app.event('message', async ({ event, client }) => {
    await afterAck(logger, 'direct message answer', () => converse(event as unknown as SlackQuestion, client));
  });

  // App Home: published again each time someone opens it, so it is as current as the index.
  app.event('app_home_opened', async ({ event, client }) => {
    await afterAck(logger, 'App Home', async () => {
      // The `home` command, answered where every evaluation is (the workers), not on the event loop.
      const { card } = await answers.handle('home', slackUser(event.user), { prefix: PREFIX });
      await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: renderBlockKit(card).blocks as never } });
    });
  });

  // What each button does (commands/chat.ts, the same for Teams); `input` answers the action's prompt.
  const act = (id: string, value: string, actor: Actor, input?: string): Promise<ActionReply> =>
    handleCardAction(context, id, value, actor, input) ?? Promise.reject(new GigError('USAGE', `Unknown action ${id}.`));

  // A digest's Status button: the status card, to the one who clicked only.
  app.action<BlockAction<ButtonAction>>(ACTIONS.showStatus, async ({ ack, action, body, respond }) => {
    await ack();
    await afterAck(logger, 'status button', async () => {
      const { card } = await answers.handle(statusCommandOf(action.value ?? ''), slackUser(body.user.id), { prefix: PREFIX });
      const message = renderBlockKit(card);
      await readOut(await respond({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks }));
    }, (error) => respondError(respond, error));
  });

  for (const id of DECISION_IDS) {
    const prompt = PROMPTS[id];
    if (!prompt) {
      app.action<BlockAction<ButtonAction>>(id, async ({ ack, body, action, client, respond }) => {
        const outcome = await decide(logger, () => act(id, action.value ?? '', slackUser(body.user.id)));
        await ack();
        await applyOutcome(client, respond, body, outcome, logger);
      });
      continue;
    }

    // An action with a prompt records nothing yet: its button opens the modal that asks (views.open
    // needs the trigger within 3 seconds, so it is acknowledged first).
    app.action<BlockAction<ButtonAction>>(id, async ({ ack, body, action, client, respond }) => {
      await ack();
      await afterAck(logger, 'prompt modal', async () => {
        const metadata = JSON.stringify({ value: action.value, channel: body.container?.channel_id ?? body.channel?.id, ts: body.container?.message_ts ?? body.message?.ts });
        await client.views.open({ trigger_id: body.trigger_id, view: promptModal(prompt, { callbackId: modalOf(id), metadata }) });
      }, (error) => respondError(respond, error));
    });

    app.view<SlackViewAction>(modalOf(id), async ({ ack, view, body, client }) => {
      const answer = promptAnswer(prompt, view.state.values[prompt.field]?.[prompt.field]?.value);
      if (!answer.ok) {
        await ack({ response_action: 'errors', errors: promptErrors(prompt, answer.error) });
        return;
      }
      const card = promptedCard(view.private_metadata);
      const outcome = await decide(logger, () => act(id, card.value, slackUser(body.user.id), answer.value));
      await ack();
      const { channel, ts } = card;
      if (!channel) return;
      await afterAck(logger, 'prompt answer', async () => {
        if ('error' in outcome) {
          await client.chat.postEphemeral({ channel, user: body.user.id, text: slackText(outcome.error.message) });
          return;
        }
        if (ts && outcome.reply.refresh) await updateCard(client, channel, ts, outcome.reply.card, logger);
        if (ts && outcome.reply.history) await postHistory(client, channel, ts, outcome.reply.history, logger);
        if (outcome.reply.message) await client.chat.postEphemeral({ channel, user: body.user.id, text: slackText(outcome.reply.message) });
      });
    });
  }

  app.error(async (error) => {
    logger.error({ err: error }, 'unhandled Slack error');
  });
}

type Respond = (message: { response_type?: 'ephemeral' | 'in_channel'; replace_original?: boolean; text: string; blocks?: unknown[] }) => Promise<unknown>;

async function decide(logger: Logger, work: () => Promise<ActionReply>): Promise<Outcome> {
  try {
    return { reply: await work() };
  } catch (error) {
    const gigError = toGigError(error);
    logger.error({ err: error, code: gigError.code }, 'Slack action failed');
    return { error: gigError };
  }
}

/** The card a prompt's modal was opened from (its private metadata); an unreadable one names no card. */
function promptedCard(metadata: string): { value: string; channel?: string; ts?: string } {
  try {
    const parsed = JSON.parse(metadata) as { value?: unknown; channel?: unknown; ts?: unknown } | null;
    return {
      value: typeof parsed?.value === 'string' ? parsed.value : '',
      ...(typeof parsed?.channel === 'string' ? { channel: parsed.channel } : {}),
      ...(typeof parsed?.ts === 'string' ? { ts: parsed.ts } : {}),
    };
  } catch {
    return { value: '' };
  }
}

/** After the acknowledgement: slow work whose failure is logged (and told to the user when it can be). */
async function afterAck(logger: Logger, what: string, work: () => Promise<void>, onError?: (error: GigError) => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const gigError = toGigError(error);
    logger.error({ err: error, code: gigError.code }, `${what} failed`);
    await onError?.(gigError).catch(() => undefined);
  }
}

/**
 * Bolt's respond() posts with fetch and hands back the response unread: read it (Slack's is a
 * couple of bytes), so the connection goes back to the pool at once instead of when the garbage
 * collector finds the body.
 */
async function readOut(response: unknown): Promise<void> {
  if (response instanceof Response) await response.arrayBuffer().catch(() => undefined);
}

async function respondError(respond: Respond, error: GigError): Promise<void> {
  const message = renderBlockKit(errorCard(error, PREFIX));
  await readOut(await respond({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks }));
}

/** The decision is in the ledger already: refresh the card, and tell the clicker what they need to know. */
async function applyOutcome(client: WebClient, respond: Respond, body: BlockAction, outcome: Outcome, logger: Logger): Promise<void> {
  if ('error' in outcome) {
    await respondError(respond, outcome.error).catch((error: unknown) => logger.error({ err: error }, 'response_url failed'));
    return;
  }
  const reply = outcome.reply;
  await afterAck(logger, 'Slack action answer', async () => {
    const channel = body.container?.channel_id ?? body.channel?.id;
    const ts = body.container?.message_ts ?? body.message?.ts;
    if (!reply.refresh) {
      if (reply.message) await readOut(await respond({ response_type: 'ephemeral', replace_original: false, text: slackText(reply.message) }));
      return;
    }
    // chat.update needs the bot in the channel; a card a slash command posted into a DM or a private
    // channel is replaced through the click's response_url instead.
    const updated = (channel && ts ? await updateCard(client, channel, ts, reply.card, logger) : false) || (await replaceThroughResponseUrl(respond, reply.card, logger));
    if (!updated && channel && ts) {
      await readOut(await respond({ response_type: 'ephemeral', replace_original: false, text: 'Your decision is recorded, but Slack did not let gig refresh the card. Ask for it again with /gig release.' }));
    }
    if (reply.message) await readOut(await respond({ response_type: 'ephemeral', replace_original: false, text: slackText(reply.message) }));
    if (reply.history && channel && ts) await postHistory(client, channel, ts, reply.history, logger);
  }, (error) => respondError(respond, error));
}

/** The audit trail where people look for it: each recorded decision as a reply in the card's thread. */
async function postHistory(client: WebClient, channel: string, ts: string, line: string, logger: Logger): Promise<void> {
  try {
    await client.chat.postMessage({ channel, thread_ts: ts, text: slackText(line) });
  } catch (error) {
    // Not in the channel (a DM, a private channel without gig): the decision and the card stand.
    logger.warn({ err: error, channel }, 'could not add the decision to the card\'s thread');
  }
}

/** The clicked message replaced with `card` through the click's response_url: false when Slack refused. */
async function replaceThroughResponseUrl(respond: Respond, card: Card, logger: Logger): Promise<boolean> {
  const message = renderBlockKit(card);
  try {
    const response = await respond({ replace_original: true, text: message.text, blocks: message.blocks });
    const ok = !(response instanceof Response) || response.ok;
    await readOut(response);
    return ok;
  } catch (error) {
    logger.error({ err: error }, 'replacing the card through response_url failed');
    return false;
  }
}

async function updateCard(client: WebClient, channel: string, ts: string, card: Card, logger: Logger): Promise<boolean> {
  const message = renderBlockKit(card);
  try {
    await client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
    return true;
  } catch (error) {
    logger.warn({ err: error, channel, ts }, 'chat.update failed');
    return false;
  }
}

/** The full document, when the card had to be cut: Slack's files.uploadV2. */
async function attach(client: WebClient, channel: string, card: Card, logger: Logger): Promise<void> {
  const attachment = card.attachment!;
  try {
    await client.files.uploadV2({ channel_id: channel, content: attachment.content, filename: attachment.filename, title: attachment.title, initial_comment: slackSummary(CUT_TEXT.attached) });
  } catch (error) {
    logger.error({ err: error, channel }, 'files.uploadV2 failed');
  }
}

/**
 * Slack sends a slash command's text with &, < and > as entities: what the user typed is what gig
 * stores (a reason, a manual step); each surface escapes it again on the way out.
 */
function fromSlackText(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}
