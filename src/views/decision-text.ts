import type { DecisionOutcome } from '../engine/approvals.js';
import { FLAG_PROMPT, OVERRIDE_PROMPT } from './cards/prompts.js';
import { shortSha } from './format.js';

/** Words for a refused Approve or Flag, shown to the one who clicked only; null when nothing was refused. */
export function refusalText(outcome: DecisionOutcome): string | null {
  switch (outcome.kind) {
    case 'not-captain':
      return 'Only release captains can approve or flag a release. Ask one of them, or have yourself added to "people" with captain: true.';
    case 'self-approval':
      return `You wrote ${outcome.commits.length === 1 ? 'a commit' : `${outcome.commits.length} commits`} of this release (${outcome.commits.map(shortSha).join(', ')}), so another captain has to approve it.`;
    case 'stale':
      if (outcome.behind) {
        return `This gig replica's index is behind another's (${outcome.behind.branches.slice(0, 3).join(', ')} moved), so it does not see the manifest you decided on yet. Nothing was recorded: decide again in a minute, after its next sync.`;
      }
      return 'The manifest changed since you opened it: the card now shows the current one. Review it and decide again.';
    case 'reason-required':
      return FLAG_PROMPT.whenEmpty;
    case 'override-reason-required':
      return OVERRIDE_PROMPT.whenEmpty;
    case 'blocked':
      return outcome.overridable
        ? 'This release is BLOCKED, so Approve does nothing. To approve it anyway, use "Approve over BLOCKED" and give the reason; it is recorded with your approval.'
        : 'This release is BLOCKED: it cannot be approved until what blocks it is fixed (the card lists why). Flag it, or fix and re-check.';
    default:
      return null;
  }
}

/** Said to a captain who clicked the same decision on the same manifest again. */
export function duplicateText(decision: 'approve' | 'flag'): string {
  return `You already ${decision === 'approve' ? 'approved' : 'flagged'} this manifest.`;
}

/** The line a recorded decision adds to the card's thread: who, what, on which manifest, and why. */
export function decisionHistoryText(outcome: { decision: 'approve' | 'flag'; by: string }, hash: string, reason: string | null, override: boolean): string {
  const what = outcome.decision === 'flag' ? 'flagged' : override ? 'approved over BLOCKED' : 'approved';
  return `${outcome.decision === 'flag' ? '⚑' : '✔'} ${outcome.by} ${what} manifest ${hash.slice(0, 12)}${reason?.trim() ? `: “${reason.trim()}”` : ''}`;
}
