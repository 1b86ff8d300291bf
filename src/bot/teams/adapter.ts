import { CardFactory, CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory, MessageFactory, type ConversationReference } from 'botbuilder';
import type { CommandContext } from '../../commands/context.js';
import type { GigEnvironment } from '../../config.js';
import { ConfigError, GigError } from '../../errors.js';
import type { Card } from '../../views/cards/model.js';
import { renderAdaptiveCard } from './adaptive-card.js';

export interface TeamsSettings {
  appId: string;
  dev: boolean;
}

/**
 * Teams is on with an app id, or without one only when GIG_TEAMS_DEV=1 (emulator, tests). A bot is
 * single-tenant unless MICROSOFT_APP_TYPE says otherwise: Azure no longer creates multi-tenant bot
 * registrations, so a new one needs its tenant, and gig says so before serving.
 */
export function teamsSettings(env: GigEnvironment): TeamsSettings | null {
  if (env.MICROSOFT_APP_ID) {
    if (appType(env) === 'SingleTenant' && !env.MICROSOFT_APP_TENANT_ID) {
      throw new ConfigError(
        'gig serve needs MICROSOFT_APP_TENANT_ID for a single-tenant Teams bot (the default).',
        "Copy the Directory (tenant) ID from the bot's app registration in Azure; for an older multi-tenant registration set MICROSOFT_APP_TYPE=MultiTenant.",
      );
    }
    return { appId: env.MICROSOFT_APP_ID, dev: false };
  }
  return env.GIG_TEAMS_DEV === '1' ? { appId: '', dev: true } : null;
}

/** The app type botbuilder authenticates as; single-tenant unless MICROSOFT_APP_TYPE says otherwise. */
export function appType(env: GigEnvironment): 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI' {
  return env.MICROSOFT_APP_TYPE ?? 'SingleTenant';
}

/** botbuilder's CloudAdapter, authenticated from MICROSOFT_APP_* (anonymous in dev mode). */
export function createTeamsAdapter(teams: TeamsSettings, env: GigEnvironment): CloudAdapter {
  const settings = {
    MicrosoftAppId: teams.appId,
    MicrosoftAppPassword: env.MICROSOFT_APP_PASSWORD ?? '',
    // Dev mode has no app to authenticate, and botbuilder wants an app id for SingleTenant.
    MicrosoftAppType: teams.dev ? 'MultiTenant' : appType(env),
    MicrosoftAppTenantId: env.MICROSOFT_APP_TENANT_ID ?? '',
  };
  return new CloudAdapter(new ConfigurationBotFrameworkAuthentication(settings, new ConfigurationServiceClientCredentialFactory(settings)));
}

/** Posts a card into a conversation gig has seen (its reference is in the ledger), unprompted. */
export function teamsProactiveSender(adapter: CloudAdapter, teams: TeamsSettings, context: CommandContext): (conversationId: string, card: Card) => Promise<void> {
  return async (conversationId, card) => {
    const reference = (await context.ledger.conversation('teams', conversationId)) as Partial<ConversationReference> | null;
    if (!reference) throw new GigError('NOT_FOUND', `gig has never been in the Teams conversation ${conversationId}.`, { hint: 'Add gig to that team or chat and mention it once.' });
    // Without the activity id the message starts a new post instead of answering an old one.
    const conversation = { ...reference };
    delete conversation.activityId;
    await adapter.continueConversationAsync(teams.appId, conversation, async (turn) => {
      await turn.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(renderAdaptiveCard(card).card)));
    });
  };
}
