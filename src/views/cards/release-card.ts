import type { Freshness } from '../../engine/freshness.js';
import { freshnessText } from '../freshness-text.js';
import type { ApprovalState } from '../../engine/approvals.js';
import type { Manifest } from '../../engine/manifest.js';
import { VERDICT_LABEL } from '../evaluation-text.js';
import { lit } from '../escape/markup.js';
import { plural, promotedChange, subjectWithTickets, truncate } from '../format.js';
import { renderReleaseMarkdown } from '../release.js';
import { ACTIONS, type Card, type CardAction, type CardBlock, type ManualDoneValue, type ReleaseActionValue } from './model.js';
import { FLAG_PROMPT, manualDoneConfirm, OVERRIDE_PROMPT } from './prompts.js';
import { NO_LINKS, personRef, shaRef, when, type CardLinks } from './links.js';
import { VERDICT_BADGE } from './status-card.js';

/**
 * The release-readiness card: verdicts, what to promote, DB scripts, manual steps with Done
 * buttons, approvals, and Approve / Flag bound to the manifest hash the captain is looking at.
 * Card text is markup (model.ts): every value from commits, people or the configuration goes in through `lit()`.
 */
export function releaseCard(manifest: Manifest, approvals: ApprovalState, drift: string[] = [], options: { overridable?: boolean; links?: CardLinks; freshness?: Freshness } = {}): Card {
  const links = options.links ?? NO_LINKS;
  const [release, from, to] = [manifest.release, manifest.from, manifest.to].map(lit);
  const blocks: CardBlock[] = [{ kind: 'header', text: `Release ${release}: ${from} → ${to} · ${VERDICT_BADGE[manifest.verdict]}` }];
  if (drift.length > 0) blocks.push({ kind: 'list', title: '⚠️ Changed since the release was saved', items: drift.map(lit) });
  blocks.push({
    kind: 'facts',
    facts: manifest.tickets.map((ticket) => ({ label: lit(ticket.ticket), value: `${VERDICT_LABEL[ticket.verdict]}${ticket.reasons[0] ? ` — ${lit(truncate(ticket.reasons[0], 140))}` : ''}` })),
  });
  if (manifest.suggestedTickets.length > 0) {
    blocks.push({ kind: 'list', title: 'Needed but not in the release', items: manifest.suggestedTickets.map((item) => `**${lit(item.ticket)}**: ${lit(item.reason)}`) });
  }
  for (const repository of manifest.repositories) {
    const name = lit(repository.name);
    blocks.push({
      kind: 'list',
      title: `${name} · ${plural(repository.commitsToPromote.length, 'commit')} to promote`,
      items: repository.commitsToPromote.map((commit) => {
        const { full, copy } = promotedChange(commit, manifest.from);
        return `${shaRef(links, repository.name, full)} ${lit(truncate(subjectWithTickets(commit.subject, commit.tickets), 80))}${copy ? ` (${lit(copy)})` : ''}`;
      }),
    });
    if (repository.dbScripts.length > 0) blocks.push({ kind: 'list', title: `${name} · DB scripts in order`, items: repository.dbScripts.map((script) => `\`${lit(script)}\``) });
  }
  if (manifest.notReady.length > 0) {
    blocks.push({
      kind: 'list',
      title: `Not in ${from} yet`,
      items: manifest.notReady.map((commit) => `${shaRef(links, commit.repository, commit.sha)} ${lit(commit.repository)} — ${lit(truncate(subjectWithTickets(commit.subject, [commit.ticket]), 80))}`),
    });
  }
  if (manifest.manualSteps.length > 0) {
    blocks.push({ kind: 'text', text: '**Manual steps**' });
    for (const step of manifest.manualSteps) {
      const done = step.status === 'done';
      const value: ManualDoneValue = { ticket: step.ticket, step: step.id, to: manifest.to, release: manifest.release };
      blocks.push({
        kind: 'item',
        text: `${done ? '✅' : '⬜'} \`${lit(step.id)}\` ${lit(step.ticket)}: ${lit(step.summary)}${done && step.doneBy ? ` (done by ${lit(step.doneBy)})` : ''}`,
        ...(done ? {} : { action: { id: ACTIONS.manualDone, label: 'Done', value: JSON.stringify(value), confirm: manualDoneConfirm(step, manifest.to) } }),
      });
    }
  }
  const warnings = manifest.risks.filter((risk) => risk.level !== 'info');
  if (warnings.length > 0) {
    blocks.push({ kind: 'list', title: 'Risks', items: warnings.map((risk) => `**${lit(risk.level)}** ${lit(risk.ticket)} ${lit(risk.repository ?? '')}: ${lit(risk.summary)}`) });
  }
  blocks.push({ kind: 'divider' });
  blocks.push({ kind: 'text', text: approvalText(approvals, links) });
  if (approvals.approved) {
    blocks.push({ kind: 'text', text: `✅ **Approved** by ${approvals.approvedBy.map((name) => personRef(links, name)).join(', ')}` });
  } else {
    const value: ReleaseActionValue = { release: manifest.release, hash: manifest.hash };
    const flag: CardAction = { id: ACTIONS.flag, label: 'Flag', value: JSON.stringify(value), style: 'danger', prompt: FLAG_PROMPT };
    if (manifest.verdict !== 'blocked') {
      blocks.push({ kind: 'actions', actions: [approveAction(manifest, JSON.stringify(value)), flag] });
    } else if (options.overridable) {
      const override: CardAction = { id: ACTIONS.override, label: 'Approve over BLOCKED', value: JSON.stringify(value), prompt: OVERRIDE_PROMPT };
      blocks.push({ kind: 'actions', actions: [override, flag] });
    } else {
      blocks.push({ kind: 'context', text: 'Approve is off while the release is **BLOCKED**: fix what blocks it, or flag it.' });
      blocks.push({ kind: 'actions', actions: [flag] });
    }
  }
  const freshness = options.freshness ? ` · ${freshnessText(options.freshness, when)}` : '';
  blocks.push({ kind: 'context', text: `manifest \`${lit(manifest.hash.slice(0, 12))}\` · ${plural(manifest.tickets.length, 'ticket')} · approvals bind to this manifest${freshness}` });
  return {
    summary: `Release ${release} (${from} → ${to}): ${VERDICT_LABEL[manifest.verdict]}${approvals.approved ? ', approved' : ''}`,
    blocks,
    attachment: { filename: `${manifest.release}.md`, title: `Release packet ${manifest.release}`, content: renderReleaseMarkdown({ manifest, drift }), release: manifest.release },
  };
}

