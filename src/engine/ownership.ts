import type { TicketMatcher } from './tickets.js';

/**
 * Where a commit names a ticket (docs/history.md §2). The index keeps every place; which of them
 * make the commit part of the ticket (`tickets.ownedBy`) is decided when answering, so changing
 * that setting needs no re-index.
 */
export type RefSource = 'subject' | 'trailer' | 'merge' | 'pr' | 'body';

export interface TicketRef {
  ticket: string;
  source: RefSource;
}

/** The configuration's names for the places, and the sources the index records for each. */
export const SOURCES_OF_PLACE: Record<'subject' | 'trailers' | 'branch' | 'pr' | 'body', RefSource> = {
  subject: 'subject',
  trailers: 'trailer',
  branch: 'merge',
  pr: 'pr',
  body: 'body',
};

// GitHub: "Merge pull request #42 from org/ABC-7-fix"; GitLab: "Merge branch 'ABC-7-fix' into 'main'";
// Bitbucket Server: "Merge pull request #12 in PROJ/repo from feature/ABC-7 to master". Their body's
// first line is the pull request's title.
const PULL_REQUEST_MERGE = /^(?:Merge pull request #\d+ (?:from|in) |Merge branch '[^']+' into '[^']+'$)/;
// `(\S.*)` then trim, not `(.+?)\s*$`: the lazy form backtracks quadratically on a line of spaces.
const TRAILER_LINE = /^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(\S.*)$/;

/**
 * The part of a merge subject that names what was merged: `Merge branch 'feature/ABC-7' into
 * develop` merged feature/ABC-7, and `Merge branch 'main' into feature/ABC-7` merged main (a
 * back-merge lends nothing to main's commits). Other merge subjects are read whole.
 */
export function mergedBranchText(subject: string): string {
  const branches = /^Merge (?:remote-tracking )?branch(?:es)? ((?:'[^']*'(?:, | and )?)+)/.exec(subject);
  if (branches) return branches[1]!;
  const github = /^Merge pull request #\d+ from (\S+)/.exec(subject);
  if (github) return github[1]!;
  const bitbucket = /^Merge pull request #\d+ in \S+ from (\S+)/.exec(subject);
  if (bitbucket) return bitbucket[1]!;
  return subject;
}
const NOT_MENTIONS = new Set(['depends-on']);

export interface CommitTickets {
  /** Every place the message names a ticket. */
  refs: TicketRef[];
  /** For a merge: the tickets it lends to the commits it brings in, and through which place. */
  lends: TicketRef[];
  /** Tickets the commit names itself (subject, owning trailers, its pull request's title): merges leave such commits alone. */
  namesItself: boolean;
}

export function ticketsOfMessage(message: string, isMerge: boolean, matcher: TicketMatcher, owningTrailers: string[]): CommitTickets {
  const [subject = '', ...body] = message.split('\n');
  const owning = new Set(owningTrailers.map((key) => key.toLowerCase()));
  const refs: TicketRef[] = [];
  const add = (text: string, source: RefSource): void => {
    for (const ticket of matcher.find(text)) if (!refs.some((ref) => ref.ticket === ticket && ref.source === source)) refs.push({ ticket, source });
  };
  add(subject, 'subject');
  const titleIndex = isMerge && PULL_REQUEST_MERGE.test(subject) ? body.findIndex((line) => line.trim() !== '') : -1;
  body.forEach((line, index) => {
    if (index === titleIndex) return add(line, 'pr');
    const trailer = TRAILER_LINE.exec(line.trim());
    const key = trailer?.[1]!.toLowerCase();
    if (key !== undefined && owning.has(key)) add(trailer![2]!, 'trailer');
    else if (key === undefined || !NOT_MENTIONS.has(key)) add(line, 'body');
  });
  const own = refs.filter((ref) => ref.source !== 'body');
  const lends: TicketRef[] = [];
  if (isMerge) {
    const merged = new Set(matcher.find(mergedBranchText(subject)));
    for (const ref of refs) {
      if (ref.source === 'pr') lends.push(ref);
      if (ref.source === 'subject' && merged.has(ref.ticket)) lends.push({ ticket: ref.ticket, source: 'merge' });
    }
  }
  return { refs, lends, namesItself: own.length > 0 };
}
