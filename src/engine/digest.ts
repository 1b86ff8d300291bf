import { CronExpressionParser } from 'cron-parser';
import type { ApprovalState } from './approvals.js';
import type { TicketEvaluation } from './evaluate.js';
import type { DigestRun } from './ports.js';
import type { Verdict } from './verdict.js';
import type { Wording } from './wording.js';

/** Digest occurrences (DESIGN §4.8), computed in the digest's time zone, daylight saving included. */

/** The latest scheduled time at or before `at`, or null when there is none. */
export function latestOccurrence(cron: string, timezone: string, at: Date): Date | null {
  const expression = CronExpressionParser.parse(cron, { tz: timezone, currentDate: new Date(at.getTime() + 1) });
  return expression.hasPrev() ? expression.prev().toDate() : null;
}

export function nextOccurrences(cron: string, timezone: string, after: Date, count: number): Date[] {
  const expression = CronExpressionParser.parse(cron, { tz: timezone, currentDate: after });
  return Array.from({ length: count }, () => expression.next().toDate());
}

export interface OccurrencePlan {
  /** The occurrence to send now, if any; late when its time passed more than a minute ago. */
  send: { occurrence: string; late: boolean } | null;
  /** Occurrences missed beyond the grace period (or superseded by a later one): recorded, never sent. */
  skip: string[];
}

/** How late an occurrence may start and still count as on time. */
export const ON_TIME_MS = 60_000;
const MAX_CATCH_UP = 500;

/**
 * What to do at `now` for a digest whose last recorded occurrence is `lastRecorded`: send the
 * newest occurrence due (late if it was missed while gig was down, as long as it is within the
 * grace period), and record every older missed one as skipped.
 */
export function planOccurrences(cron: string, timezone: string, graceMinutes: number, now: Date, lastRecorded: string | null): OccurrencePlan {
  const graceMs = graceMinutes * 60_000;
  const floor = lastRecorded ? new Date(lastRecorded) : new Date(now.getTime() - graceMs - ON_TIME_MS);
  const due: string[] = [];
  const expression = CronExpressionParser.parse(cron, { tz: timezone, currentDate: new Date(now.getTime() + 1) });
  while (due.length < MAX_CATCH_UP && expression.hasPrev()) {
    const occurrence = expression.prev().toDate();
    if (occurrence.getTime() <= floor.getTime()) break;
    due.unshift(occurrence.toISOString());
  }
  const latest = due.at(-1);
  if (latest === undefined) return { send: null, skip: [] };
  const age = now.getTime() - new Date(latest).getTime();
  if (age > graceMs + ON_TIME_MS) return { send: null, skip: due };
  return { send: { occurrence: latest, late: age > ON_TIME_MS }, skip: due.slice(0, -1) };
}

/** What a digest says: what stands in the way of the target, grouped by verdict. */
export interface DigestContent {
  name: string;
  target: string;
  occurrence: string;
  timezone: string;
  late: boolean;
  release: string | null;
  counts: Record<Verdict, number>;
  groups: Array<{ verdict: Exclude<Verdict, 'safe'>; items: Array<{ ticket: string; reason: string }> }>;
  notDeployed: Array<{ ticket: string; reason: string }>;
  approvals: ApprovalState | null;
  unknownTickets: string[];
}

export function buildDigest(
  digest: { name: string; target: string; timezone: string },
  occurrence: string,
  late: boolean,
  evaluations: TicketEvaluation[],
  release: { id: string; approvals: ApprovalState } | null,
  wording: Wording,
): DigestContent {
  const counts: Record<Verdict, number> = { blocked: 0, 'manual-only': 0, risky: 0, safe: 0 };
  for (const evaluation of evaluations) counts[evaluation.verdict] += 1;
  const order: Array<Exclude<Verdict, 'safe'>> = ['blocked', 'manual-only', 'risky'];
  return {
    name: digest.name,
    target: digest.target,
    occurrence,
    timezone: digest.timezone,
    late,
    release: release?.id ?? null,
    counts,
    groups: order
      .map((verdict) => ({
        verdict,
        items: evaluations.filter((evaluation) => evaluation.verdict === verdict).map((evaluation) => ({ ticket: evaluation.ticket, reason: evaluation.reasons[0] ?? verdict })),
      }))
      .filter((group) => group.items.length > 0),
    notDeployed: evaluations.flatMap((evaluation) =>
      evaluation.risks.filter((risk) => risk.kind === 'not-deployed').map((risk) => ({ ticket: evaluation.ticket, reason: wording.reason({ kind: 'risk', risk }) })),
    ),
    approvals: release?.approvals ?? null,
    unknownTickets: evaluations.filter((evaluation) => evaluation.status.repositories.length === 0).map((evaluation) => evaluation.ticket),
  };
}

export type DeliveryResult =
  | { digest: string; occurrence: string; status: 'sent'; attempts: number; late: boolean }
  | { digest: string; occurrence: string; status: 'already-claimed' }
  | { digest: string; occurrence: string; status: 'already-sent' }
  | { digest: string; occurrence: string; status: 'missed' }
  | { digest: string; occurrence: string; status: 'failed'; attempts: number; error: string }
  | { digest: string; occurrence: string; status: 'skipped' };

export interface DigestOverview {
  name: string;
  cron: string;
  timezone: string;
  target: string;
  next: string[];
  last: DigestRun | null;
  /** Recent occurrences that were never delivered and are past their grace period. */
  missed: string[];
}

