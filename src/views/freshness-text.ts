import type { Freshness, IndexLag } from '../engine/freshness.js';
import { firstFew } from './format.js';

/** How fresh an answer's index is: "index as of …", and a warning when another replica has seen newer branches. */
export function freshnessText({ asOf, behind }: Freshness, time: (iso: string) => string): string {
  const synced = asOf === null ? 'index never synced' : `index as of ${time(asOf)}`;
  return behind === null ? synced : `${synced} · ⚠️ ${behindText(behind, time)}`;
}

/** The warning alone, for the line of its own a terminal gives it. */
export function behindText(behind: IndexLag, time: (iso: string) => string): string {
  return `behind: another gig replica saw ${firstFew(behind.branches)} move at ${time(behind.seenAt)}; this answer may miss those commits until this replica's next sync`;
}
