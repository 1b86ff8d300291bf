import { createHash } from 'node:crypto';

/**
 * What the hash reads of a manifest: ids and data, never words. Manifests saved by earlier versions
 * have all of it too, so a saved manifest can be hashed again the way the current one is.
 */
export interface HashedManifest {
  release: string;
  from: string;
  to: string;
  tickets: Array<{ ticket: string }>;
  repositories: Array<{ name: string; commitsToPromote: Array<{ sha: string }>; dbScripts: string[] }>;
  manualSteps: Array<{ id: string }>;
  risks: Array<{ code: string; repository: string | null; files: string[] }>;
  suggestedTickets: Array<{ ticket: string }>;
  notReady: Array<{ sha: string }>;
}

/**
 * sha256 over what will be promoted, in a canonical form: tickets, commits, DB scripts, manual steps
 * (by id: a derived step's id is computed from what it is about), risks (code, repository, files),
 * suggested and not-ready tickets. Left out on purpose: verdicts and step states (ticking a step
 * done changes the verdict, not what a captain approved), and every text gig words (rewording a
 * message must not make approvals stale).
 */
export function manifestHash(manifest: HashedManifest): string {
  const canonical = {
    release: manifest.release,
    from: manifest.from,
    to: manifest.to,
    tickets: manifest.tickets.map((ticket) => ticket.ticket).sort(),
    repositories: [...manifest.repositories]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((repository) => ({ name: repository.name, commits: repository.commitsToPromote.map((commit) => commit.sha), dbScripts: repository.dbScripts })),
    manualSteps: manifest.manualSteps.map((step) => step.id).sort(),
    risks: manifest.risks.map((risk) => [risk.code, risk.repository ?? '', risk.files.join(',')]).sort(),
    suggestedTickets: manifest.suggestedTickets.map((ticket) => ticket.ticket).sort(),
    notReady: manifest.notReady.map((commit) => commit.sha).sort(),
  };
  return createHash('sha256').update(canonicalJson(canonical)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
