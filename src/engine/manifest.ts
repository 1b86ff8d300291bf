import { createHash } from 'node:crypto';
import { compareText } from './changes.js';
import type { TicketEvaluation } from './evaluate.js';
import { compareScripts, type ManualStep, type Risk } from './risks.js';
import { compileRule, type RiskRule } from './risk-rules.js';
import { worstVerdict, type Verdict } from './verdict.js';

/** The release packet (DESIGN §4.7): what a release captain reviews and approves, by hash. */
export interface Manifest {
  release: string;
  from: string;
  to: string;
  hash: string;
  verdict: Verdict;
  tickets: Array<{
    ticket: string;
    verdict: Verdict;
    reasons: string[];
    lastRejection: { stage: string; at: string; reason: string | null } | null;
    sinceRejection: string[];
  }>;
  suggestedTickets: Array<{ ticket: string; reason: string }>;
  repositories: ManifestRepository[];
  manualSteps: Array<ManualStep & { ticket: string }>;
  risks: Array<Risk & { ticket: string }>;
  /** Changes of the release that are in neither environment yet: not ready to promote. */
  notReady: Array<{ repository: string; ticket: string; sha: string; subject: string }>;
}

export interface ManifestRepository {
  name: string;
  commitsToPromote: Array<{ sha: string; ticket: string; tickets: string[]; subject: string; author: string; committedAt: string }>;
  /** A ready line: `git cherry-pick -x <sha> …` in source order. */
  cherryPick: string;
  dbScripts: string[];
}

/** `repositoryOrder` is the configuration's order, which every view follows. */
export function buildManifest(release: string, from: string, to: string, evaluations: TicketEvaluation[], rules: RiskRule[], repositoryOrder: string[]): Manifest {
  const inRelease = new Set(evaluations.map((evaluation) => evaluation.ticket));
  const dbRules = rules.filter((rule) => rule.code === 'db-script').map(compileRule);
  const byRepository = new Map<string, Map<string, ManifestRepository['commitsToPromote'][number]>>();
  for (const evaluation of evaluations) {
    for (const commit of evaluation.toPromote) {
      const commits = byRepository.get(commit.repository) ?? new Map();
      byRepository.set(commit.repository, commits);
      const known = commits.get(commit.sha);
      if (known) known.tickets.push(evaluation.ticket);
      else commits.set(commit.sha, { sha: commit.sha, ticket: evaluation.ticket, tickets: [evaluation.ticket], subject: commit.subject, author: commit.author, committedAt: commit.committedAt });
    }
  }
  const filesOf = new Map(evaluations.flatMap((evaluation) => evaluation.toPromote.map((commit) => [commit.sha, commit.files] as const)));
  const position = (name: string): number => (repositoryOrder.includes(name) ? repositoryOrder.indexOf(name) : repositoryOrder.length);
  const repositories = [...byRepository.entries()].sort(([a], [b]) => position(a) - position(b)).map(([name, commits]) => {
    const ordered = [...commits.values()].sort((a, b) => compareText(a.committedAt, b.committedAt) || compareText(a.sha, b.sha));
    const scripts = [...new Set(ordered.flatMap((commit) => filesOf.get(commit.sha) ?? []))].filter((file) => dbRules.some((matches) => matches(file)));
    return { name, commitsToPromote: ordered, cherryPick: `git cherry-pick -x ${ordered.map((commit) => commit.sha).join(' ')}`, dbScripts: scripts.sort(compareScripts) };
  });

  const suggested = new Map<string, string>();
  for (const evaluation of evaluations) {
    for (const dependency of evaluation.dependencies) {
      if (dependency.direction !== 'needs' || inRelease.has(dependency.ticket) || dependency.status === 'satisfied') continue;
      const reason = `${evaluation.ticket} needs it (${dependency.kind}${dependency.via ? ` via ${dependency.via}` : ''}) and it is ${dependency.status === 'unknown' ? 'unknown to the index' : `not in ${to}`}`;
      if (!suggested.has(dependency.ticket)) suggested.set(dependency.ticket, reason);
    }
  }

  const manifest: Omit<Manifest, 'hash'> = {
    release,
    from,
    to,
    verdict: worstVerdict(evaluations.map((evaluation) => evaluation.verdict)),
    tickets: evaluations.map((evaluation) => ({
      ticket: evaluation.ticket,
      verdict: evaluation.verdict,
      reasons: evaluation.reasons,
      lastRejection: evaluation.lastRejection
        ? { stage: evaluation.lastRejection.stage, at: evaluation.lastRejection.at, reason: evaluation.lastRejection.reason }
        : null,
      sinceRejection: evaluation.sinceRejection,
    })),
    suggestedTickets: [...suggested].map(([ticket, reason]) => ({ ticket, reason })),
    repositories,
    manualSteps: evaluations.flatMap((evaluation) => evaluation.manualSteps.map((step) => ({ ...step, ticket: evaluation.ticket }))),
    risks: evaluations.flatMap((evaluation) => evaluation.risks.map((risk) => ({ ...risk, ticket: evaluation.ticket }))),
    notReady: evaluations.flatMap((evaluation) =>
      evaluation.notInSource.map((commit) => ({ repository: commit.repository, ticket: evaluation.ticket, sha: commit.change, subject: commit.subject })),
    ),
  };
  return { ...manifest, hash: manifestHash(manifest) };
}

