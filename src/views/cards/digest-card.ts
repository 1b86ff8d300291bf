import type { DigestContent } from '../../engine/digest.js';
import { lit } from '../escape/markup.js';
import { VERDICT_LABEL } from '../evaluation-text.js';
import { ACTIONS, type Card, type CardBlock, type StatusValue } from './model.js';
import { VERDICT_BADGE } from './status-card.js';

/** The time of an occurrence as the team reads it: in the digest's own time zone. */
export function localTime(iso: string, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso));
  const get = (type: string): string => parts.find((part) => part.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} ${timezone}`;
}

/**
 * The pre-release digest: what still stands in the way of the target, blocked first.
 * Card text is markup (model.ts): every value from tickets, people or the configuration goes in through `lit()`.
 */
export function digestCard(content: DigestContent, prefix: string): Card {
  const total = Object.values(content.counts).reduce((sum, count) => sum + count, 0);
  const tally = (['blocked', 'manual-only', 'risky', 'safe'] as const).map((verdict) => `${content.counts[verdict]} ${VERDICT_LABEL[verdict].toLowerCase()}`).join(' · ');
  const [name, target] = [content.name, content.target].map(lit);
  const blocks: CardBlock[] = [
    { kind: 'header', text: `Digest ${name} → ${target} · ${lit(localTime(content.occurrence, content.timezone))}` },
    { kind: 'text', text: `**${total} tickets:** ${tally}${content.release ? ` · release **${lit(content.release)}**` : ''}${content.late ? '\n_Sent late: gig was not running at the scheduled time._' : ''}` },
  ];
  if (content.groups.length === 0 && content.notDeployed.length === 0) {
    blocks.push({ kind: 'text', text: `✅ Nothing stands in the way of ${target}.` });
  }
  for (const group of content.groups) {
    // Each ticket with a button that shows its status to whoever clicks it (commands/chat.ts).
    blocks.push({ kind: 'text', text: `**${VERDICT_BADGE[group.verdict]} (${group.items.length})**` });
    for (const item of group.items) {
      const value: StatusValue = { ticket: item.ticket, to: content.target };
      blocks.push({ kind: 'item', text: `**${lit(item.ticket)}** — ${lit(item.reason)}`, action: { id: ACTIONS.showStatus, label: 'Status', value: JSON.stringify(value) } });
    }
  }
  if (content.groups.length > 0) blocks.push({ kind: 'context', text: `Status shows the ticket towards ${target} to you only; or type \`${lit(`${prefix}status <ticket> to ${content.target}`)}\`.` });
  if (content.notDeployed.length > 0) {
    blocks.push({ kind: 'list', title: 'Merged but not deployed', items: content.notDeployed.map((item) => `**${lit(item.ticket)}** ${lit(item.reason)}`) });
  }
  if (content.unknownTickets.length > 0) {
    blocks.push({ kind: 'text', text: `Not found in any repository: ${lit(content.unknownTickets.join(', '))}` });
  }
  if (content.approvals) {
    const approvals = content.approvals;
    const stale = approvals.approvals.filter((approval) => approval.stale && approval.decision === 'approve').map((approval) => approval.by);
    const state = approvals.approved
      ? `✅ approved by ${lit(approvals.approvedBy.join(', '))}`
      : approvals.flagged
        ? `⚑ flagged by ${lit(approvals.flagged.by)}: “${lit(approvals.flagged.reason ?? '')}”`
        : `⏳ ${approvals.approvedBy.length}/${approvals.required} approvals`;
    blocks.push({
      kind: 'text',
      text: `**Approvals of ${lit(content.release ?? '')}:** ${state}${stale.length > 0 ? `\nStale (given on an earlier manifest): ${lit([...new Set(stale)].join(', '))}` : ''}`,
    });
  }
  const worst = content.groups[0]?.verdict;
  return {
    summary: `Digest ${name}: ${worst ? `${content.counts[worst]} ${VERDICT_LABEL[worst].toLowerCase()}` : 'nothing stands in the way'}`,
    blocks,
  };
}
