import type { CardLinks } from '../views/cards/links.js';
import type { CommandContext } from './context.js';

/**
 * The links of cards for this configuration: commits from each repository's web address (a
 * template with {sha}, or the usual commit path of GitHub, GitLab, Bitbucket and Azure DevOps),
 * tickets from the address the tracker gave (stored at sync), people from `people`.
 */
export function cardLinks(context: CommandContext): CardLinks {
  const webOf = new Map(context.config.repositories.map((repository) => [repository.name, repository.web]));
  return {
    commit: (repository, sha) => {
      const web = webOf.get(repository);
      return web && /^[0-9a-f]{7,64}$/.test(sha) ? commitUrl(web, sha) : null;
    },
    ticket: (ticket) => context.index.trackerTicket(ticket)?.url || null,
    person: (name) => {
      const known = context.config.people.find((candidate) => candidate.name === name);
      return known && (known.slack || known.teams) ? { slack: known.slack, teams: known.teams } : null;
    },
  };
}

/** A commit's page on the host of `web`; `web` with {sha} is a template of its own. */
export function commitUrl(web: string, sha: string): string {
  if (web.includes('{sha}')) return web.replaceAll('{sha}', sha);
  const base = web.replace(/\/+$/, '');
  const host = new URL(base).hostname;
  if (host === 'bitbucket.org') return `${base}/commits/${sha}`;
  if (host.includes('gitlab')) return `${base}/-/commit/${sha}`;
  // GitHub (and Enterprise), Azure DevOps (…/_git/<repo>/commit/<sha>), Gitea and most others.
  return `${base}/commit/${sha}`;
}
