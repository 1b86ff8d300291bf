import { freshnessText } from './freshness-text.js';
import type { TicketEvaluation } from '../engine/evaluate.js';
import type { CommitStatus, EnvironmentState, Mention, Presence, TicketStatus } from '../engine/model.js';
import { PRESENT } from '../engine/status.js';
import { renderDetails, renderVerdict } from './evaluation-text.js';
import { day, humanTime, pad, plural, shortSha, truncate } from './format.js';
import { PLAIN_LAYOUT, type Style, type TextLayout } from './style.js';

/** One cell of the table: how the change stands in one environment. */
type Cell = Presence | 'subject-copy' | 'not-owed';

const CELL_MARK: Record<Cell, string> = {
  reachable: '✓',
  equivalent: '≈',
  'subject-copy': '≃',
  squashed: '⇊',
  reverted: '↺',
  absent: '·',
  'not-owed': '–',
};

const CELL_LEGEND: Record<Cell, string> = {
  reachable: 'on the branch',
  equivalent: 'a copy is on the branch (same patch or cherry-picked)',
  'subject-copy': 're-done by hand (same ticket and subject)',
  squashed: 'arrived in a squash merge',
  reverted: 'undone there by a revert',
  absent: 'missing',
  'not-owed': 'not owed there',
};

const CELL_ORDER: Cell[] = ['reachable', 'equivalent', 'subject-copy', 'squashed', 'reverted', 'absent', 'not-owed'];

const STATE_LABEL: Record<EnvironmentState, string> = {
  complete: 'complete',
  partial: 'PARTIAL',
  reverted: 'reverted',
  absent: 'absent',
  'no-branch': 'no branch',
};

/** The subject column in the fixed layout (pipes, files) and its bounds on a terminal of known width. */
const SUBJECT_WIDTH = 46;
const SUBJECT_MIN = 20;
const SUBJECT_MAX = 72;
/** "  1a2b3c4d 2026-11-02 " before the subject, two spaces after it. */
const ROW_PREFIX = 2 + 9 + 11;

/** How each cell stands out: what is there calm, what is missing loud. */
const CELL_STYLE: Record<Cell, keyof Style | null> = {
  reachable: 'good',
  equivalent: 'good',
  'subject-copy': 'good',
  squashed: 'good',
  reverted: 'warn',
  absent: 'bad',
  'not-owed': 'faint',
};
const NOT_DEPLOYED_MARK = '⚑';
const MENTIONS_SHOWN = 5;

/** What `gig status` prints: the verdict, the table, then risks, steps, dependencies and rejections. */
export function renderStatusText(evaluation: TicketEvaluation, layout: TextLayout = PLAIN_LAYOUT): string {
  const tracker = evaluation.tracker ? [`${evaluation.tracker.summary} [${evaluation.tracker.status}]${evaluation.tracker.fixVersions.length > 0 ? ` · fix version ${evaluation.tracker.fixVersions.join(', ')}` : ''}`] : [];
  const warnings = evaluation.warnings.map((warning) => layout.style.warn(`⚠ ${warning}`));
  return [
    layout.style.strong(renderHeader(evaluation.status)),
    ...tracker,
    ...warnings,
    ...renderVerdict(evaluation, layout.style),
    renderTable(evaluation.status, layout),
    ...renderDetails(evaluation),
    ...renderMentions(evaluation.status.mentions),
  ].join('\n');
}

function renderHeader(status: TicketStatus): string {
  return `${status.ticket} · ${plural(status.repositories.length, 'repository', 'repositories')} · ${freshnessText(status, humanTime)}`;
}

function cellOf(commit: CommitStatus, env: string): Cell {
  const presence = commit.presence[env]!;
  if (presence === 'absent') return commit.expected[env] ? 'absent' : 'not-owed';
  if (presence === 'equivalent' && commit.evidence[env] === 'subject') return 'subject-copy';
  return presence;
}

/** "+2 copies", "reverted by 1a2b3c4d", "made on prod": what the subject column adds to a change. */
function changeNotes(commit: CommitStatus): string[] {
  return [
    commit.copies.length > 0 ? `+${plural(commit.copies.length, 'copy', 'copies')}` : '',
    commit.revertedBy ? `reverted by ${shortSha(commit.revertedBy)}` : '',
    commit.branchLocal.length > 0 ? `made on ${commit.branchLocal.join(', ')}` : '',
  ].filter(Boolean);
}

