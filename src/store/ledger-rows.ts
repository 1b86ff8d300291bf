import type { DigestRun, SavedReleaseRecord } from '../engine/ports.js';
import { holderAlive } from './holder.js';

/** Ledger rows as both stores (SQLite and PostgreSQL) keep them, read into the engine's records. */

export interface ReleaseRow {
  id: string;
  source_env: string;
  target_env: string;
  tickets: string;
  manifest_hash: string;
  manifest: string;
  created_at: string;
  updated_at: string;
}

export function releaseRecord(row: ReleaseRow): SavedReleaseRecord {
  return {
    id: row.id,
    source: row.source_env,
    target: row.target_env,
    tickets: JSON.parse(row.tickets) as string[],
    hash: row.manifest_hash,
    manifest: JSON.parse(row.manifest) as unknown,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/* Digest occurrences (digest_runs), and when one is abandoned. */

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
