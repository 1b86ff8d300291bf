import { GigError, NotFoundError, toGigError } from '../errors.js';
import type { DigestConfig } from '../config.js';
import { buildDigest, latestOccurrence, nextOccurrences, planOccurrences, type DeliveryResult, type DigestContent, type DigestOverview } from '../engine/digest.js';
import type { Card } from '../views/cards/model.js';
import { digestCard } from '../views/cards/digest-card.js';
import type { CommandContext } from './context.js';
import { dependencyGraph, evaluate } from './evaluation.js';
import { runRelease } from './release.js';

/** Where digests go; the surfaces (bot/) provide these. A sender throws when the post failed. */
export interface DigestSenders {
  slack?: (channel: string, card: Card) => Promise<void>;
  teams?: (conversation: string, card: Card) => Promise<void>;
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
function scopeTickets(context: CommandContext, digest: DigestConfig): { tickets: string[]; release: string | null } {
  if ('release' in digest.scope) {
    const saved = context.ledger.release(digest.scope.release);
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

export function digestContent(context: CommandContext, digest: DigestConfig, occurrence: string, late: boolean): DigestContent {
  const { tickets, release } = scopeTickets(context, digest);
  const together = new Set(tickets);
  const graph = dependencyGraph(context);
  const evaluations = tickets.map((ticket) => evaluate(context, ticket, { target: digest.target, travellingTogether: together }, graph));
  const approvals = release ? { id: release, approvals: runRelease(context, { id: release }, { dryRun: true }).approvals } : null;
  return buildDigest(digest, occurrence, late, evaluations, approvals);
}

/**
 * Sends one occurrence exactly once: the ledger row is claimed first (a second process or a rerun
 * finds it taken), each destination is tried with back-off, and what reached where is recorded so
 * a retry never posts twice to the same place.
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
  if (options.force) context.ledger.reclaimDigest(digest.name, occurrence, options.owner, now());
  else if (!context.ledger.claimDigest(digest.name, occurrence, options.owner, now(), late)) return { digest: digest.name, occurrence, status: 'already-claimed' };

  const content = digestContent(context, digest, occurrence, late);
  // The drill-in commands are written the way each platform types them.
  const destinations: Array<{ key: string; send: () => Promise<void> }> = [];
  if (digest.slack) {
    const channel = digest.slack.channel;
    destinations.push({ key: `slack:${channel}`, send: () => requireSender(senders.slack, 'Slack')(channel, digestCard(content, '/gig ')) });
  }
  if (digest.teams) {
    const conversation = digest.teams.conversation;
    destinations.push({ key: `teams:${conversation}`, send: () => requireSender(senders.teams, 'Teams')(conversation, digestCard(content, '@gig ')) });
  }
  const attempts = options.attempts ?? 4;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const delivered = new Set<string>();
  let lastError = '';
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    for (const destination of destinations.filter((candidate) => !delivered.has(candidate.key))) {
      try {
        await destination.send();
        delivered.add(destination.key);
      } catch (error) {
        lastError = `${destination.key}: ${toGigError(error).message}`;
      }
    }
    const done = delivered.size === destinations.length;
    const finalFailure = !done && attempt === attempts;
    context.ledger.recordDigestAttempt(digest.name, occurrence, { delivered: [...delivered], error: done ? null : finalFailure ? lastError : null, done }, now());
    if (done) return { digest: digest.name, occurrence, status: 'sent', attempts: attempt, late };
    if (!finalFailure) await sleep((options.backoffMs ?? 2000) * 2 ** (attempt - 1));
  }
  return { digest: digest.name, occurrence, status: 'failed', attempts, error: lastError };
}

function requireSender(sender: ((target: string, card: Card) => Promise<void>) | undefined, platform: string): (target: string, card: Card) => Promise<void> {
  if (!sender) throw new GigError('CONFIG_INVALID', `${platform} is not configured on this gig, so the digest cannot be posted there.`);
  return sender;
}

/** One scheduler tick: for every digest, record what was missed and send what is due. */
export async function runDueDigests(context: CommandContext, senders: DigestSenders, options: DeliveryOptions): Promise<DeliveryResult[]> {
  const results: DeliveryResult[] = [];
  const now = context.now();
  for (const digest of context.config.digests) {
    const plan = planOccurrences(digest.cron, digest.timezone, digest.graceMinutes, now, context.ledger.lastDigestOccurrence(digest.name));
    for (const occurrence of plan.skip) {
      context.ledger.skipDigest(digest.name, occurrence, now.toISOString());
      results.push({ digest: digest.name, occurrence, status: 'skipped' });
    }
    if (plan.send) {
      try {
        results.push(await deliverOccurrence(context, digest, plan.send.occurrence, plan.send.late, senders, options));
      } catch (error) {
        results.push({ digest: digest.name, occurrence: plan.send.occurrence, status: 'failed', attempts: 0, error: toGigError(error).message });
      }
    }
  }
  return results;
}

export function listDigests(context: CommandContext): DigestOverview[] {
  const now = context.now();
  return context.config.digests.map((digest) => ({
    name: digest.name,
    cron: digest.cron,
    timezone: digest.timezone,
    target: digest.target,
    next: nextOccurrences(digest.cron, digest.timezone, now, 3).map((date) => date.toISOString()),
    last: context.ledger.digestRuns(digest.name, 1)[0] ?? null,
  }));
}

/** The occurrence `gig digest run` means: the latest scheduled time at or before `at`. */
export function occurrenceAt(digest: DigestConfig, at: Date): string {
  const occurrence = latestOccurrence(digest.cron, digest.timezone, at);
  if (!occurrence) throw new GigError('USAGE', `Digest ${digest.name} has no scheduled time before ${at.toISOString()}.`);
  return occurrence.toISOString();
}
