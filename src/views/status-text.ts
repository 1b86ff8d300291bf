import type { TicketEvaluation } from '../engine/evaluate.js';
import type { EnvironmentState, Presence, TicketStatus } from '../engine/model.js';
import { renderDetails, renderVerdict } from './evaluation-text.js';
import { humanTime, pad, plural, shortSha, truncate } from './format.js';

const PRESENCE_MARK: Record<Presence, string> = {
  reachable: '✓',
  equivalent: '≈',
  squashed: '⇊',
  reverted: '↺',
  absent: '·',
};

const PRESENCE_LEGEND: Record<Presence, string> = {
  reachable: 'on the branch',
  equivalent: 'a cherry-picked copy is on the branch',
  squashed: 'arrived in a squash merge',
  reverted: 'reverted pair, nothing to promote',
  absent: 'missing',
};

const PRESENCE_ORDER: Presence[] = ['reachable', 'equivalent', 'squashed', 'reverted', 'absent'];

const STATE_LABEL: Record<EnvironmentState, string> = {
  complete: 'complete',
  partial: 'PARTIAL',
  absent: 'absent',
  'no-branch': 'no branch',
};

const SUBJECT_WIDTH = 46;
const NOT_DEPLOYED_MARK = '⚑';

/** What `gig status` prints: the verdict, the table, then risks, steps, dependencies and rejections. */
export function renderStatusText(evaluation: TicketEvaluation): string {
  const tracker = evaluation.tracker ? [`${evaluation.tracker.summary} [${evaluation.tracker.status}]${evaluation.tracker.fixVersions.length > 0 ? ` · fix version ${evaluation.tracker.fixVersions.join(', ')}` : ''}`] : [];
  const warnings = evaluation.warnings.map((warning) => `⚠ ${warning}`);
  return [renderHeader(evaluation.status), ...tracker, ...warnings, ...renderVerdict(evaluation), renderTable(evaluation.status), ...renderDetails(evaluation)].join('\n');
}

function renderHeader(status: TicketStatus): string {
  const asOf = status.asOf === null ? 'index never synced' : `index as of ${humanTime(status.asOf)}`;
  return `${status.ticket} · ${plural(status.repositories.length, 'repository', 'repositories')} · ${asOf}`;
}

/** The compact table: one block per repository, one row per change, one column per environment. */
export function renderTable(status: TicketStatus): string {
  const lines: string[] = [];
  const columnWidth = Math.max(10, ...status.environments.map((env) => env.length + 2));
  const leftWidth = 2 + 9 + 11 + SUBJECT_WIDTH + 2;
  for (const repository of status.repositories) {
    lines.push('');
    lines.push(pad(repository.name, leftWidth) + status.environments.map((env) => pad(env, columnWidth)).join('').trimEnd());
    lines.push(pad('', leftWidth) + repository.environments.map((env) => pad(STATE_LABEL[env.state], columnWidth)).join('').trimEnd());
    for (const commit of repository.commits) {
      const extra = [
        commit.copies.length > 0 ? `+${plural(commit.copies.length, 'copy', 'copies')}` : '',
        commit.reverts ? `reverts ${shortSha(commit.reverts)}` : '',
      ].filter(Boolean);
      const subject = extra.length > 0 ? `${commit.subject} (${extra.join(', ')})` : commit.subject;
      const left = `  ${shortSha(commit.sha)} ${commit.committedAt.slice(0, 10)} ${truncate(subject, SUBJECT_WIDTH)}`;
      const cell = (env: string): string =>
        PRESENCE_MARK[commit.presence[env]!] + (commit.presence[env] !== 'absent' && commit.deployment[env] === 'not-deployed' ? ' ' + NOT_DEPLOYED_MARK : '');
      lines.push(pad(left, leftWidth) + status.environments.map((env) => pad(cell(env), columnWidth)).join('').trimEnd());
    }
  }
  const used = new Set(status.repositories.flatMap((repository) => repository.commits.flatMap((commit) => Object.values(commit.presence))));
  lines.push('');
  const legend = PRESENCE_ORDER.filter((presence) => used.has(presence)).map((presence) => `${PRESENCE_MARK[presence]} ${PRESENCE_LEGEND[presence]}`);
  const undeployed = status.repositories.some((repository) =>
    repository.commits.some((commit) => status.environments.some((env) => commit.presence[env] !== 'absent' && commit.deployment[env] === 'not-deployed')),
  );
  if (undeployed) legend.push(`${NOT_DEPLOYED_MARK} on the branch, not deployed`);
  lines.push(legend.join('   '));
  return lines.join('\n');
}

export function renderNotFound(status: TicketStatus, repositories: number): string {
  if (status.asOf === null) return `${status.ticket}: the index is empty or incomplete. Run \`gig sync\` first.`;
  return `${status.ticket} is not named by any commit in ${plural(repositories, 'repository', 'repositories')} (index as of ${humanTime(status.asOf)}).\nCheck the id, or run \`gig sync\` if the work is new.`;
}
