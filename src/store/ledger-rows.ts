import type { AddedManualStep, RejectionFact } from '../engine/model.js';
import type { BranchHead, DigestRun, IndexedBranches, SavedReleaseRecord, TicketRecords, WatchRecord } from '../engine/ports.js';
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

/** The rows of Ledger.records as both stores read them, each naming its ticket. */
export interface TicketRows {
  rejections: Array<RejectionFact & { ticket: string }>;
  approvals: Array<{ ticket: string; release: string; at: string; by: string }>;
  steps: Array<AddedManualStep & { ticket: string }>;
  events: Array<{ ticket: string; step_id: string; status: 'open' | 'done'; by: string | null; at: string }>;
}

/** Each ticket's records, from its rows (every ticket asked for has an entry, empty or not). */
export function ticketRecords(tickets: readonly string[], rows: TicketRows): Map<string, TicketRecords> {
  const byTicket = new Map<string, TicketRecords>(tickets.map((ticket) => [ticket, { rejections: [], lastApproval: null, manualSteps: { added: [], states: {} } }]));
  for (const { ticket, stage, at, reason, by, source } of rows.rejections) byTicket.get(ticket)!.rejections.push({ stage, at, reason, by, source });
  for (const { ticket, ...approval } of rows.approvals) byTicket.get(ticket)!.lastApproval = approval;
  for (const { ticket, ...step } of rows.steps) byTicket.get(ticket)!.manualSteps.added.push(step);
  for (const event of rows.events) byTicket.get(event.ticket)!.manualSteps.states[event.step_id] = { status: event.status, by: event.by, at: event.at };
  return byTicket;
}

/** The branch heads an index's sync saw, a row per environment branch; never-synced repositories have none. */
export function headRows(branches: IndexedBranches[]): BranchHead[] {
  return branches.flatMap((branch) =>
    branch.syncedAt === null ? [] : Object.entries(branch.tips).map(([environment, sha]) => ({ repository: branch.repository, environment, sha, seenAt: branch.syncedAt! })),
  );
}

export interface WatchRow {
  id: number;
  platform: WatchRecord['platform'];
  subject_kind: WatchRecord['subjectKind'];
  subject: string;
  destination: string;
  created_by: string;
}

export function watchRecord(row: WatchRow): WatchRecord {
  return { id: row.id, platform: row.platform, subjectKind: row.subject_kind, subject: row.subject, destination: row.destination, createdBy: row.created_by };
}

export interface AnnouncementRow {
  seq: number;
  state: string;
  posted_at: string | null;
  claimed_at: string;
}

/** A watch's newest announcement, posted or only claimed. */
export function announcement(row: AnnouncementRow): { seq: number; state: string; posted: boolean; claimedAt: string } {
  return { seq: row.seq, state: row.state, posted: row.posted_at !== null, claimedAt: row.claimed_at };
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
