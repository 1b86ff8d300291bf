import { GigError, NotFoundError, toGigError } from '../errors.js';
import type { DigestConfig } from '../config.js';
import { buildDigest, latestOccurrence, nextOccurrences, ON_TIME_MS, planOccurrences, type DeliveryResult, type DigestContent, type DigestOverview } from '../engine/digest.js';
import { failpoint } from '../failpoints.js';
import type { Card } from '../views/cards/model.js';
import { digestCard } from '../views/cards/digest-card.js';
import { WORDING } from '../views/reasons.js';
import type { CommandContext } from './context.js';
import { evaluate, readTickets } from './evaluation.js';
import { buildRelease } from './release.js';

/**
 * Which occurrence a post belongs to. A sender marks the post with `id`; when `checkFirst` is set
 * (a retry after an attempt whose outcome is unknown) it first looks for a post so marked since
 * `since` and, finding one, does not post again.
 */
export interface DeliveryMark {
  id: string;
  since: string;
  checkFirst: boolean;
}

/** Where digests go; the surfaces (bot/) provide these. A sender throws when the post failed. */
export interface DigestSenders {
  slack?: (channel: string, card: Card, mark: DeliveryMark) => Promise<void>;
  /** Teams gives a bot no way to read what it posted, so a retry after an unknown outcome may post twice. */
  teams?: (conversation: string, card: Card, mark: DeliveryMark) => Promise<void>;
}

export interface DeliveryOptions {
  /** Who claims (host and process), for the ledger. */
  owner: string;
  /** Attempts per occurrence and the first back-off; each retry waits twice as long. */
  attempts?: number;
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export function findDigest(context: CommandContext, name: string): DigestConfig {
  const digest = context.config.digests.find((candidate) => candidate.name === name);
  if (!digest) {
    const names = context.config.digests.map((candidate) => candidate.name);
    throw new NotFoundError(`There is no digest "${name}".`, names.length > 0 ? `Configured digests: ${names.join(', ')}.` : 'Add one under "digests:" in the configuration (README, "Digests").');
  }
  return digest;
}

/** The tickets a digest covers, and the release they belong to if the scope is one. */
async function scopeTickets(context: CommandContext, digest: DigestConfig): Promise<{ tickets: string[]; release: string | null }> {
  if ('release' in digest.scope) {
    const saved = await context.ledger.release(digest.scope.release);
    if (!saved) throw new NotFoundError(`Digest ${digest.name} covers release ${digest.scope.release}, which is not saved.`, `Save it: gig release ${digest.scope.release} --from … --to … --tickets …`);
    return { tickets: saved.tickets, release: saved.id };
  }
  if ('tickets' in digest.scope) return { tickets: digest.scope.tickets.map((ticket) => ticket.toUpperCase()), release: null };
  const tickets = context.index.ticketsInFixVersion(digest.scope.fixVersion);
  if (tickets.length === 0) {
    throw new GigError('NOT_FOUND', `Digest ${digest.name} covers fix version "${digest.scope.fixVersion}", and no ticket of it is known.`, {
      hint: 'Connect Jira (README, "Jira and GitHub") and run gig sync.',
    });
  }
  return { tickets, release: null };
}

export async function digestContent(context: CommandContext, digest: DigestConfig, occurrence: string, late: boolean): Promise<DigestContent> {
  const { tickets, release } = await scopeTickets(context, digest);
  const together = new Set(tickets);
  const reading = await readTickets(context, tickets);
  const evaluations = tickets.map((ticket) => evaluate(context, reading, ticket, { target: digest.target, travellingTogether: together }));
  const approvals = release ? { id: release, approvals: (await buildRelease(context, { id: release })).approvals } : null;
  return buildDigest(digest, occurrence, late, evaluations, approvals, WORDING);
}

/**
 * Sends one occurrence exactly once: the ledger row is claimed first (a second process or a rerun
 * finds it taken), each destination is tried with back-off, and what reached where is recorded so
 * a retry never posts twice to the same place. A claim whose holder died before delivering, or a
 * run that gave up, is taken over and finished (`resume`); a post whose outcome was unknown is
 * looked for before it is made again.
 */
export async function deliverOccurrence(
  context: CommandContext,
  digest: DigestConfig,
  occurrence: string,
  late: boolean,
  senders: DigestSenders,
  options: DeliveryOptions & { force?: boolean },
): Promise<DeliveryResult> {
  const now = (): string => context.now().toISOString();
  let resumed: string[] | null = null;
  if (options.force) await context.ledger.reclaimDigest(digest.name, occurrence, options.owner, now());
  else if (!(await context.ledger.claimDigest(digest.name, occurrence, options.owner, now(), late))) {
    const takeOver = await context.ledger.takeOverDigest(digest.name, occurrence, options.owner, now());
    if (takeOver.outcome !== 'taken') return { digest: digest.name, occurrence, status: takeOver.outcome === 'sent' ? 'already-sent' : 'already-claimed' };
    resumed = takeOver.delivered;
  }
  return send(context, digest, occurrence, late, senders, options, resumed);
}

async function send(
  context: CommandContext,
  digest: DigestConfig,
  occurrence: string,
  late: boolean,
  senders: DigestSenders,
  options: DeliveryOptions,
  resumed: string[] | null,
): Promise<DeliveryResult> {
  const now = (): string => context.now().toISOString();
  const content = await digestContent(context, digest, occurrence, late);
  const mark = (attempt: number): DeliveryMark => ({ id: `${digest.name}@${occurrence}`, since: occurrence, checkFirst: resumed !== null || attempt > 1 });
  // The drill-in commands are written the way each platform types them.
  const destinations: Array<{ key: string; send: (attempt: number) => Promise<void> }> = [];
  if (digest.slack) {
    const channel = digest.slack.channel;
    destinations.push({ key: `slack:${channel}`, send: (attempt) => requireSender(senders.slack, 'Slack')(channel, digestCard(content, '/gig '), mark(attempt)) });
  }
  if (digest.teams) {
    const conversation = digest.teams.conversation;
    destinations.push({ key: `teams:${conversation}`, send: (attempt) => requireSender(senders.teams, 'Teams')(conversation, digestCard(content, '@gig '), mark(attempt)) });
  }
  const attempts = options.attempts ?? 4;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const delivered = new Set<string>(resumed ?? []);
  let lastError = '';
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    for (const destination of destinations.filter((candidate) => !delivered.has(candidate.key))) {
      try {
        await destination.send(attempt);
        failpoint('digest:posted');
        delivered.add(destination.key);
      } catch (error) {
        lastError = `${destination.key}: ${toGigError(error).message}`;
      }
    }
    const done = delivered.size === destinations.length;
    const finalFailure = !done && attempt === attempts;
    await context.ledger.recordDigestAttempt(digest.name, occurrence, { delivered: [...delivered], error: done ? null : finalFailure ? lastError : null, done }, now());
    if (done) return { digest: digest.name, occurrence, status: 'sent', attempts: attempt, late };
    if (!finalFailure) await sleep((options.backoffMs ?? 2000) * 2 ** (attempt - 1));
  }
  return { digest: digest.name, occurrence, status: 'failed', attempts, error: lastError };
}

