import type { DigestRun } from '../engine/ports.js';
import { holderAlive } from './holder.js';

/** Digest occurrences as both ledgers store them (digest_runs), and when one is abandoned. */

/** A claim not renewed for this long is abandoned wherever its holder ran: a delivery takes minutes at most. */
const CLAIM_STALE_MS = 15 * 60 * 1000;

/** Nobody is delivering it any more: its run gave up (failed), or its holder died. */
export function abandoned(run: DigestRun, at: string): boolean {
  if (run.status === 'failed') return true;
  return run.status === 'claimed' && !holderAlive(run.claimedBy, run.claimedAt ?? run.occurrence, CLAIM_STALE_MS, new Date(at));
}

export interface DigestRunRow {
  digest: string;
  occurrence_at: string;
  status: DigestRun['status'];
  claimed_by: string | null;
  claimed_at: string | null;
  sent_at: string | null;
  attempts: number;
  late: number;
  last_error: string | null;
  delivered: string;
}

export function digestRun(row: DigestRunRow): DigestRun {
  return {
    digest: row.digest,
    occurrence: row.occurrence_at,
    status: row.status,
    claimedBy: row.claimed_by,
    claimedAt: row.claimed_at,
    sentAt: row.sent_at,
    attempts: row.attempts,
    late: row.late === 1,
    lastError: row.last_error,
    delivered: JSON.parse(row.delivered) as string[],
  };
}
