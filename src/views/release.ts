import { stringify } from 'csv-stringify/sync';
import type { ApprovalState } from '../engine/approvals.js';
import type { Manifest } from '../engine/manifest.js';
import type { Verdict } from '../engine/verdict.js';
import { VERDICT_LABEL } from './evaluation-text.js';
import { PLAIN_LAYOUT, styledVerdict, type TextLayout } from './style.js';
import { day, humanTime, pad, plural, promotedChange, shortSha, subjectWithTickets, truncate } from './format.js';
import { manualStepJson, riskJson } from './status-json.js';
import { behindText, freshnessText } from './freshness-text.js';
import type { Freshness } from '../engine/freshness.js';

export interface ReleaseView {
  manifest: Manifest;
  drift: string[];
  approvals?: ApprovalState;
  /** How fresh the index the release was evaluated on is; absent where not known. */
  freshness?: Freshness;
}

/** `gig release --json`: the manifest contract of docs/json.md. */
export function releaseJson({ manifest, drift, approvals, freshness }: ReleaseView): unknown {
  return {
    release: manifest.release,
    from: manifest.from,
    to: manifest.to,
    hash: manifest.hash,
    verdict: manifest.verdict,
    tickets: manifest.tickets,
    suggestedTickets: manifest.suggestedTickets,
    repositories: manifest.repositories.map((repository) => ({
      name: repository.name,
      commitsToPromote: repository.commitsToPromote.map((commit) => ({ sha: commit.sha, change: commit.change, kind: commit.kind, ticket: commit.ticket, tickets: commit.tickets, subject: commit.subject })),
      cherryPick: repository.cherryPick,
      dbScripts: repository.dbScripts,
    })),
    manualSteps: manifest.manualSteps.map((step) => ({ ticket: step.ticket, ...(manualStepJson(step) as object) })),
    risks: manifest.risks.map((risk) => ({ ticket: risk.ticket, ...(riskJson(risk) as object) })),
    notReady: manifest.notReady,
    drift,
    approvals: (approvals?.approvals ?? []).map((approval) => ({
      by: approval.by,
      decision: approval.decision,
      hash: approval.hash,
      at: approval.at,
      reason: approval.reason,
      stale: approval.stale,
    })),
    approved: approvals?.approved ?? false,
    asOf: freshness?.asOf ?? null,
    behind: freshness?.behind ?? null,
  };
}

/** The terminal view of a release. */
export function renderReleaseText({ manifest, drift, freshness }: ReleaseView, { style }: TextLayout = PLAIN_LAYOUT): string {
  const verdict = (of: Verdict): string => styledVerdict(style, of, VERDICT_LABEL[of]);
  const lines = [`${style.strong(`Release ${manifest.release}: ${manifest.from} → ${manifest.to}`)} · ${verdict(manifest.verdict)} · manifest ${manifest.hash.slice(0, 12)}`];
  if (freshness?.behind) lines.push(style.warn(`! ${behindText(freshness.behind, humanTime)}`));
  if (drift.length > 0) lines.push('', style.warn('Changed since it was saved'), ...drift.map((item) => style.warn(`  ! ${item}`)));
  lines.push('', 'Tickets');
  for (const ticket of manifest.tickets) {
    lines.push(`  ${pad(ticket.ticket, 10)} ${verdict(ticket.verdict)}`);
    for (const reason of ticket.reasons) lines.push(`      - ${reason}`);
  }
  if (manifest.suggestedTickets.length > 0) {
    lines.push('', 'Not in the release but needed');
    for (const suggestion of manifest.suggestedTickets) lines.push(`  ${pad(suggestion.ticket, 10)} ${suggestion.reason}`);
  }
  for (const repository of manifest.repositories) {
    lines.push('', `${repository.name}: ${repository.commitsToPromote.length} to promote`);
    for (const commit of repository.commitsToPromote) {
      const { sha, copy } = promotedChange(commit, manifest.from);
      lines.push(`  ${sha} ${truncate(subjectWithTickets(commit.subject, commit.tickets), 60)}${copy ? `  (${copy})` : ''}`);
    }
    lines.push(`  ${repository.cherryPick}`);
    if (repository.dbScripts.length > 0) lines.push(`  DB scripts in order: ${repository.dbScripts.join(', ')}`);
  }
  if (manifest.notReady.length > 0) {
    lines.push('', `Not in ${manifest.from} yet`);
    for (const commit of manifest.notReady) lines.push(`  ${pad(commit.repository, 16)} ${shortSha(commit.sha)} ${truncate(subjectWithTickets(commit.subject, [commit.ticket]), 60)}`);
  }
  if (manifest.manualSteps.length > 0) {
    lines.push('', 'Manual steps');
    for (const step of manifest.manualSteps) lines.push(`  ${step.id} ${pad(step.status, 5)} ${pad(step.ticket, 10)} ${step.summary}`);
  }
  if (manifest.risks.length > 0) {
    lines.push('', 'Risks');
    for (const risk of manifest.risks) lines.push(`  ${pad(risk.level, 8)} ${pad(risk.ticket, 10)} ${risk.repository ?? ''}: ${risk.summary}`);
  }
  return lines.join('\n');
}

/**
 * The Markdown packet: one section for each audience. QA reads what changed and since when, the
 * client reviewer reads the tickets in plain words, the release manager reads what to run.
 */
