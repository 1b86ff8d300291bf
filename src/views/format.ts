import stringWidth from 'string-width';
import { ancestorsOf, type Topology } from '../engine/topology.js';

/** Small text helpers shared by the plain-text views. */

export function shortSha(sha: string): string {
  return sha.slice(0, 8);
}

const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Characters a terminal always gives one column: printable ASCII, Latin letters, general
 * punctuation (dashes, quotes, bullet, ellipsis), arrows, mathematical operators, and the marks of
 * gig's tables (✓ ⚑). No emoji, no East Asian wide character is among them.
 */
const ONE_COLUMN = /^[\x20-\x7e\u00a0-\u02ff\u2010-\u2027\u2190-\u21ff\u2200-\u22ff\u2713\u2691]*$/;

/**
 * Terminal columns of `text`. string-width's first call costs tens of milliseconds (its emoji
 * tables); most subjects and every mark of gig's tables are one column a character, so a plain
 * `gig status` does not pay it.
 */
function displayWidth(text: string): number {
  return ONE_COLUMN.test(text) ? text.length : stringWidth(text);
}

/**
 * At most `width` terminal columns, cut at a whole character with "…". Widths are what a terminal
 * shows (string-width): a CJK character or an emoji takes two columns, a combining accent none.
 */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let kept = '';
  let used = 0;
  for (const { segment } of GRAPHEMES.segment(text)) {
    const next = stringWidth(segment);
    if (used + next > width - 1) break;
    kept += segment;
    used += next;
  }
  return `${kept}…`;
}

/** `text` followed by spaces up to `width` terminal columns. */
export function pad(text: string, width: number): string {
  const shown = displayWidth(text);
  return shown >= width ? text : text + ' '.repeat(width - shown);
}

/** The ticket ids a line should show before a subject: none when the subject already names them all. */
export function subjectWithTickets(subject: string, tickets: string[]): string {
  const upper = subject.toUpperCase();
  const unnamed = tickets.filter((ticket) => !upper.includes(ticket.toUpperCase()));
  return unnamed.length === 0 ? subject : `[${unnamed.join(', ')}] ${subject}`;
}

/**
 * A commit to promote as `gig status` names it: the change's own SHA first (the one in the status
 * table), and, when what travels is a copy of it on the source branch, that copy beside it.
 */
export function promotedChange(commit: { sha: string; change: string; kind: 'change' | 'revert' }, source: string | null): { sha: string; copy: string | null; full: string } {
  if (commit.kind === 'revert' || commit.change === commit.sha) return { sha: shortSha(commit.sha), copy: null, full: commit.sha };
  return { sha: shortSha(commit.change), copy: `as ${shortSha(commit.sha)}${source === null ? '' : ` in ${source}`}`, full: commit.change };
}

/** "2026-11-24 10:00 UTC": minutes are what a person reads; seconds are noise here. */
export function humanTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** "2026-11-24 10:00", where the sentence says the zone elsewhere or the moment is approximate. */
export function shortTime(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

/** "2026-11-24": the day of a commit, a rejection or a review. */
export function day(iso: string): string {
  return iso.slice(0, 10);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** `main → 2.3, main → 2.2`, `dev → qa → uat → prod`: one line per root-to-leaf path. */
export function describeTopology(topology: Topology): string {
  const hasChild = new Set(Object.values(topology.feeder).filter((feeder): feeder is string => feeder !== null));
  return topology.order
    .filter((env) => !hasChild.has(env))
    .map((leaf) => [...ancestorsOf(topology, leaf).reverse(), leaf].join(' → '))
    .join(', ');
}

/** The first three of a list and how many more: "a, b, c and 4 more". */
export function firstFew(items: string[]): string {
  return items.length <= 3 ? items.join(', ') : `${items.slice(0, 3).join(', ')} and ${items.length - 3} more`;
}
