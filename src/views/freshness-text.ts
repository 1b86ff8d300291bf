import type { IndexLag } from '../engine/freshness.js';

/** How fresh an answer's index is: "index as of …", and a warning when another replica has seen newer branches. */
export function freshnessText(asOf: string | null, behind: IndexLag | null, time: (iso: string) => string): string {
  const synced = asOf === null ? 'index never synced' : `index as of ${time(asOf)}`;
  return behind === null ? synced : `${synced} · ⚠️ ${behindText(behind, time)}`;
}

/** The warning alone, for the line of its own a terminal gives it. */
export function behindText(behind: IndexLag, time: (iso: string) => string): string {
  const shown = behind.branches.slice(0, 3).join(', ') + (behind.branches.length > 3 ? ` and ${behind.branches.length - 3} more` : '');
  return `behind: another gig replica saw ${shown} move at ${time(behind.seenAt)}; this answer may miss those commits until this replica's next sync`;
}
