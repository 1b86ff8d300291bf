import {
  ActivityHandler,
  CardFactory,
  MessageFactory,
  TurnContext,
  type Activity,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type Attachment,
  type CloudAdapterBase,
  type ConversationParameters,
} from 'botbuilder';
import { handleCardAction, statusCommandOf, type ActionReply } from '../../commands/chat.js';
import type { CommandContext } from '../../commands/context.js';
import { packetLink } from '../../commands/packet-links.js';
import { toGigError } from '../../errors.js';
import { ACTIONS, type ActionId, type Card } from '../../views/cards/model.js';
import { PROMPTS } from '../../views/cards/prompts.js';
import { errorCard, noticeCard, welcomeCard } from '../../views/cards/simple-cards.js';
import type { Logger } from '../../log.js';
import { chatAnswers, type ChatAnswers } from '../answers.js';
import { renderAdaptiveCard } from './adaptive-card.js';
import { teamsText } from '../../views/escape/teams.js';

const PREFIX = '@gig ';
// The audience of the Bot Connector's tokens for the public cloud (botframework-connector's constant).
const BOT_FRAMEWORK_AUDIENCE = 'https://api.botframework.com';
const CARD_TYPE = 'application/vnd.microsoft.card.adaptive';

export interface TeamsBotOptions {
  context: CommandContext;
  logger: Logger;
  /** Tenants allowed to use this bot; empty allows any (authentication still applies). */
  tenants: string[];
  /** The public URL of gig serve, for links to full release packets. */
  publicUrl?: string | undefined;
  /** Where chat commands are answered (the evaluation workers in gig serve); the main thread by default. */
  answers?: ChatAnswers;
  /** The bot's app id ('' in dev mode), for opening a 1:1 chat with whoever asked. */
  appId?: string;
}

/**
 * Teams is a thin shell over the same command layer as Slack: it strips the @mention, hands the
 * text or the card action to commands/, and renders the card it gets back as an Adaptive Card.
 * Every conversation the bot sees is remembered in the ledger so digests can be sent to it later.
 */
export class GigTeamsBot extends ActivityHandler {
  private readonly answers: ChatAnswers;

  constructor(private readonly options: TeamsBotOptions) {
    super();
    // The answer is the turn's HTTP response, so the turn awaits it; computed in a worker, it
    // keeps the event loop free for other requests meanwhile.
    const answers = options.answers ?? chatAnswers(options.context, () => null, options.logger);
    this.answers = answers;
    this.onMessage(async (turn, next) => {
      if (!(await this.rememberAndCheckTenant(turn))) return;
      const value = turn.activity.value as ({ gigAction?: string; value?: string } & Record<string, unknown>) | undefined;
      if (value?.gigAction) {
        // Action.Submit from clients without Universal Actions: same handlers, then replace the card.
        if (value.gigAction === ACTIONS.showStatus) {
          // A digest's Status, from an older client: to the clicker in a 1:1 chat.
          const message = MessageFactory.attachment(await this.attachment(await this.showStatus(value.value ?? '', turn)));
          if (!(await this.sendPrivately(turn, message))) await turn.sendActivity(message);
          return next();
        }
        const reply = await this.act(value.gigAction, value.value ?? '', turn, value);
        await this.refreshOriginal(turn, reply);
        if (reply.message) await turn.sendActivity(teamsText(reply.message));
        return next();
      }
      const text = TurnContext.removeRecipientMention(turn.activity) ?? turn.activity.text ?? '';
      const answer = await answers.handle(text.trim(), { platform: 'teams', id: turn.activity.from.id }, { prefix: PREFIX, where: turn.activity.conversation.id });
      const message = MessageFactory.attachment(await this.attachment(answer.card));
      // Help, errors and previews are for whoever asked: Teams has no ephemeral messages in a
      // channel, so they go to a 1:1 chat with that person, and to the channel only if that fails.
      if (answer.visibility === 'private' && turn.activity.conversation.conversationType !== 'personal' && (await this.sendPrivately(turn, message))) return next();
      await turn.sendActivity(message);
      return next();
    });
    this.onConversationUpdate(async (turn, next) => {
      await this.rememberAndCheckTenant(turn);
      return next();
    });
    this.onInstallationUpdate(async (turn, next) => {
      // Installed for a person: a welcome in their 1:1 chat with what to type.
      if ((await this.rememberAndCheckTenant(turn)) && turn.activity.action === 'add' && turn.activity.conversation.conversationType === 'personal') {
        await turn.sendActivity(MessageFactory.attachment(await this.attachment(welcomeCard(''))));
      }
      return next();
    });
  }

