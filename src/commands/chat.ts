import { GigError, toGigError } from '../errors.js';
import type { ApprovalState, DecisionOutcome } from '../engine/approvals.js';
import type { Freshness } from '../engine/freshness.js';
import type { Manifest } from '../engine/manifest.js';
import { ACTIONS, type Card, type ManualDoneValue, type ReleaseActionValue, type StatusValue } from '../views/cards/model.js';
import { releaseCard } from '../views/cards/release-card.js';
import { checkCard, depsCard, errorCard, helpCard, manualCard, noticeCard, sinceCard, syncCard } from '../views/cards/simple-cards.js';
import { statusCard } from '../views/cards/status-card.js';
import { renderNotFound } from '../views/status-text.js';
import { decisionHistoryText, duplicateText, refusalText } from '../views/decision-text.js';
import { decideRelease, personFor, type Actor } from './approvals.js';
import { runCheck } from './check.js';
import { digestContent, findDigest, occurrenceAt } from './digest.js';
import { digestCard } from '../views/cards/digest-card.js';
import { parseChat, recordsDecision, type ChatRequest } from './chat-grammar.js';
import type { CommandContext } from './context.js';
import { runManualAdd, runManualSetState, runReject } from './record.js';
import { cardLinks } from './links.js';
import { runUnwatch, runWatch } from './watch.js';
import { homeContent } from './home.js';
import { homeCard } from '../views/cards/home-card.js';
import { watchReply } from '../views/cards/watch-card.js';
import { buildRelease, runRelease } from './release.js';
import { runStatus } from './status.js';

/**
 * The platform-neutral chat layer: Slack and Teams hand it text or a button click and render the
 * card it returns. Answers about tickets are for the channel; help and errors for the caller only.
 */
export interface ChatReply {
  visibility: 'channel' | 'private';
  card: Card;
}

export interface ChatOptions {
  /** How commands are typed on the platform, for help and hints: "/gig " or "@gig ". */
  prefix: string;
  /** The channel or conversation the command was typed in (for `watch … here`). */
  where?: string;
}

/** A chat command read but not yet answered, so a surface can order answering and acknowledging. */
export interface ChatTurn {
  /** Answering records a decision: surfaces answer (and so write) before they acknowledge. */
  records: boolean;
  /** Runs the command; never throws (errors become an error card for the caller). */
  answer(): Promise<ChatReply>;
}

export function prepareChat(context: CommandContext, text: string, actor: Actor, options: ChatOptions): ChatTurn {
  const failed = (error: unknown): ChatReply => ({ visibility: 'private', card: errorCard(toGigError(error), options.prefix) });
  let request: ChatRequest;
  try {
    request = parseChat(text);
  } catch (error) {
    const reply = failed(error);
    return { records: false, answer: async () => reply };
  }
  return {
    records: recordsDecision(request),
    async answer() {
      try {
        return await answer(context, request, actor, options);
      } catch (error) {
        return failed(error);
      }
    },
  };
}

export async function handleChat(context: CommandContext, text: string, actor: Actor, options: ChatOptions): Promise<ChatReply> {
  return prepareChat(context, text, actor, options).answer();
}

async function answer(context: CommandContext, request: ChatRequest, actor: Actor, options: ChatOptions): Promise<ChatReply> {
  const channel = (card: Card): ChatReply => ({ visibility: 'channel', card });
  const by = personFor(context, actor)?.name ?? actor.id;
  switch (request.verb) {
    case 'help':
      return { visibility: 'private', card: helpCard(options.prefix) };
    case 'status': {
      const { evaluation, found } = await runStatus(context, request.ticket, request.to === undefined ? {} : { to: request.to });
      if (!found) return { visibility: 'private', card: noticeCard(renderNotFound(evaluation.status, context.config.repositories.length, options.prefix)) };
      return channel(statusCard(evaluation, cardLinks(context)));
    }
    case 'check':
      return channel(checkCard(await runCheck(context, request.ticket, request.from, request.to)));
    case 'since':
      return channel(sinceCard((await runStatus(context, request.ticket)).evaluation));
    case 'deps':
      return channel(depsCard((await runStatus(context, request.ticket)).evaluation));
    case 'release': {
      const release = await runRelease(context, {
        id: request.id,
        ...(request.from ? { from: request.from } : {}),
        ...(request.to ? { to: request.to } : {}),
        ...(request.tickets ? { tickets: request.tickets } : {}),
      });
      return channel(currentReleaseCard(context, release, release.drift));
    }
    case 'manual': {
      if (request.action === 'add') {
        const added = await runManualAdd(context, request.ticket, request.text, { by });
        return channel(noticeCard(`${by} added manual step \`${added.id}\` to ${added.ticket}: ${request.text}`));
      }
      if (request.action === 'done' || request.action === 'reopen') {
        const result = await runManualSetState(context, request.ticket, request.step, request.action === 'done' ? 'done' : 'open', { by });
        return channel(noticeCard(`${result.ticket} step \`${result.id}\` is ${result.status}${result.recorded ? ` (${by})` : ' already'}: ${result.summary}`));
      }
      return channel(manualCard((await runStatus(context, request.ticket)).evaluation));
    }
    case 'reject': {
      const result = await runReject(context, { ticket: request.ticket, stage: request.stage, reason: request.reason, by });
      return channel(noticeCard(`${by} recorded a rejection of ${result.ticket} at ${result.stage}: “${request.reason}”`));
    }
    case 'digest': {
      const digest = findDigest(context, request.name);
      const occurrence = occurrenceAt(digest, context.now());
      return { visibility: 'private', card: digestCard(await digestContent(context, digest, occurrence, false), options.prefix) };
    }
    case 'watch':
    case 'unwatch': {
      const watchRequest = { subject: request.subject, actor, where: options.where, here: request.here };
      const { watch, done } = await (request.verb === 'watch' ? runWatch : runUnwatch)(context, watchRequest);
      const toDm = watch.platform === 'slack' && watch.destination === actor.id;
      return { visibility: 'private', card: watchReply(request.verb, done, watch.subject, toDm, options.prefix) };
    }
    case 'home':
      return { visibility: 'private', card: homeCard(await homeContent(context, actor), options.prefix) };
    case 'sync':
      return { visibility: 'private', card: syncCard(await context.sync()) };
  }
}

