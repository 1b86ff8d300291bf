import { link, lit, person, time } from '../escape/markup.js';
import { humanTime, shortSha } from '../format.js';

/**
 * Where card values lead: a commit's page, a ticket's page, a person to mention. Commands build it
 * from the configuration and the index (commands/links.ts); cards ask it and fall back to words.
 */
export interface CardLinks {
  commit(repository: string, sha: string): string | null;
  ticket(ticket: string): string | null;
  person(name: string): { slack?: string | undefined; teams?: string | undefined } | null;
}

export const NO_LINKS: CardLinks = { commit: () => null, ticket: () => null, person: () => null };

/** A SHA as the card shows it: a link to the commit where the repository's web address is known, code otherwise. */
export function shaRef(links: CardLinks, repository: string, sha: string): string {
  const url = links.commit(repository, sha);
  return url ? link(shortSha(sha), url) : `\`${lit(shortSha(sha))}\``;
}

/** A ticket id, linked to the tracker's page when gig has read it there. */
export function ticketRef(links: CardLinks, ticket: string): string {
  return link(ticket, links.ticket(ticket));
}

/** A person: mentioned where the platform knows them (people[].slack / .teams), named otherwise. */
export function personRef(links: CardLinks, name: string): string {
  const ids = links.person(name);
  return ids ? person(name, ids) : lit(name);
}

/** A moment in each reader's time zone where the platform can show it; UTC in words elsewhere. */
export function when(iso: string): string {
  return time(iso, humanTime(iso));
}