type Sender = (target: string, card: Card, mark: DeliveryMark) => Promise<void>;

function requireSender(sender: Sender | undefined, platform: string): Sender {
  if (!sender) throw new GigError('CONFIG_INVALID', `${platform} is not configured on this gig, so the digest cannot be posted there.`);
  return sender;
}

/**
 * One scheduler tick: for every digest, record what was skipped, send what is due, finish what an
 * earlier run claimed and never delivered (within the grace period), and mark as missed what was
 * never delivered and is beyond it.
 */
export async function runDueDigests(context: CommandContext, senders: DigestSenders, options: DeliveryOptions): Promise<DeliveryResult[]> {
  const results: DeliveryResult[] = [];
  const now = context.now();
  for (const digest of context.config.digests) {
    const plan = planOccurrences(digest.cron, digest.timezone, digest.graceMinutes, now, await context.ledger.lastDigestOccurrence(digest.name));
    for (const occurrence of plan.skip) {
      await context.ledger.skipDigest(digest.name, occurrence, now.toISOString());
      results.push({ digest: digest.name, occurrence, status: 'skipped' });
    }
    // The due occurrence first: its claim is taken before this tick yields, so a second process's tick finds it taken.
    if (plan.send) results.push(await guardedDelivery(context, digest, plan.send.occurrence, plan.send.late, senders, options));
    // What this tick just tried and gave up on waits for the next tick.
    results.push(...(await retryUnfinished(context, digest, senders, options, plan.send ? [plan.send.occurrence] : [])));
  }
  return results;
}

/** Claimed-but-never-delivered occurrences: taken over within the grace period, missed beyond it. */
export async function retryUnfinished(
  context: CommandContext,
  digest: DigestConfig,
  senders: DigestSenders,
  options: DeliveryOptions,
  notNow: string[] = [],
): Promise<DeliveryResult[]> {
  const now = context.now();
  const graceStart = new Date(now.getTime() - digest.graceMinutes * 60_000 - ON_TIME_MS).toISOString();
  const results: DeliveryResult[] = [];
  for (const run of await context.ledger.abandonedDigests(digest.name, now.toISOString())) {
    if (notNow.includes(run.occurrence)) continue;
    if (run.occurrence < graceStart) {
      await context.ledger.markDigestMissed(digest.name, run.occurrence, now.toISOString());
      results.push({ digest: digest.name, occurrence: run.occurrence, status: 'missed' });
      continue;
    }
    results.push(await guardedDelivery(context, digest, run.occurrence, run.late, senders, options));
  }
  return results;
}

async function guardedDelivery(context: CommandContext, digest: DigestConfig, occurrence: string, late: boolean, senders: DigestSenders, options: DeliveryOptions): Promise<DeliveryResult> {
  try {
    return await deliverOccurrence(context, digest, occurrence, late, senders, options);
  } catch (error) {
    return { digest: digest.name, occurrence, status: 'failed', attempts: 0, error: toGigError(error).message };
  }
}

const MISSED_SHOWN = 5;

export async function listDigests(context: CommandContext): Promise<DigestOverview[]> {
  const now = context.now();
  const overviews: DigestOverview[] = [];
  for (const digest of context.config.digests) {
    const runs = await context.ledger.digestRuns(digest.name, MISSED_SHOWN * 5);
    overviews.push({
      name: digest.name,
      cron: digest.cron,
      timezone: digest.timezone,
      target: digest.target,
      next: nextOccurrences(digest.cron, digest.timezone, now, 3).map((date) => date.toISOString()),
      last: runs[0] ?? null,
      missed: runs.filter((run) => run.status === 'missed').slice(0, MISSED_SHOWN).map((run) => run.occurrence),
    });
  }
  return overviews;
}

/** The occurrence `gig digest run` means: the latest scheduled time at or before `at`. */
export function occurrenceAt(digest: DigestConfig, at: Date): string {
  const occurrence = latestOccurrence(digest.cron, digest.timezone, at);
  if (!occurrence) throw new GigError('USAGE', `Digest ${digest.name} has no scheduled time before ${at.toISOString()}.`);
  return occurrence.toISOString();
}
