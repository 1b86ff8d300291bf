import { freshnessText } from '../freshness-text.js';
import type { TicketEvaluation } from '../../engine/evaluate.js';
import type { EnvironmentState } from '../../engine/model.js';
import { promotedSubject, VERDICT_LABEL, whereInstead } from '../evaluation-text.js';
import { lit } from '../escape/markup.js';
import { promotedChange, shortSha, truncate } from '../format.js';
import { ACTIONS, type Card, type CardBlock, type ManualDoneValue } from './model.js';
import { manualDoneConfirm } from './prompts.js';
import { NO_LINKS, personRef, shaRef, ticketRef, when, type CardLinks } from './links.js';

export const VERDICT_BADGE = {
  safe: '🟢 SAFE',
  risky: '🟡 RISKY',
  'manual-only': '🟠 MANUAL-ONLY',
  blocked: '🔴 BLOCKED',
} as const;

const STATE_MARK: Record<EnvironmentState, string> = { complete: '✓', partial: '◐', reverted: '↺', absent: '·', 'no-branch': '–' };

/**
 * The answer to `status <TICKET>`: verdict, the repositories × environments grid, and what stands in the way.
 * Card text is markup (model.ts): every value from commits, people, Jira or the configuration goes in through `lit()`.
 */
export function statusCard(evaluation: TicketEvaluation, links: CardLinks = NO_LINKS): Card {
  const { status } = evaluation;
  const towards = evaluation.target ? ` → ${lit(evaluation.target)}` : '';
  const blocks: CardBlock[] = [
    { kind: 'header', text: `${lit(status.ticket)} · ${VERDICT_BADGE[evaluation.verdict]}${towards}` },
  ];
  if (evaluation.tracker) {
    const { summary, status: state, assignee } = evaluation.tracker;
    blocks.push({ kind: 'text', text: `${ticketRef(links, status.ticket)}: **${lit(summary)}** · ${lit(state)}${assignee ? ` · ${lit(assignee)}` : ''}` });
  }
  for (const warning of evaluation.warnings) blocks.push({ kind: 'text', text: `⚠️ ${lit(warning)}` });
  if (evaluation.reasons.length > 0) blocks.push({ kind: 'list', title: 'Why', items: evaluation.reasons.map(lit) });
  blocks.push({
    kind: 'grid',
    title: 'Repositories × environments (✓ complete · ◐ partial · ↺ reverted · · absent · – no branch)',
    columns: status.environments.map(lit),
    rows: status.repositories.map((repository) => ({ label: lit(repository.name), cells: repository.environments.map((env) => STATE_MARK[env.state]) })),
  });
  blocks.push(...evaluationBlocks(evaluation, links));
  if (status.mentions.length > 0) {
    blocks.push({
      kind: 'list',
      title: 'Mentioned by (not part of the ticket)',
      items: status.mentions.map(
        (mention) => `${shaRef(links, mention.repository, mention.sha)} ${lit(mention.repository)} — ${lit(truncate(mention.subject, 80))}${mention.owners.length > 0 ? ` (${lit(mention.owners.join(', '))})` : ''}`,
      ),
    });
  }
  blocks.push({ kind: 'context', text: freshnessText(status, when) });
  return { summary: `${lit(status.ticket)}: ${VERDICT_LABEL[evaluation.verdict]}${towards}`, blocks };
}

/** Missing commits, risks, manual steps (with Done buttons), dependencies and the last rejection. */
export function evaluationBlocks(evaluation: TicketEvaluation, links: CardLinks = NO_LINKS): CardBlock[] {
  const blocks: CardBlock[] = [];
  const missing = [
    ...evaluation.toPromote.map((commit) => {
      const { full, copy } = promotedChange(commit, evaluation.source);
      return `${shaRef(links, commit.repository, full)} ${lit(commit.repository)} — ${lit(truncate(promotedSubject(commit), 80))}${copy ? ` (${lit(copy)})` : ''}`;
    }),
    ...evaluation.notInSource.map(
      (commit) => `${shaRef(links, commit.repository, commit.change)} ${lit(commit.repository)} — ${lit(truncate(commit.subject, 80))} (${lit(whereInstead(commit, evaluation.source))})`,
    ),
  ];
  if (evaluation.target && missing.length > 0) blocks.push({ kind: 'list', title: `Missing in ${lit(evaluation.target)}`, items: missing });
  if (evaluation.risks.length > 0) {
    blocks.push({ kind: 'list', title: 'Risks', items: evaluation.risks.map((risk) => `**${lit(risk.level)}** ${lit(risk.repository ?? '')}: ${lit(risk.summary)}`) });
  }
  if (evaluation.manualSteps.length > 0) {
    blocks.push({ kind: 'text', text: '**Manual steps**' });
    for (const step of evaluation.manualSteps) {
      const done = step.status === 'done';
      const value: ManualDoneValue = { ticket: evaluation.ticket, step: step.id, to: evaluation.target };
      blocks.push({
        kind: 'item',
        text: `${done ? '✅' : '⬜'} \`${lit(step.id)}\` ${lit(step.summary)}${step.owner ? ` — ${personRef(links, step.owner)}` : ''}${done && step.doneBy ? ` (done by ${personRef(links, step.doneBy)})` : ''}`,
        ...(done ? {} : { action: { id: ACTIONS.manualDone, label: 'Done', value: JSON.stringify(value), confirm: manualDoneConfirm(step, evaluation.target) } }),
      });
    }
  }
  if (evaluation.dependencies.length > 0) {
    blocks.push({
      kind: 'list',
      title: 'Dependencies',
      items: evaluation.dependencies.map(
        (dependency) => `${dependency.direction === 'needs' ? 'needs' : 'needed by'} **${lit(dependency.ticket)}** (${lit(dependency.kind)}): ${lit(dependency.status)}`,
      ),
    });
  }
  if (evaluation.lastRejection) {
    const rejection = evaluation.lastRejection;
    const since = evaluation.sinceRejection.length > 0 ? `since then: ${evaluation.sinceRejection.map((sha) => `\`${lit(shortSha(sha))}\``).join(', ')}` : 'no commit since';
    blocks.push({ kind: 'text', text: `**Last rejection:** ${rejectionText(rejection, links)}\n${since}` });
  }
  return blocks;
}

/** "qa on 2026-11-05 15:00 UTC by Ben — “reason”": where, when, who and why, all as written. */
function rejectionText(rejection: { stage: string; at: string; by: string | null; reason: string | null }, links: CardLinks): string {
  return `${lit(rejection.stage)} on ${when(rejection.at)}${rejection.by ? ` by ${personRef(links, rejection.by)}` : ''}${rejection.reason ? ` — “${lit(rejection.reason)}”` : ''}`;
}
