import { describe, expect, it } from 'vitest';
import { renderBlockKit, SLACK_LIMITS, type SlackBlock } from '../src/bot/slack/block-kit.js';
import { runRelease } from '../src/commands/release.js';
import { runStatus } from '../src/commands/status.js';
import { approvalState } from '../src/engine/approvals.js';
import type { Manifest } from '../src/engine/manifest.js';
import type { Card } from '../src/views/cards/model.js';
import { releaseCard } from '../src/views/cards/release-card.js';
import { statusCard } from '../src/views/cards/status-card.js';
import { sharedFailureLoop } from './helpers/failure-loop.js';
import { expectGolden } from './helpers/golden.js';
import { oversizeManifest } from './helpers/manifests.js';
import { normalise } from './helpers/workspace.js';

const shared = sharedFailureLoop('gig-cards-');

/** Every limit Slack enforces on a message, checked on the rendered blocks. */
export function expectWithinSlackLimits(blocks: SlackBlock[]): void {
  expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(13_000);
  for (const block of blocks) {
    const text = (block.text as { text?: string } | undefined)?.text ?? '';
    if (block.type === 'header') expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    if (block.type === 'section') expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    const fields = (block.fields as Array<{ text: string }> | undefined) ?? [];
    expect(fields.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldsPerSection);
    for (const field of fields) expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
    const buttons = [...((block.elements as SlackBlock[] | undefined) ?? []), ...(block.accessory ? [block.accessory as SlackBlock] : [])].filter((element) => element.type === 'button');
    for (const button of buttons) {
      expect(String(button.value).length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
      expect((button.text as { text: string }).text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
    }
  }
}

function golden(name: string, card: Card): ReturnType<typeof renderBlockKit> {
  const rendered = renderBlockKit(card);
  expectWithinSlackLimits(rendered.blocks);
  expectGolden(`slack/${name}.json`, normalise(JSON.stringify(rendered, null, 2)));
  return rendered;
}

describe('Block Kit cards', () => {
  it.each([
    ['safe', 'PAY-13', 'qa'],
    ['risky', 'PAY-11', 'uat'],
    ['manual-only', 'PAY-10', 'uat'],
    ['blocked', 'PAY-8', 'uat'],
  ])('renders a %s status card within the limits', (verdict, ticket, to) => {
    const { evaluation } = runStatus(shared.loop.app.context, ticket, { to });
    expect(evaluation.verdict).toBe(verdict);
    const rendered = golden(`status-${verdict}`, statusCard(evaluation));
    expect(rendered.truncated).toBe(false);
  });

  const release = (): Manifest => runRelease(shared.loop.app.context, { id: 'R-CARDS', from: 'qa', to: 'uat', tickets: ['PAY-10', 'PAY-11'] }, { dryRun: true }).manifest;
  const decision = (manifest: Manifest, hash: string, kind: 'approve' | 'flag') =>
    approvalState([{ releaseId: manifest.release, hash, decision: kind, by: 'Ben', at: '2026-11-21T09:00:00Z', reason: kind === 'flag' ? 'wrong approver list' : null, platform: 'slack' }], manifest.hash, 1);

  it('renders release cards: open, approved, flagged and with a stale approval', () => {
    const manifest = release();
    const open = golden('release-open', releaseCard(manifest, approvalState([], manifest.hash, 1)));
    expect(JSON.stringify(open.blocks)).toContain('gig.release.approve');
    const approved = golden('release-approved', releaseCard(manifest, decision(manifest, manifest.hash, 'approve')));
    expect(JSON.stringify(approved.blocks)).not.toContain('gig.release.approve');
    const flagged = golden('release-flagged', releaseCard(manifest, decision(manifest, manifest.hash, 'flag')));
    expect(JSON.stringify(flagged.blocks)).toContain('⚑ Ben flagged');
    const stale = golden('release-stale', releaseCard(manifest, decision(manifest, 'a'.repeat(64), 'approve')));
    expect(JSON.stringify(stale.blocks)).toContain('approved an earlier manifest');
    expect(JSON.stringify(stale.blocks)).toContain('gig.release.approve');
  });

  it('cuts an oversize release to the limits, says how much it left out, and asks for the attachment', () => {
    const manifest = release();
    const big = oversizeManifest(manifest, { repositories: 12, commits: 40, dbScripts: 5, manualSteps: 60 });
    const rendered = golden('release-oversize', releaseCard(big, approvalState([], big.hash, 1)));
    expect(rendered.truncated).toBe(true);
    expect(JSON.stringify(rendered.blocks)).toMatch(/…and \d+ more/);
    expect(JSON.stringify(rendered.blocks)).toContain('gig.release.approve');
  });

  it('escapes Slack control characters in text people wrote', () => {
    const rendered = renderBlockKit({ summary: 'x', blocks: [{ kind: 'text', text: 'a <@U123> & **b**' }] });
    expect((rendered.blocks[0]!.text as { text: string }).text).toBe('a &lt;@U123&gt; &amp; *b*');
  });
});
