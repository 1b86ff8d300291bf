import type { TicketEvaluation } from '../../engine/evaluate.js';
import type { SyncResult } from '../../engine/ports.js';
import { CHAT_VERBS } from '../chat-help.js';
import type { GigError } from '../../errors.js';
import { lit, prose } from '../escape/markup.js';
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
      { kind: 'context', text: `e.g. \`${prefix}ABC-123\` (a ticket alone is its status) · \`${prefix}release REL-7 qa uat ABC-1 ABC-2\`` },
    ],
  };
}

/** The first message of a 1:1 chat with gig (Teams, on install): what gig is, and the help. */
export function welcomeCard(prefix: string): Card {
  const help = helpCard(prefix);
  return {
    summary: 'Welcome to gig',
    blocks: [
      { kind: 'header', text: 'Welcome to gig' },
      { kind: 'text', text: `Ask where a ticket is (\`${prefix}ABC-123\`), what is missing in the next environment, or \`${prefix}watch\` a ticket or a release to hear when it changes; \`${prefix}home\` lists the releases waiting for your approval. Here you type the commands without @gig.` },
      ...help.blocks.slice(1),
    ],
  };
}

/** Errors in chat: what is wrong and what to do, never a stack trace. Messages quote user input: prose. */
export function errorCard(error: GigError, prefix: string): Card {
  const hint = error.hint ? `\n${prose(error.hint.replace(/\bgig (?=[a-z])/g, prefix))}` : '';
  return { summary: prose(error.message), blocks: [{ kind: 'text', text: `⚠️ ${prose(error.message)}${hint}` }] };
}

/**
 * A one-text card. `text` is a gig sentence that may quote what someone typed ("Ben added manual
 * step `m1`: <their words>"): it is taken as prose, so its backtick spans stay code and nothing
 * else in it formats.
 */
export function noticeCard(text: string): Card {
  const markup = prose(text);
  return { summary: markup, blocks: [{ kind: 'text', text: markup }] };
}

export function sinceCard(evaluation: TicketEvaluation): Card {
  const rejection = evaluation.lastRejection;
  if (!rejection) return noticeCard(`${evaluation.ticket} has no recorded rejection.`);
  const commits = evaluation.status.repositories.flatMap((repository) =>
    repository.commits
      .filter((commit) => evaluation.sinceRejection.includes(commit.sha))
      .map((commit) => `\`${lit(shortSha(commit.sha))}\` ${lit(repository.name)} — ${lit(truncate(commit.subject, 80))} (${lit(commit.committedAt.slice(0, 10))})`),
  );
  const ticket = lit(evaluation.ticket);
  const stage = lit(rejection.stage);
  return {
    summary: `${ticket}: ${commits.length} commits since the ${stage} rejection`,
    blocks: [
      { kind: 'header', text: `${ticket} since the ${stage} rejection` },
      { kind: 'text', text: `Rejected at **${stage}** on ${humanTime(rejection.at)}${rejection.by ? ` by ${lit(rejection.by)}` : ''}${rejection.reason ? ` — “${lit(rejection.reason)}”` : ''}` },
      commits.length > 0 ? { kind: 'list', title: 'Committed since', items: commits } : { kind: 'text', text: 'Nothing committed since.' },
    ],
  };
}

export function depsCard(evaluation: TicketEvaluation): Card {
  const where = evaluation.target ? lit(evaluation.target) : 'the last environment';
  const ticket = lit(evaluation.ticket);
  return {
    summary: `${ticket}: ${evaluation.dependencies.length} dependencies`,
    blocks: [
      { kind: 'header', text: `${ticket} dependencies towards ${where}` },
      evaluation.dependencies.length > 0
        ? {
            kind: 'list',
            title: 'Dependencies',
            items: evaluation.dependencies.map(
              (dependency) =>
                `${dependency.direction === 'needs' ? 'needs' : 'needed by'} **${lit(dependency.ticket)}** (${lit(dependency.kind)}${dependency.via ? ` via ${lit(dependency.via)}` : ''}): ${lit(dependency.status)}`,
            ),
          }
        : { kind: 'text', text: 'No dependencies: no Depends-On lines, no companion tickets, no tracker links.' },
    ],
  };
}

export function checkCard(evaluation: TicketEvaluation): Card {
  const [ticket, from, to] = [evaluation.ticket, `${evaluation.source}`, `${evaluation.target}`].map(lit);
  return {
    summary: `${ticket} ${from} → ${to}: ${evaluation.verdict}`,
    blocks: [
      { kind: 'header', text: `${ticket}: ${from} → ${to} · ${VERDICT_BADGE[evaluation.verdict]}` },
      ...(evaluation.reasons.length > 0 ? [{ kind: 'list' as const, title: 'Why', items: evaluation.reasons.map(lit) }] : []),
      ...evaluationBlocks(evaluation),
    ],
  };
}

export function manualCard(evaluation: TicketEvaluation): Card {
  const blocks = evaluationBlocks({ ...evaluation, toPromote: [], notInSource: [], risks: [], dependencies: [], lastRejection: null });
  return {
    summary: `${lit(evaluation.ticket)}: ${evaluation.manualSteps.filter((step) => step.status === 'open').length} open manual steps`,
    blocks: [
      { kind: 'header', text: `${lit(evaluation.ticket)} manual steps towards ${evaluation.target ? lit(evaluation.target) : 'any environment'}` },
      ...(blocks.length > 0 ? blocks : [{ kind: 'text' as const, text: 'No manual steps.' }]),
    ],
  };
}

export function syncCard(result: SyncResult): Card {
  return noticeCard(renderSyncSummary(result).replace(/\n/g, '\n'));
}
