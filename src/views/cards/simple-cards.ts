import type { TicketEvaluation } from '../../engine/evaluate.js';
import type { SyncResult } from '../../engine/ports.js';
import { CHAT_VERBS } from '../chat-help.js';
import type { GigError } from '../../errors.js';
import { humanTime, shortSha, truncate } from '../format.js';
import { renderSyncSummary } from '../sync-text.js';
import type { Card } from './model.js';
import { evaluationBlocks, VERDICT_BADGE } from './status-card.js';

export function helpCard(prefix: string): Card {
  return {
    summary: 'gig commands',
    blocks: [
      { kind: 'header', text: 'gig: release coordination' },
      { kind: 'list', title: 'Commands', items: CHAT_VERBS.map((entry) => `\`${prefix}${entry.usage}\` — ${entry.summary}`) },
      { kind: 'context', text: `e.g. \`${prefix}status ABC-123\` · \`${prefix}release REL-7 qa uat ABC-1 ABC-2\`` },
    ],
  };
}

/** Errors in chat: what is wrong and what to do, never a stack trace. */
export function errorCard(error: GigError, prefix: string): Card {
  const hint = error.hint ? `\n${error.hint.replace(/\bgig (?=[a-z])/g, prefix)}` : '';
  return { summary: error.message, blocks: [{ kind: 'text', text: `⚠️ ${error.message}${hint}` }] };
}

export function noticeCard(text: string): Card {
  return { summary: text, blocks: [{ kind: 'text', text }] };
}

export function sinceCard(evaluation: TicketEvaluation): Card {
  const rejection = evaluation.lastRejection;
  if (!rejection) return noticeCard(`${evaluation.ticket} has no recorded rejection.`);
  const commits = evaluation.status.repositories.flatMap((repository) =>
    repository.commits.filter((commit) => evaluation.sinceRejection.includes(commit.sha)).map((commit) => `\`${shortSha(commit.sha)}\` ${repository.name} — ${truncate(commit.subject, 80)} (${commit.committedAt.slice(0, 10)})`),
  );
  return {
    summary: `${evaluation.ticket}: ${commits.length} commits since the ${rejection.stage} rejection`,
    blocks: [
      { kind: 'header', text: `${evaluation.ticket} since the ${rejection.stage} rejection` },
      { kind: 'text', text: `Rejected at **${rejection.stage}** on ${humanTime(rejection.at)}${rejection.by ? ` by ${rejection.by}` : ''}${rejection.reason ? ` — “${rejection.reason}”` : ''}` },
      commits.length > 0 ? { kind: 'list', title: 'Committed since', items: commits } : { kind: 'text', text: 'Nothing committed since.' },
    ],
  };
}

export function depsCard(evaluation: TicketEvaluation): Card {
  const where = evaluation.target ?? 'the last environment';
  return {
    summary: `${evaluation.ticket}: ${evaluation.dependencies.length} dependencies`,
    blocks: [
      { kind: 'header', text: `${evaluation.ticket} dependencies towards ${where}` },
      evaluation.dependencies.length > 0
        ? {
            kind: 'list',
            title: 'Dependencies',
            items: evaluation.dependencies.map(
              (dependency) =>
                `${dependency.direction === 'needs' ? 'needs' : 'needed by'} **${dependency.ticket}** (${dependency.kind}${dependency.via ? ` via ${dependency.via}` : ''}): ${dependency.status}`,
            ),
          }
        : { kind: 'text', text: 'No dependencies: no Depends-On lines, no companion tickets, no tracker links.' },
    ],
  };
}

export function checkCard(evaluation: TicketEvaluation): Card {
  return {
    summary: `${evaluation.ticket} ${evaluation.source} → ${evaluation.target}: ${evaluation.verdict}`,
    blocks: [
      { kind: 'header', text: `${evaluation.ticket}: ${evaluation.source} → ${evaluation.target} · ${VERDICT_BADGE[evaluation.verdict]}` },
      ...(evaluation.reasons.length > 0 ? [{ kind: 'list' as const, title: 'Why', items: evaluation.reasons }] : []),
      ...evaluationBlocks(evaluation),
    ],
  };
}

export function manualCard(evaluation: TicketEvaluation): Card {
  const blocks = evaluationBlocks({ ...evaluation, toPromote: [], notInSource: [], risks: [], dependencies: [], lastRejection: null });
  return {
    summary: `${evaluation.ticket}: ${evaluation.manualSteps.filter((step) => step.status === 'open').length} open manual steps`,
    blocks: [{ kind: 'header', text: `${evaluation.ticket} manual steps towards ${evaluation.target ?? 'any environment'}` }, ...(blocks.length > 0 ? blocks : [{ kind: 'text' as const, text: 'No manual steps.' }])],
  };
}

export function syncCard(result: SyncResult): Card {
  return noticeCard(renderSyncSummary(result).replace(/\n/g, '\n'));
}
