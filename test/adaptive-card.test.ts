import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { renderAdaptiveCard, TEAMS_LIMITS, type AdaptiveCardJson } from '../src/bot/teams/adaptive-card.js';
import { runRelease } from '../src/commands/release.js';
import { runStatus } from '../src/commands/status.js';
import { approvalState } from '../src/engine/approvals.js';
import type { Manifest } from '../src/engine/manifest.js';
import type { Card } from '../src/views/cards/model.js';
import { releaseCard } from '../src/views/cards/release-card.js';
import { helpCard } from '../src/views/cards/simple-cards.js';
import { statusCard } from '../src/views/cards/status-card.js';
import { sharedFailureLoop } from './helpers/failure-loop.js';
import { expectGolden } from './helpers/golden.js';
import { oversizeManifest } from './helpers/manifests.js';
import { normalise } from './helpers/workspace.js';

// The Adaptive Cards SDK's own parser is the schema check: it reports unknown element and action
// types, properties of the wrong kind, and elements newer than the card's version.
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as {
  AdaptiveCard: new () => { parse(json: unknown, context: unknown): void; validateProperties(): { validationEvents: Array<{ message: string }> } };
  SerializationContext: new (version: unknown) => { eventCount: number; getEventAt(index: number): { message: string } };
  Versions: { v1_5: unknown };
};

export function expectValidAdaptiveCard(json: AdaptiveCardJson): void {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  card.parse(json, context);
  const parseEvents = Array.from({ length: context.eventCount }, (_, index) => context.getEventAt(index).message);
  const validation = card.validateProperties().validationEvents.map((event) => event.message);
  expect([...parseEvents, ...validation]).toEqual([]);
  expect(json.version).toBe('1.5');
  expect(Buffer.byteLength(JSON.stringify(json))).toBeLessThanOrEqual(TEAMS_LIMITS.cardBytes);
}

const shared = sharedFailureLoop('gig-adaptive-');

function golden(name: string, card: Card): ReturnType<typeof renderAdaptiveCard> {
  const rendered = renderAdaptiveCard(card);
  expectValidAdaptiveCard(rendered.card);
  expectGolden(`teams/${name}.json`, normalise(JSON.stringify(rendered.card, null, 2)));
  return rendered;
}

describe('Adaptive Cards', () => {
  it('the checker catches what is not Adaptive Card 1.5', () => {
    expect(() => expectValidAdaptiveCard({ type: 'AdaptiveCard', $schema: '', version: '1.5', body: [{ type: 'Bogus' }] })).toThrow();
  });

  it.each([
    ['safe', 'PAY-13', 'qa'],
    ['risky', 'PAY-11', 'uat'],
    ['manual-only', 'PAY-10', 'uat'],
    ['blocked', 'PAY-8', 'uat'],
  ])('renders a %s status card with a ColumnSet grid', (verdict, ticket, to) => {
    const { evaluation } = runStatus(shared.loop.app.context, ticket, { to });
    expect(evaluation.verdict).toBe(verdict);
    const rendered = golden(`status-${verdict}`, statusCard(evaluation));
    expect(JSON.stringify(rendered.card)).toContain('"type":"ColumnSet"');
  });

  const release = (): Manifest => runRelease(shared.loop.app.context, { id: 'R-AC', from: 'qa', to: 'uat', tickets: ['PAY-10', 'PAY-11'] }, { dryRun: true }).manifest;
  const decided = (manifest: Manifest, hash: string, decision: 'approve' | 'flag') =>
    approvalState([{ releaseId: manifest.release, hash, decision, by: 'Ben', at: '2026-11-21T09:00:00Z', reason: decision === 'flag' ? 'wrong approver list' : null, platform: 'teams' }], manifest.hash, 1);

  it('renders release cards: open (with the reason input), approved, flagged, stale', () => {
    const manifest = release();
    const open = golden('release-open', releaseCard(manifest, approvalState([], manifest.hash, 1)));
    expect(JSON.stringify(open.card)).toContain('"id":"reason"');
    expect(JSON.stringify(open.card)).toContain('"verb":"gig.release.approve"');
    golden('release-approved', releaseCard(manifest, decided(manifest, manifest.hash, 'approve')));
    golden('release-flagged', releaseCard(manifest, decided(manifest, manifest.hash, 'flag')));
    golden('release-stale', releaseCard(manifest, decided(manifest, 'b'.repeat(64), 'approve')));
    golden('help', helpCard('@gig '));
  });

  it('keeps an oversize release under 28 KB, says how much it left out and where the full packet is', () => {
    const manifest = release();
    const big = oversizeManifest(manifest, { repositories: 12, commits: 60, dbScripts: 0, manualSteps: 0 });
    const rendered = renderAdaptiveCard(releaseCard(big, approvalState([], big.hash, 1)), 'https://gig.example.com/packets/R-AC.md?sig=abc');
    expectValidAdaptiveCard(rendered.card);
    expect(rendered.truncated).toBe(true);
    expect(JSON.stringify(rendered.card)).toMatch(/…and \d+ more/);
    expect(JSON.stringify(rendered.card)).toContain('"type":"Action.OpenUrl"');
    expectGolden('teams/release-oversize.json', normalise(JSON.stringify(rendered.card, null, 2)));
  });
});