/**
 * sha256 over what will be promoted: tickets, commits, DB scripts, manual steps, risks and suggested
 * tickets, in a canonical form. Verdicts and step states are left out on purpose: ticking a step
 * done changes the verdict, not what a captain approved.
 */
export function manifestHash(manifest: Omit<Manifest, 'hash'>): string {
  const canonical = {
    release: manifest.release,
    from: manifest.from,
    to: manifest.to,
    tickets: manifest.tickets.map((ticket) => ticket.ticket).sort(),
    repositories: [...manifest.repositories]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((repository) => ({ name: repository.name, commits: repository.commitsToPromote.map((commit) => commit.sha), dbScripts: repository.dbScripts })),
    manualSteps: manifest.manualSteps.map((step) => [step.id, step.summary]).sort(),
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

/** What changed between the manifest as saved and as it is now, in words. */
export function manifestDrift(saved: Manifest, current: Manifest): string[] {
  const drift: string[] = [];
  const savedTickets = new Map(saved.tickets.map((ticket) => [ticket.ticket, ticket.verdict]));
  const sameTickets = (a: Manifest['tickets'], b: Manifest['tickets']): boolean =>
    JSON.stringify(a.map((ticket) => [ticket.ticket, ticket.verdict])) === JSON.stringify(b.map((ticket) => [ticket.ticket, ticket.verdict]));
  for (const ticket of current.tickets) {
    const before = savedTickets.get(ticket.ticket);
    if (before !== undefined && before !== ticket.verdict) drift.push(`${ticket.ticket}: verdict ${before} → ${ticket.verdict}`);
  }
  if (saved.hash === current.hash && sameTickets(saved.tickets, current.tickets)) return [];
  const repositories = new Set([...saved.repositories, ...current.repositories].map((repository) => repository.name));
  for (const name of repositories) {
    const before = saved.repositories.find((repository) => repository.name === name);
    const now = current.repositories.find((repository) => repository.name === name);
    const beforeShas = new Set(before?.commitsToPromote.map((commit) => commit.sha) ?? []);
    const nowShas = new Set(now?.commitsToPromote.map((commit) => commit.sha) ?? []);
    for (const commit of now?.commitsToPromote ?? []) {
      if (!beforeShas.has(commit.sha)) drift.push(`${name}: new commit to promote ${commit.sha.slice(0, 8)} ${commit.ticket} "${commit.subject}"`);
    }
    for (const commit of before?.commitsToPromote ?? []) {
      if (!nowShas.has(commit.sha)) drift.push(`${name}: ${commit.sha.slice(0, 8)} "${commit.subject}" no longer needs promoting`);
    }
    for (const script of now?.dbScripts ?? []) if (!before?.dbScripts.includes(script)) drift.push(`${name}: new DB script ${script}`);
  }
  const savedSteps = new Set(saved.manualSteps.map((step) => step.id));
  for (const step of current.manualSteps) if (!savedSteps.has(step.id)) drift.push(`new manual step ${step.id}: ${step.summary}`);
  const savedSuggested = new Set(saved.suggestedTickets.map((ticket) => ticket.ticket));
  for (const ticket of current.suggestedTickets) if (!savedSuggested.has(ticket.ticket)) drift.push(`new dependency outside the release: ${ticket.ticket}`);
  if (drift.length === 0 && saved.hash !== current.hash) drift.push('the manifest changed (risks or readiness)');
  return drift;
}
