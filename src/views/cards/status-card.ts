import type { TicketEvaluation } from '../../engine/evaluate.js';
import type { EnvironmentState } from '../../engine/model.js';
import { promotedSubject, VERDICT_LABEL, whereInstead } from '../evaluation-text.js';
import { humanTime, shortSha, truncate } from '../format.js';
import { ACTIONS, type Card, type CardBlock, type ManualDoneValue } from './model.js';

export const VERDICT_BADGE = {
  safe: '🟢 SAFE',
  risky: '🟡 RISKY',
  'manual-only': '🟠 MANUAL-ONLY',
  blocked: '🔴 BLOCKED',
} as const;

const STATE_MARK: Record<EnvironmentState, string> = { complete: '✓', partial: '◐', reverted: '↺', absent: '·', 'no-branch': '–' };

/** The answer to `status <TICKET>`: verdict, the repositories × environments grid, and what stands in the way. */
export function statusCard(evaluation: TicketEvaluation): Card {
  const { status } = evaluation;
  const towards = evaluation.target ? ` → ${evaluation.target}` : '';
  const blocks: CardBlock[] = [
    { kind: 'header', text: `${status.ticket} · ${VERDICT_BADGE[evaluation.verdict]}${towards}` },
  ];
  if (evaluation.tracker) blocks.push({ kind: 'text', text: `**${evaluation.tracker.summary}** · ${evaluation.tracker.status}${evaluation.tracker.assignee ? ` · ${evaluation.tracker.assignee}` : ''}` });
  for (const warning of evaluation.warnings) blocks.push({ kind: 'text', text: `⚠️ ${warning}` });
  if (evaluation.reasons.length > 0) blocks.push({ kind: 'list', title: 'Why', items: evaluation.reasons });
  blocks.push({
    kind: 'grid',
    title: 'Repositories × environments (✓ complete · ◐ partial · ↺ reverted · · absent · – no branch)',
    columns: status.environments,
    rows: status.repositories.map((repository) => ({ label: repository.name, cells: repository.environments.map((env) => STATE_MARK[env.state]) })),
  });
  blocks.push(...evaluationBlocks(evaluation));
  if (status.mentions.length > 0) {
    blocks.push({
      kind: 'list',
      title: 'Mentioned by (not part of the ticket)',
      items: status.mentions.map((mention) => `\`${shortSha(mention.sha)}\` ${mention.repository} — ${truncate(mention.subject, 80)}${mention.owners.length > 0 ? ` (${mention.owners.join(', ')})` : ''}`),
    });
  }
  blocks.push({ kind: 'context', text: status.asOf ? `index as of ${humanTime(status.asOf)}` : 'index never synced' });
  return { summary: `${status.ticket}: ${VERDICT_LABEL[evaluation.verdict]}${towards}`, blocks };
}

/** Missing commits, risks, manual steps (with Done buttons), dependencies and the last rejection. */
export function evaluationBlocks(evaluation: TicketEvaluation): CardBlock[] {
  const blocks: CardBlock[] = [];
  const missing = [
    ...evaluation.toPromote.map((commit) => `\`${shortSha(commit.sha)}\` ${commit.repository} — ${truncate(promotedSubject(commit), 80)}`),
    ...evaluation.notInSource.map((commit) => `\`${shortSha(commit.change)}\` ${commit.repository} — ${truncate(commit.subject, 80)} (${whereInstead(commit, evaluation.source)})`),
  ];
  if (evaluation.target && missing.length > 0) blocks.push({ kind: 'list', title: `Missing in ${evaluation.target}`, items: missing });
  if (evaluation.risks.length > 0) {
    blocks.push({ kind: 'list', title: 'Risks', items: evaluation.risks.map((risk) => `**${risk.level}** ${risk.repository ?? ''}: ${risk.summary}`) });
  }
  if (evaluation.manualSteps.length > 0) {
    blocks.push({ kind: 'text', text: '**Manual steps**' });
    for (const step of evaluation.manualSteps) {
      const done = step.status === 'done';
      const value: ManualDoneValue = { ticket: evaluation.ticket, step: step.id, to: evaluation.target };
      blocks.push({
        kind: 'item',
        text: `${done ? '✅' : '⬜'} \`${step.id}\` ${step.summary}${step.owner ? ` — ${step.owner}` : ''}${done && step.doneBy ? ` (done by ${step.doneBy})` : ''}`,
        ...(done ? {} : { action: { id: ACTIONS.manualDone, label: 'Done', value: JSON.stringify(value) } }),
      });
    }
  }
  if (evaluation.dependencies.length > 0) {
    blocks.push({
      kind: 'list',
      title: 'Dependencies',
      items: evaluation.dependencies.map(
        (dependency) => `${dependency.direction === 'needs' ? 'needs' : 'needed by'} **${dependency.ticket}** (${dependency.kind}): ${dependency.status}`,
      ),
    });
  }
  if (evaluation.lastRejection) {
    const rejection = evaluation.lastRejection;
    const since = evaluation.sinceRejection.length > 0 ? `since then: ${evaluation.sinceRejection.map((sha) => `\`${shortSha(sha)}\``).join(', ')}` : 'no commit since';
    blocks.push({
      kind: 'text',
      text: `**Last rejection:** ${rejection.stage} on ${humanTime(rejection.at)}${rejection.by ? ` by ${rejection.by}` : ''}${rejection.reason ? ` — “${rejection.reason}”` : ''}\n${since}`,
    });
  }
  return blocks;
}