/**
 * Approve, bound to the manifest shown. On a release that is not SAFE it asks first, and says the
 * verdict and its first reasons in the question, so nobody approves a RISKY release by reflex.
 */
function approveAction(manifest: Manifest, value: string): CardAction {
  const approve: CardAction = { id: ACTIONS.approve, label: 'Approve', value, style: 'primary' };
  if (manifest.verdict === 'safe') return approve;
  const reasons = manifest.tickets.filter((ticket) => ticket.verdict !== 'safe').flatMap((ticket) => ticket.reasons.map((reason) => `${ticket.ticket}: ${reason}`));
  const shown = reasons.slice(0, 2).map((reason) => `• ${lit(truncate(reason, 110))}`);
  const more = reasons.length > 2 ? [`…and ${reasons.length - 2} more`] : [];
  return {
    ...approve,
    confirm: {
      title: `Approve a ${VERDICT_LABEL[manifest.verdict]} release?`,
      text: [`Release ${lit(manifest.release)} is **${VERDICT_LABEL[manifest.verdict]}**:`, ...shown, ...more, `Your approval binds to manifest \`${lit(manifest.hash.slice(0, 12))}\`.`].join('\n'),
      confirm: 'Approve',
      deny: 'Cancel',
    },
  };
}

function approvalText(state: ApprovalState, links: CardLinks): string {
  const current = state.approvals.filter((approval) => !approval.stale);
  const stale = state.approvals.filter((approval) => approval.stale && approval.decision === 'approve');
  const lines = [`**Approvals** ${state.approvedBy.length}/${state.required}`];
  for (const approval of current) {
    lines.push(
      approval.decision === 'approve'
        ? `✔ ${personRef(links, approval.by)} approved${approval.reason ? ` over BLOCKED (${when(approval.at)}): “${lit(approval.reason)}”` : ` (${when(approval.at)})`}`
        : `⚑ ${personRef(links, approval.by)} flagged (${when(approval.at)}): “${lit(approval.reason ?? '')}”`,
    );
  }
  for (const approval of stale) lines.push(`~ ${lit(approval.by)} approved an earlier manifest \`${lit(approval.hash.slice(0, 12))}\` (${when(approval.at)}): stale`);
  if (state.approvals.length === 0) lines.push('no decision yet');
  return lines.join('\n');
}
