import type { DecisionOutcome } from '../engine/approvals.js';
import { shortSha } from './format.js';

/** Words for a refused Approve or Flag, shown to the one who clicked only; null when nothing was refused. */
export function refusalText(outcome: DecisionOutcome): string | null {
  switch (outcome.kind) {
    case 'not-captain':
      return 'Only release captains can approve or flag a release. Ask one of them, or have yourself added to "people" with captain: true.';
    case 'self-approval':
      return `You wrote ${outcome.commits.length === 1 ? 'a commit' : `${outcome.commits.length} commits`} of this release (${outcome.commits.map(shortSha).join(', ')}), so another captain has to approve it.`;
    case 'stale':
      return 'The manifest changed since you opened it: the card now shows the current one. Review it and decide again.';
    case 'reason-required':
      return 'A flag needs a reason, so the team knows what to fix.';
    default:
      return null;
  }
}