  /** Universal Actions (Action.Execute): the response replaces the card for the one who clicked. */
  protected override async onAdaptiveCardInvoke(turn: TurnContext, invoke: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    if (!(await this.rememberAndCheckTenant(turn))) return this.cardResponse(noticeCard('This Teams tenant may not use gig.'));
    const data = (invoke.action.data ?? {}) as { value?: string } & Record<string, unknown>;
    // A digest's Status button: the card answered replaces the digest for the clicker only.
    if (invoke.action.verb === ACTIONS.showStatus) return this.cardResponse(await this.showStatus(data.value ?? '', turn));
    const reply = await this.act(invoke.action.verb, data.value ?? '', turn, data);
    // Everyone else sees the refreshed card too; a refusal is shown to the one who clicked only.
    if (reply.refresh) await this.refreshOriginal(turn, reply);
    const card = reply.message ? { ...reply.card, blocks: [{ kind: 'text' as const, text: `⚠️ ${reply.message}` }, ...reply.card.blocks] } : reply.card;
    return this.cardResponse(card);
  }

  /** A digest's Status button, answered as the `status` command it stands for. */
  private async showStatus(value: string, turn: TurnContext): Promise<Card> {
    try {
      return (await this.answers.handle(statusCommandOf(value), { platform: 'teams', id: turn.activity.from.id }, { prefix: PREFIX })).card;
    } catch (error) {
      return errorCard(toGigError(error), PREFIX);
    }
  }

  /** Sends `message` in a 1:1 chat between the bot and the sender of `turn`; false when Teams refused. */
  private async sendPrivately(turn: TurnContext, message: Partial<Activity>): Promise<boolean> {
    const tenantId = turn.activity.conversation.tenantId ?? (turn.activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
    const parameters = { isGroup: false, bot: turn.activity.recipient, members: [turn.activity.from], tenantId, channelData: { tenant: { id: tenantId } } } as ConversationParameters;
    try {
      const adapter = turn.adapter as CloudAdapterBase;
      await adapter.createConversationAsync(this.options.appId ?? '', turn.activity.channelId, turn.activity.serviceUrl, BOT_FRAMEWORK_AUDIENCE, parameters, async (personal) => {
        await personal.sendActivity(message);
      });
      return true;
    } catch (error) {
      this.options.logger.warn({ err: error }, 'Teams did not open a 1:1 chat for a private answer; it goes to the conversation instead');
      return false;
    }
  }

  private async attachment(card: Card): Promise<Attachment> {
    const release = card.attachment?.release;
    const url = release && this.options.publicUrl ? await packetLink(this.options.context, this.options.publicUrl, release) : undefined;
    return CardFactory.adaptiveCard(renderAdaptiveCard(card, url).card);
  }

  private async cardResponse(card: Card): Promise<AdaptiveCardInvokeResponse> {
    return { statusCode: 200, type: CARD_TYPE, value: (await this.attachment(card)).content as Record<string, unknown> };
  }

  /** `data`: what the client sent with the action, the answers to its prompt's inputs included. */
  private async act(verb: string, value: string, turn: TurnContext, data: Record<string, unknown>): Promise<ActionReply> {
    const actor = { platform: 'teams' as const, id: turn.activity.from.id };
    const field = PROMPTS[verb as ActionId]?.field;
    const input = field !== undefined && typeof data[field] === 'string' ? data[field] : undefined;
    try {
      const reply = handleCardAction(this.options.context, verb, value, actor, input);
      return reply ? await reply : { card: noticeCard(`Unknown action ${verb}.`), message: null, refresh: false };
    } catch (error) {
      const gigError = toGigError(error);
      this.options.logger.error({ err: error, code: gigError.code }, 'Teams action failed');
      return { card: errorCard(gigError, PREFIX), message: gigError.message, refresh: false };
    }
  }

  private async refreshOriginal(turn: TurnContext, reply: ActionReply): Promise<void> {
    const id = turn.activity.replyToId;
    if (!id || !reply.refresh) return;
    try {
      await turn.updateActivity({ id, type: 'message', conversation: turn.activity.conversation, attachments: [await this.attachment(reply.card)] });
    } catch (error) {
      this.options.logger.error({ err: error }, 'Teams updateActivity failed');
    }
  }

  /** Stores the conversation reference; false when the tenant is not allowed. */
  private async rememberAndCheckTenant(turn: TurnContext): Promise<boolean> {
    const activity = turn.activity;
    const tenant = activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
    if (this.options.tenants.length > 0 && (!tenant || !this.options.tenants.includes(tenant))) {
      this.options.logger.warn({ tenant }, 'Teams request from a tenant that is not allowed');
      return false;
    }
    if (activity.conversation?.id) {
      await this.options.context.ledger.saveConversation('teams', activity.conversation.id, TurnContext.getConversationReference(activity), this.options.context.now().toISOString());
    }
    return true;
  }
}

