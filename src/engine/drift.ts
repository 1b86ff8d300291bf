import type { ManualStep } from './manual-steps.js';
import type { Manifest } from './manifest.js';
import { manifestHash } from './manifest-hash.js';
import type { Verdict } from './verdict.js';

/** One way a release changed since it was saved (views word it). */
export type Drift =
  | { kind: 'verdict'; ticket: string; before: Verdict; after: Verdict }
  | { kind: 'new-commit'; repository: string; sha: string; ticket: string; subject: string }
  | { kind: 'commit-gone'; repository: string; sha: string; subject: string }
  | { kind: 'new-db-script'; repository: string; script: string }
  | { kind: 'new-manual-step'; step: ManualStep }
  | { kind: 'new-dependency'; ticket: string }
  /** The content differs in what none of the above names: risks or readiness. */
  | { kind: 'other' };

/**
 * What changed between the manifest as saved and as it is now. The saved one may come from an
 * earlier version of gig: only fields every version saved are read, and it is hashed again the way
 * the current one is, so a change in how gig hashes is never mistaken for a change of the release.
 */
export function manifestDrift(saved: Manifest, current: Manifest): Drift[] {
  const drift: Drift[] = [];
  const savedVerdicts = new Map(saved.tickets.map((ticket) => [ticket.ticket, ticket.verdict]));
  for (const ticket of current.tickets) {
    const before = savedVerdicts.get(ticket.ticket);
    if (before !== undefined && before !== ticket.verdict) drift.push({ kind: 'verdict', ticket: ticket.ticket, before, after: ticket.verdict });
  }
  const sameContent = manifestHash(saved) === current.hash;
  const verdictsOf = (manifest: Manifest): string => JSON.stringify(manifest.tickets.map((ticket) => [ticket.ticket, ticket.verdict]));
  if (sameContent && verdictsOf(saved) === verdictsOf(current)) return [];
  const repositories = new Set([...saved.repositories, ...current.repositories].map((repository) => repository.name));
  for (const name of repositories) {
    const before = saved.repositories.find((repository) => repository.name === name);
    const now = current.repositories.find((repository) => repository.name === name);
    const beforeShas = new Set(before?.commitsToPromote.map((commit) => commit.sha) ?? []);
    const nowShas = new Set(now?.commitsToPromote.map((commit) => commit.sha) ?? []);
    for (const commit of now?.commitsToPromote ?? []) {
      if (!beforeShas.has(commit.sha)) drift.push({ kind: 'new-commit', repository: name, sha: commit.sha, ticket: commit.ticket, subject: commit.subject });
    }
    for (const commit of before?.commitsToPromote ?? []) {
      if (!nowShas.has(commit.sha)) drift.push({ kind: 'commit-gone', repository: name, sha: commit.sha, subject: commit.subject });
    }
    for (const script of now?.dbScripts ?? []) if (!before?.dbScripts.includes(script)) drift.push({ kind: 'new-db-script', repository: name, script });
  }
  const savedSteps = new Set(saved.manualSteps.map((step) => step.id));
  for (const step of current.manualSteps) if (!savedSteps.has(step.id)) drift.push({ kind: 'new-manual-step', step });
  const savedSuggested = new Set(saved.suggestedTickets.map((ticket) => ticket.ticket));
  for (const ticket of current.suggestedTickets) if (!savedSuggested.has(ticket.ticket)) drift.push({ kind: 'new-dependency', ticket: ticket.ticket });
  if (drift.length === 0 && !sameContent) drift.push({ kind: 'other' });
  return drift;
}
