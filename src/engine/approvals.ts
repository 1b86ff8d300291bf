import type { IndexLag } from './freshness.js';
import type { ApprovalRecord } from './ports.js';

/** Where a release stands with its captains, for the manifest it has now (DESIGN §4.7). */
export interface ApprovalState {
  approvals: Array<ApprovalRecord & { stale: boolean }>;
  required: number;
  /** Distinct captains who approved the current manifest. */
  approvedBy: string[];
  approved: boolean;
  /** The newest flag on the current manifest, if any. */
  flagged: (ApprovalRecord & { stale: boolean }) | null;
}

/** Decisions on an earlier manifest hash are stale: they show, but they do not count. */
export function approvalState(records: ApprovalRecord[], currentHash: string, required: number): ApprovalState {
  const approvals = records.map((approval) => ({ ...approval, stale: approval.hash !== currentHash }));
  const current = approvals.filter((approval) => !approval.stale);
  const approvedBy = [...new Set(current.filter((approval) => approval.decision === 'approve').map((approval) => approval.by))];
  const flagged = [...current].reverse().find((approval) => approval.decision === 'flag') ?? null;
  return { approvals, required, approvedBy, approved: flagged === null && approvedBy.length >= required, flagged };
}

/** What became of a captain's click on Approve or Flag. */
export type DecisionOutcome =
  | { kind: 'recorded'; decision: 'approve' | 'flag'; by: string }
  | { kind: 'duplicate'; decision: 'approve' | 'flag'; by: string }
  | { kind: 'not-captain' }
  /** The captain wrote these commits of the release. */
  | { kind: 'self-approval'; commits: string[] }
  /** The manifest changed since the card was shown. */
  | { kind: 'stale'; behind?: IndexLag }
  | { kind: 'reason-required' }
  | { kind: 'override-reason-required' }
  /** Approve on a BLOCKED release: refused; `overridable` when the policy lets a captain override it with a reason. */
  | { kind: 'blocked'; overridable: boolean };
