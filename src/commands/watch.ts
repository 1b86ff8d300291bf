import { createHash } from 'node:crypto';
import { GigError, toGigError } from '../errors.js';
import type { WatchRecord } from '../engine/ports.js';
import { releaseWatchState, ticketWatchState, watchChanges, type WatchState } from '../engine/watch.js';
import { watchCard } from '../views/cards/watch-card.js';
import type { Actor } from './approvals.js';
import type { CommandContext } from './context.js';
import type { DigestSenders } from './digest.js';
import { buildRelease } from './release.js';
import { parseTicket, runStatus } from './status.js';

/** At most this many announcements per run: the rest wait for the next sync, so a big sync cannot flood a channel. */
export const ANNOUNCEMENTS_PER_RUN = 20;
/** A claim older than this whose post never finished belongs to a process that died: it is told again. */
const ABANDONED_CLAIM_MS = 10 * 60_000;

export interface WatchRequest {
  subject: string;
  actor: Actor;
  /** The conversation the request was made in; `here` sends the news there rather than to a DM. */
  where?: string | undefined;
  here: boolean;
}

/** What a watch or unwatch did: the watch it means, and whether anything changed (false: it was so already). */
export interface WatchAnswer {
  watch: Omit<WatchRecord, 'id'>;
  done: boolean;
}

/** `watch ABC-123 [here]`: follow a ticket or a saved release; news goes to a DM (Slack) or here. */
export async function runWatch(context: CommandContext, request: WatchRequest): Promise<WatchAnswer> {
  const watch = await watchOf(context, request);
  return { watch, done: await watchesOf(context).add(watch, JSON.stringify(await stateOf(context, watch)), context.now().toISOString()) };
}

/** `unwatch ABC-123 [here]`. */
export async function runUnwatch(context: CommandContext, request: WatchRequest): Promise<WatchAnswer> {
  const watch = await watchOf(context, request);
  return { watch, done: await watchesOf(context).remove(watch, request.actor.id, context.now().toISOString()) };
}

function watchesOf(context: CommandContext): NonNullable<CommandContext['watches']> {
  if (!context.watches) throw new GigError('INTERNAL', 'Watches are not available here.');
  return context.watches;
}

async function watchOf(context: CommandContext, request: WatchRequest): Promise<Omit<WatchRecord, 'id'>> {
  if (request.actor.platform === 'cli') throw new GigError('USAGE', 'Watches are made in Slack or Teams, where gig can tell you what changed.');
  const subject = request.subject.trim();
  const release = await context.ledger.release(subject);
  const subjectKind = release ? 'release' : 'ticket';
  const normalised = release ? release.id : parseTicket(context, subject);
  // A Slack DM is addressed by the person's id; Teams has no DM gig can open unasked: the conversation it was asked in.
  const destination = request.here || request.actor.platform === 'teams' ? request.where : request.actor.id;
  if (!destination) throw new GigError('USAGE', 'gig cannot tell where to send the news from here.', { hint: 'Ask in the channel or chat that should get it.' });
  return { platform: request.actor.platform, subjectKind, subject: normalised, destination, createdBy: request.actor.id };
}

async function stateOf(context: CommandContext, watch: Pick<WatchRecord, 'subjectKind' | 'subject'>): Promise<WatchState> {
  if (watch.subjectKind === 'release') {
    const { manifest, approvals } = await buildRelease(context, { id: watch.subject });
    return releaseWatchState(manifest, approvals);
  }
  return ticketWatchState((await runStatus(context, watch.subject)).evaluation);
}

export interface AnnounceResult {
  announced: number;
  failed: number;
  /** Changes left for the next run by the per-run limit. */
  deferred: number;
}

/**
 * Tells each watch what changed since it was last told (after a sync). Each change is claimed in the
 * ledger before it is posted and marked after, so it is told once however many processes run this;
 * a failed post gives its claim back and is told on the next run.
 */
export async function announceWatchChanges(context: CommandContext, senders: DigestSenders, limit = ANNOUNCEMENTS_PER_RUN): Promise<AnnounceResult> {
  const watches = watchesOf(context);
  const result: AnnounceResult = { announced: 0, failed: 0, deferred: 0 };
  // Several people and channels may watch one subject: it is evaluated once per run.
  const states = new Map<string, Promise<WatchState>>();
  const stateOnce = (watch: WatchRecord): Promise<WatchState> => {
    const key = `${watch.subjectKind}:${watch.subject}`;
    if (!states.has(key)) states.set(key, stateOf(context, watch));
    return states.get(key)!;
  };
  for (const watch of await watches.active()) {
    const last = await watches.latest(watch.id);
    if (!last) continue;
    const now = context.now();
    if (!last.posted) {
      if (now.getTime() - Date.parse(last.claimedAt) < ABANDONED_CLAIM_MS) continue;
      await watches.release(watch.id, last.seq);
      continue;
    }
    let state: WatchState;
    try {
      state = await stateOnce(watch);
    } catch (error) {
      if (toGigError(error).code === 'INTERNAL') throw error;
      continue;
    }
    const changes = watchChanges(JSON.parse(last.state) as WatchState, state);
    if (changes.length === 0) continue;
    if (result.announced >= limit) {
      result.deferred += 1;
      continue;
    }
    const seq = last.seq + 1;
    if (!(await watches.claim(watch.id, seq, JSON.stringify(state), now.toISOString()))) continue;
    const send = watch.platform === 'slack' ? senders.slack : senders.teams;
    try {
      if (!send) throw new GigError('UPSTREAM', `${watch.platform} is not connected.`);
      const id = createHash('sha256').update(`${watch.id}:${seq}`).digest('hex').slice(0, 16);
      await send(watch.destination, watchCard(watch.subjectKind, watch.subject, changes), { id, since: now.toISOString(), checkFirst: false });
      await watches.posted(watch.id, seq, context.now().toISOString());
      result.announced += 1;
    } catch {
      await watches.release(watch.id, seq);
      result.failed += 1;
    }
  }
  return result;
}