export function renderReleaseMarkdown({ manifest, drift, freshness }: ReleaseView): string {
  const md: string[] = [];
  const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  md.push(`# Release ${manifest.release}: ${manifest.from} → ${manifest.to}`, '');
  md.push(`**Verdict: ${VERDICT_LABEL[manifest.verdict]}** · manifest \`${manifest.hash}\`${freshness ? ` · ${freshnessText(freshness, humanTime)}` : ''}`, '');
  if (drift.length > 0) md.push('> **Changed since the release was saved:**', ...drift.map((item) => `> - ${item}`), '');
  md.push('| Ticket | Verdict | Why |', '|---|---|---|');
  for (const ticket of manifest.tickets) md.push(`| ${ticket.ticket} | ${VERDICT_LABEL[ticket.verdict]} | ${cell(ticket.reasons.join('; ') || '—')} |`);
  if (manifest.suggestedTickets.length > 0) {
    md.push('', '**Needed but not in the release:**', ...manifest.suggestedTickets.map((item) => `- ${item.ticket}: ${item.reason}`));
  }

  md.push('', '## For QA', '');
  for (const ticket of manifest.tickets.filter((candidate) => candidate.lastRejection !== null)) {
    const rejection = ticket.lastRejection!;
    const since = ticket.sinceRejection.length > 0 ? `changed since: ${ticket.sinceRejection.map((sha) => `\`${shortSha(sha)}\``).join(', ')}` : 'no commit since';
    md.push(`- ${ticket.ticket} was last rejected at ${rejection.stage} on ${humanTime(rejection.at)}${rejection.reason ? ` ("${cell(rejection.reason)}")` : ''}; ${since}`);
  }
  if (manifest.tickets.some((ticket) => ticket.lastRejection !== null)) md.push('');
  for (const repository of manifest.repositories) {
    md.push(`### ${repository.name}`, '');
    for (const commit of repository.commitsToPromote) {
      const { sha, copy } = promotedChange(commit, manifest.from);
      md.push(`- \`${sha}\` ${cell(subjectWithTickets(commit.subject, commit.tickets))} (${commit.author.replace(/\s*<.*>$/, '')}, ${day(commit.committedAt)}${copy ? `; ${copy}` : ''})`);
    }
    md.push('');
  }
  const warnings = manifest.risks.filter((risk) => risk.level !== 'info');
  if (warnings.length > 0) md.push('Watch for:', ...warnings.map((risk) => `- ${risk.ticket} · ${risk.repository ?? ''}: ${cell(risk.summary)}`), '');

  md.push('## For the client reviewer', '');
  for (const ticket of manifest.tickets) {
    const subjects = manifest.repositories.flatMap((repository) => repository.commitsToPromote.filter((commit) => commit.tickets.includes(ticket.ticket)).map((commit) => commit.subject));
    md.push(`- **${ticket.ticket}**: ${subjects.length > 0 ? cell(subjects.map((subject) => subject.replace(new RegExp(`^${ticket.ticket}\\s*[:-]?\\s*`, 'i'), '')).join('; ')) : 'no code change to promote'}`);
  }

  md.push('', '## For the release manager', '');
  for (const repository of manifest.repositories) {
    md.push(`**${repository.name}** (${plural(repository.commitsToPromote.length, 'commit')}, in order):`, '', '```sh', repository.cherryPick, '```', '');
    if (repository.dbScripts.length > 0) md.push('DB scripts, in execution order:', ...repository.dbScripts.map((script, index) => `${index + 1}. \`${script}\``), '');
  }
  if (manifest.manualSteps.length > 0) {
    md.push('Manual steps:', '');
    for (const step of manifest.manualSteps) md.push(`- [${step.status === 'done' ? 'x' : ' '}] \`${step.id}\` ${step.ticket}: ${cell(step.summary)}${step.owner ? ` — ${step.owner}` : ''}`);
    md.push('');
  }
  if (manifest.notReady.length > 0) {
    md.push(`Not in ${manifest.from} yet (do not promote):`, ...manifest.notReady.map((commit) => `- ${commit.repository} \`${shortSha(commit.sha)}\` ${cell(subjectWithTickets(commit.subject, [commit.ticket]))}`), '');
  }
  if (manifest.risks.length > 0) {
    md.push('| Level | Ticket | Repository | Risk |', '|---|---|---|---|');
    for (const risk of manifest.risks) md.push(`| ${risk.level} | ${risk.ticket} | ${risk.repository ?? ''} | ${cell(risk.summary)} |`);
    md.push('');
  }
  return `${md.join('\n').trimEnd()}\n`;
}

/**
 * One row per commit to promote, then one per manual step. Cells that a spreadsheet would run as a
 * formula (=, +, -, @, tab, carriage return first) are prefixed with a quote.
 */
export function renderReleaseCsv({ manifest }: ReleaseView): string {
  const rows: string[][] = [['release', 'kind', 'ticket', 'verdict', 'repository', 'sha', 'subject', 'detail']];
  const verdictOf = new Map(manifest.tickets.map((ticket) => [ticket.ticket, ticket.verdict]));
  for (const repository of manifest.repositories) {
    for (const commit of repository.commitsToPromote) {
      rows.push([manifest.release, 'commit', commit.tickets.join(' '), verdictOf.get(commit.ticket) ?? '', repository.name, commit.sha, commit.subject, '']);
    }
    for (const script of repository.dbScripts) rows.push([manifest.release, 'db-script', '', '', repository.name, '', script, '']);
  }
  for (const step of manifest.manualSteps) rows.push([manifest.release, 'manual-step', step.ticket, verdictOf.get(step.ticket) ?? '', step.repository ?? '', '', step.summary, step.status]);
  for (const risk of manifest.risks) rows.push([manifest.release, `risk:${risk.level}`, risk.ticket, verdictOf.get(risk.ticket) ?? '', risk.repository ?? '', '', risk.summary, risk.code]);
  return stringify(rows.map((row) => row.map(defuseFormula)));
}

export function defuseFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}