/** The compact table: one block per repository, one row per change, one column per environment. */
export function renderTable(status: TicketStatus, layout: TextLayout = PLAIN_LAYOUT): string {
  const { style } = layout;
  const lines: string[] = [];
  const columnWidth = Math.max(10, ...status.environments.map((env) => env.length + 2));
  // On a terminal the subject takes what the environment columns leave; elsewhere it is fixed.
  const subjectWidth =
    layout.width === null ? SUBJECT_WIDTH : Math.min(SUBJECT_MAX, Math.max(SUBJECT_MIN, layout.width - ROW_PREFIX - 2 - columnWidth * status.environments.length));
  const leftWidth = ROW_PREFIX + subjectWidth + 2;
  // Pads by what shows, then marks: a mark's colour codes take no column.
  const column = (text: string, width: number, mark: keyof Style | null): string => {
    const padded = pad(text, width);
    return mark === null ? padded : style[mark](text) + padded.slice(text.length);
  };
  const used = new Set<Cell>();
  let undeployed = false;
  for (const repository of status.repositories) {
    lines.push('');
    lines.push(column(repository.name, leftWidth, 'strong') + status.environments.map((env) => pad(env, columnWidth)).join('').trimEnd());
    lines.push(pad('', leftWidth) + repository.environments.map((env) => column(STATE_LABEL[env.state], columnWidth, env.state === 'partial' ? 'bad' : null)).join('').trimEnd());
    for (const commit of repository.commits) {
      const notes = changeNotes(commit);
      const subject = notes.length > 0 ? `${commit.subject} (${notes.join(', ')})` : commit.subject;
      const left = `  ${shortSha(commit.sha)} ${day(commit.committedAt)} ${truncate(subject, subjectWidth)}`;
      const cell = (env: string): string => {
        const kind = cellOf(commit, env);
        used.add(kind);
        const waiting = PRESENT.has(commit.presence[env]!) && commit.deployment[env] === 'not-deployed';
        undeployed ||= waiting;
        const mark = column(CELL_MARK[kind], waiting ? 2 : 1, CELL_STYLE[kind]);
        return waiting ? `${mark}${style.warn(NOT_DEPLOYED_MARK)}${' '.repeat(columnWidth - 3)}` : `${mark}${' '.repeat(columnWidth - 1)}`;
      };
      lines.push(pad(left, leftWidth) + status.environments.map(cell).join('').trimEnd());
    }
  }
  lines.push('');
  const legend = CELL_ORDER.filter((kind) => used.has(kind)).map((kind) => `${CELL_MARK[kind]} ${CELL_LEGEND[kind]}`);
  if (undeployed) legend.push(`${NOT_DEPLOYED_MARK} on the branch, not deployed`);
  lines.push(style.faint(legend.join('   ')));
  return lines.join('\n');
}

/**
 * Commits that name the ticket without being part of it: "see ABC-7" in another ticket's message.
 * Copies of one mentioning commit (same subject in one repository) are shown once.
 */
function renderMentions(mentions: Mention[]): string[] {
  if (mentions.length === 0) return [];
  const distinct = new Map<string, { mention: Mention; copies: number }>();
  for (const mention of mentions) {
    const key = `${mention.repository}\u0000${mention.subject}`;
    const known = distinct.get(key);
    if (known) known.copies += 1;
    else distinct.set(key, { mention, copies: 0 });
  }
  const lines = ['', 'Mentioned by (not part of the ticket)'];
  const shown = [...distinct.values()];
  for (const { mention, copies } of shown.slice(0, MENTIONS_SHOWN)) {
    const notes = [...mention.owners, ...(copies > 0 ? [`+${plural(copies, 'copy', 'copies')}`] : [])];
    lines.push(`  ${pad(mention.repository, 16)} ${shortSha(mention.sha)} ${day(mention.committedAt)} ${truncate(mention.subject, 60)}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`);
  }
  if (shown.length > MENTIONS_SHOWN) lines.push(`  …and ${shown.length - MENTIONS_SHOWN} more`);
  return lines;
}

/** `prefix`: how the surface types a command, "gig " on the command line, "/gig " or "@gig " in chat. */
export function renderNotFound(status: TicketStatus, repositories: number, prefix = 'gig '): string {
  if (status.asOf === null) return `${status.ticket}: the index is empty or incomplete. Run \`${prefix}sync\` first.`;
  const lines = [`${status.ticket} is not named by any commit in ${plural(repositories, 'repository', 'repositories')} (index as of ${humanTime(status.asOf)}).`];
  if (status.mentions.length > 0) {
    lines.push('No commit belongs to it, but other tickets\' commits mention it:');
    lines.push(...renderMentions(status.mentions).slice(2));
  } else lines.push(`Check the id, or run \`${prefix}sync\` if the work is new.`);
  return lines.join('\n');
}
