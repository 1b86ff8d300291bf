import type { TicketEvaluation } from '../engine/evaluate.js';
import type { PromotionCommit } from '../engine/promotion.js';
import type { Verdict } from '../engine/verdict.js';
import { PLAIN, styledVerdict, type Style } from './style.js';
import { humanTime, pad, plural, promotedChange, shortSha, truncate } from './format.js';

export const VERDICT_LABEL: Record<Verdict, string> = {
  safe: 'SAFE',
  risky: 'RISKY',
  'manual-only': 'MANUAL-ONLY',
  blocked: 'BLOCKED',
};

/** The verdict line and its reasons. */
export function renderVerdict(evaluation: TicketEvaluation, style: Style = PLAIN): string[] {
  const towards =
    evaluation.target === null
      ? 'everywhere already (no target left)'
      : `towards ${evaluation.target}${evaluation.source ? ` (from ${evaluation.source})` : ''}`;
  return [`verdict ${towards}: ${styledVerdict(style, evaluation.verdict, VERDICT_LABEL[evaluation.verdict])}`, ...evaluation.reasons.map((reason) => `  - ${reason}`)];
}

/** Risks, manual steps, dependencies, last rejection and what to promote: the sections under the table. */
export function renderDetails(evaluation: TicketEvaluation): string[] {
  const lines: string[] = [];
  if (evaluation.risks.length > 0) {
    lines.push('', 'Risks');
    for (const risk of evaluation.risks) lines.push(`  ${pad(risk.level, 8)} ${pad(risk.repository ?? '', 16)} ${risk.code}: ${risk.summary}`);
  }
  if (evaluation.manualSteps.length > 0) lines.push('', ...renderManualSteps(evaluation));
  if (evaluation.dependencies.length > 0) {
    lines.push('', 'Dependencies');
    for (const dependency of evaluation.dependencies) {
      const where = evaluation.target ?? 'the last environment';
      const state = dependency.status === 'satisfied' ? `in ${where}` : dependency.status === 'missing' ? `NOT in ${where}` : 'unknown to the index';
      const verb = dependency.direction === 'needs' ? 'needs' : 'needed by';
      lines.push(`  ${verb} ${dependency.ticket} (${dependency.kind}${dependency.via ? ` via ${dependency.via}` : ''}): ${state}`);
    }
  }
  if (evaluation.lastRejection) {
    const rejection = evaluation.lastRejection;
    lines.push(
      '',
      `Last rejection: ${rejection.stage} on ${humanTime(rejection.at)}${rejection.by ? ` by ${rejection.by}` : ''}${rejection.reason ? ` ("${rejection.reason}")` : ''}`,
      evaluation.sinceRejection.length > 0
        ? `  since then: ${evaluation.sinceRejection.map(shortSha).join(', ')}`
        : '  no commit since then',
    );
  }
  if (evaluation.target !== null && (evaluation.toPromote.length > 0 || evaluation.notInSource.length > 0)) {
    lines.push('', evaluation.source === null ? `Owed to ${evaluation.target}` : `To promote ${evaluation.source} → ${evaluation.target}`);
    for (const commit of evaluation.toPromote) {
      const { sha, copy } = promotedChange(commit, evaluation.source);
      lines.push(`  ${pad(commit.repository, 16)} ${sha} ${truncate(promotedSubject(commit), 60)}${copy ? `  (${copy})` : ''}`);
    }
    for (const commit of evaluation.notInSource) {
      lines.push(`  ${pad(commit.repository, 16)} ${shortSha(commit.change)} ${truncate(commit.subject, 60)}  (${whereInstead(commit, evaluation.source)})`);
    }
  } else if (evaluation.target !== null) {
    lines.push('', `Nothing to promote to ${evaluation.target}: ${plural(evaluation.status.repositories.length, 'repository', 'repositories')} already there.`);
  }
  return lines;
}

/** What a promotion line says it carries: the change, or the revert that undid it in the source. */
export function promotedSubject(commit: PromotionCommit): string {
  return commit.kind === 'revert' ? `Revert "${commit.subject}"` : commit.subject;
}

/** "not in qa yet: in dev" — where a change the target owes is, when the source does not have it. */
export function whereInstead(commit: PromotionCommit, source: string | null): string {
  const where = commit.presentIn.length > 0 ? `in ${commit.presentIn.join(', ')}` : 'in no environment';
  return source === null ? where : `not in ${source} yet: ${where}`;
}

/** The manual steps of a ticket, with how to tick one off. */
export function renderManualSteps(evaluation: TicketEvaluation): string[] {
  const lines = [`Manual steps${evaluation.target ? ` towards ${evaluation.target}` : ''}`];
  for (const step of evaluation.manualSteps) {
    const state = step.status === 'done' ? `done${step.doneBy ? ` by ${step.doneBy}` : ''}` : 'open';
    lines.push(`  ${step.id} ${pad(state, 5)} ${step.summary}${step.owner ? ` (owner ${step.owner})` : ''}`);
  }
  const open = evaluation.manualSteps.find((step) => step.status === 'open');
  if (open) lines.push(`  tick one off: gig manual ${evaluation.ticket} done ${open.id}`);
  return lines;
}