/** A release's card, from the release as a command just read it (buildRelease, runRelease, decideRelease). */
export function currentReleaseCard(context: CommandContext, release: { manifest: Manifest; approvals: ApprovalState; freshness: Freshness }, drift: string[] = []): Card {
  return releaseCard(release.manifest, release.approvals, drift, { overridable: context.config.approvals.allowBlockedOverride, links: cardLinks(context), freshness: release.freshness });
}

export interface ActionReply {
  /** The card to put in place of the one clicked (always the current state). */
  card: Card;
  /** A message for the one who clicked, when the click was refused or needs saying. */
  message: string | null;
  /** Whether the clicked card should be replaced: not when the click was refused for who made it. */
  refresh: boolean;
  outcome?: DecisionOutcome;
  /** A line for the card's history (its Slack thread) when the click recorded something. */
  history?: string;
}

/**
 * What a card's button does, the same on every platform; `input` is the answer to the action's
 * prompt, when it has one. Null for an action gig does not know.
 */
export function handleCardAction(context: CommandContext, action: string, value: string, actor: Actor, input?: string): Promise<ActionReply> | null {
  switch (action) {
    case ACTIONS.approve:
      return handleReleaseDecision(context, value, 'approve', actor);
    case ACTIONS.flag:
      return handleReleaseDecision(context, value, 'flag', actor, input ?? '');
    case ACTIONS.override:
      return handleReleaseDecision(context, value, 'override', actor, input ?? '');
    case ACTIONS.manualDone:
      return handleManualDone(context, value, actor);
    default:
      return null;
  }
}

/** Approve or Flag on a release card. */
export async function handleReleaseDecision(context: CommandContext, rawValue: string, decision: 'approve' | 'flag' | 'override', actor: Actor, reason?: string): Promise<ActionReply> {
  const value = parseValue<ReleaseActionValue>(rawValue, ['release', 'hash']);
  const answer = await decideRelease(context, {
    releaseId: value.release,
    hash: value.hash,
    decision: decision === 'flag' ? 'flag' : 'approve',
    override: decision === 'override',
    actor,
    ...(reason === undefined ? {} : { reason }),
  });
  const card = currentReleaseCard(context, answer);
  const duplicate = answer.outcome.kind === 'duplicate' ? duplicateText(answer.outcome.decision) : null;
  // A replica behind the one that made the card must not put its older manifest in place of it.
  const refresh = ['recorded', 'duplicate', 'stale'].includes(answer.outcome.kind) && !(answer.outcome.kind === 'stale' && answer.outcome.behind);
  const history = answer.outcome.kind === 'recorded' ? decisionHistoryText(answer.outcome, answer.manifest.hash, reason ?? null, decision === 'override') : undefined;
  return { card, message: refusalText(answer.outcome) ?? duplicate, refresh, outcome: answer.outcome, ...(history ? { history } : {}) };
}

/**
 * A digest's Status button, as the chat command it stands for (`status PAY-8 to uat`): surfaces
 * answer it like a typed command (in the evaluation workers), to the one who clicked only.
 */
export function statusCommandOf(rawValue: string): string {
  const value = parseValue<StatusValue>(rawValue, ['ticket', 'to']);
  if (!/^\S+$/.test(value.ticket) || !/^\S+$/.test(value.to)) throw new GigError('USAGE', 'That button does not name a ticket and an environment.');
  return `status ${value.ticket} to ${value.to}`;
}

/** Done on a manual step of a status or release card. */
export async function handleManualDone(context: CommandContext, rawValue: string, actor: Actor): Promise<ActionReply> {
  const value = parseValue<ManualDoneValue>(rawValue, ['ticket', 'step']);
  const by = personFor(context, actor)?.name ?? actor.id;
  const result = await runManualSetState(context, value.ticket, value.step, 'done', { by, ...(value.to ? { to: value.to } : {}) });
  if (value.release) {
    return { card: currentReleaseCard(context, await buildRelease(context, { id: value.release })), message: result.recorded ? null : `That step was already done.`, refresh: true };
  }
  const { evaluation } = await runStatus(context, value.ticket, value.to ? { to: value.to } : {});
  return { card: statusCard(evaluation, cardLinks(context)), message: result.recorded ? null : `That step was already done.`, refresh: true };
}

function parseValue<T>(raw: string, keys: string[]): T {
  try {
    const value = JSON.parse(raw) as Record<string, unknown>;
    if (keys.every((key) => typeof value[key] === 'string')) return value as T;
  } catch {
    // fall through to the error below
  }
  throw new GigError('USAGE', 'This button belongs to a card gig cannot read any more.', { hint: 'Ask for the card again.' });
}
