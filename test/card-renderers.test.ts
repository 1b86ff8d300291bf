import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { promptModal, renderBlockKit, SLACK_LIMITS, type SlackBlock } from '../src/bot/slack/block-kit.js';
import { renderAdaptiveCard, TEAMS_LIMITS, type AdaptiveCardJson } from '../src/bot/teams/adaptive-card.js';
import { buildRelease } from '../src/commands/release.js';
import { runStatus } from '../src/commands/status.js';
import { approvalState } from '../src/engine/approvals.js';
import type { Manifest } from '../src/engine/manifest.js';
import { CUT_TEXT } from '../src/views/cards/fit.js';
import { ACTIONS, type ActionId, type Card, type CardAction, type CardPrompt } from '../src/views/cards/model.js';
import { FLAG_PROMPT, PROMPTS } from '../src/views/cards/prompts.js';
import { releaseCard } from '../src/views/cards/release-card.js';
import { homeCard } from '../src/views/cards/home-card.js';
import { watchCard } from '../src/views/cards/watch-card.js';
import { helpCard, welcomeCard } from '../src/views/cards/simple-cards.js';
import { statusCard } from '../src/views/cards/status-card.js';
import { plainText } from '../src/views/escape/markup.js';
import { sharedFailureLoop } from './helpers/failure-loop.js';
import { expectGolden } from './helpers/golden.js';
import { oversizeManifest } from './helpers/manifests.js';
import { normalise } from './helpers/workspace.js';

/**
 * Both card renderers, one table: every card of the neutral model is rendered by Block Kit (Slack)
 * and by Adaptive Cards (Teams), checked against the platform's own limits or schema, and compared
 * with its golden (test/golden/slack|teams). What only one platform has is at the end of the file.
 */

/** Every limit Slack enforces on a message, checked on the rendered blocks. */
function expectWithinSlackLimits(blocks: SlackBlock[]): void {
  expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(13_000);
  for (const block of blocks) {
    const text = (block.text as { text?: string } | undefined)?.text ?? '';
    if (block.type === 'header') expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    if (block.type === 'section') expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    const fields = (block.fields as Array<{ text: string }> | undefined) ?? [];
    expect(fields.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldsPerSection);
    for (const field of fields) expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
    for (const button of buttonsOf([block])) {
      expect(String(button.value).length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
      expect((button.text as { text: string }).text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
    }
  }
}

function buttonsOf(blocks: SlackBlock[]): SlackBlock[] {
  return blocks.flatMap((block) => [...((block.elements as SlackBlock[] | undefined) ?? []), ...(block.accessory ? [block.accessory as SlackBlock] : [])]).filter((element) => element.type === 'button');
}

// The Adaptive Cards SDK's own parser is the schema check: it reports unknown element and action
// types, properties of the wrong kind, and elements newer than the card's version.
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as {
  AdaptiveCard: new () => { parse(json: unknown, context: unknown): void; validateProperties(): { validationEvents: Array<{ message: string }> } };
  SerializationContext: new (version: unknown) => { eventCount: number; getEventAt(index: number): { message: string } };
  Versions: { v1_5: unknown };
};

function expectValidAdaptiveCard(json: AdaptiveCardJson): void {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  card.parse(json, context);
  const parseEvents = Array.from({ length: context.eventCount }, (_, index) => context.getEventAt(index).message);
  const validation = card.validateProperties().validationEvents.map((event) => event.message);
  expect([...parseEvents, ...validation]).toEqual([]);
  expect(json.version).toBe('1.5');
  expect(Buffer.byteLength(JSON.stringify(json))).toBeLessThanOrEqual(TEAMS_LIMITS.cardBytes);
}

/** Every object in a JSON tree that `pick` accepts, depth first. */
function collect<T>(node: unknown, pick: (record: Record<string, unknown>) => T | undefined): T[] {
  if (Array.isArray(node)) return node.flatMap((child) => collect(child, pick));
  if (!node || typeof node !== 'object') return [];
  const record = node as Record<string, unknown>;
  const own = pick(record);
  return [...(own === undefined ? [] : [own]), ...Object.values(record).flatMap((child) => collect(child, pick))];
}

function cardActions(card: Card): CardAction[] {
  return card.blocks.flatMap((block) => (block.kind === 'actions' ? block.actions : block.kind === 'item' && block.action ? [block.action] : []));
}

/** An input a platform asks with, in the terms of a CardPrompt. */
interface AskedInput {
  field: string;
  label: string;
  placeholder: string;
  maxLength: number;
  minLength?: number;
}

/** One card, rendered by one platform. */
interface Rendered {
  /** What the platform's golden holds. */
  golden: unknown;
  truncated: boolean;
  /** The ids of the actions (buttons) it offers, in order. */
  actions: string[];
  /** Every text the platform will show, as one JSON string to look into. */
  text: string;
  /** Where an action's prompt is asked: in the card (Teams) or in the modal its button opens (Slack). */
  asks(action: ActionId): AskedInput | null;
}

interface Platform {
  name: 'slack' | 'teams';
  /** The release ids and oversize shapes the goldens were recorded with. */
  release: string;
  oversize: { repositories: number; commits: number; dbScripts: number; manualSteps: number };
  render(card: Card, fullDocumentUrl?: string): Rendered;
  /** What gig's markup `a <at>x</at> <!channel> & **b**` must become in the card's first text. */
  escaped: string;
  firstText(rendered: Rendered): string;
}

const slack: Platform = {
  name: 'slack',
  release: 'R-CARDS',
  oversize: { repositories: 12, commits: 40, dbScripts: 5, manualSteps: 60 },
  render(card) {
    const rendered = renderBlockKit(card);
    expectWithinSlackLimits(rendered.blocks);
    const actions = buttonsOf(rendered.blocks).map((button) => String(button.action_id));
    return {
      golden: rendered,
      truncated: rendered.truncated,
      actions,
      text: JSON.stringify(rendered),
      asks(action) {
        // A message has no text box: the button opens the modal that asks (bot/slack/handlers.ts
        // builds it from PROMPTS, which is what cards carry: checked below).
        const prompt = cardActions(card).find((candidate) => candidate.id === action)?.prompt;
        if (!actions.includes(action) || !prompt) return null;
        const input = promptModal(prompt, { callbackId: `${action}.modal`, metadata: '' }).blocks[0]!;
        const element = input.element as { action_id: string; placeholder: { text: string }; max_length: number; min_length: number };
        expect(element.action_id).toBe(input.block_id);
        return { field: String(input.block_id), label: (input.label as { text: string }).text, placeholder: element.placeholder.text, maxLength: element.max_length, minLength: element.min_length };
      },
    };
  },
  escaped: 'a &lt;at&gt;x&lt;/at&gt; &lt;!channel&gt; &amp; *b*',
  firstText: (rendered) => ((rendered.golden as { blocks: SlackBlock[] }).blocks[0]!.text as { text: string }).text,
};

const teams: Platform = {
  name: 'teams',
  release: 'R-AC',
  oversize: { repositories: 12, commits: 60, dbScripts: 0, manualSteps: 0 },
  render(card, fullDocumentUrl) {
    const rendered = renderAdaptiveCard(card, fullDocumentUrl);
    expectValidAdaptiveCard(rendered.card);
    const inputs = collect(rendered.card, (record) => (record.type === 'Input.Text' ? record : undefined));
    const actions = collect(rendered.card, (record) => (record.type === 'Action.Execute' ? String(record.verb) : undefined));
    return {
      golden: rendered.card,
      truncated: rendered.truncated,
      actions,
      text: JSON.stringify(rendered.card),
      asks(action) {
        // Teams asks in the card itself; the client sends the input's value with the action's data.
        const field = cardActions(card).find((candidate) => candidate.id === action)?.prompt?.field;
        const input = inputs.find((candidate) => candidate.id === field);
        if (!actions.includes(action) || !input) return null;
        return { field: String(input.id), label: String(input.label), placeholder: String(input.placeholder), maxLength: Number(input.maxLength) };
      },
    };
  },
  escaped: 'a <\u200bat>x<\u200b/at> <\u200b!channel> & **b**',
  firstText: (rendered) => String((rendered.golden as AdaptiveCardJson).body[0]!.text),
};

const shared = sharedFailureLoop('gig-cards-');

const release = async (id: string): Promise<Manifest> => (await buildRelease(shared.loop.app.context, { id, from: 'qa', to: 'uat', tickets: ['PAY-10', 'PAY-11'] })).manifest;
const decided = (manifest: Manifest, hash: string, decision: 'approve' | 'flag') =>
  approvalState([{ releaseId: manifest.release, hash, decision, by: 'Ben', at: '2026-11-21T09:00:00Z', reason: decision === 'flag' ? 'wrong approver list' : null, platform: 'slack' }], manifest.hash, 1);

function golden(platform: Platform, name: string, rendered: Rendered): void {
  expectGolden(`${platform.name}/${name}.json`, normalise(JSON.stringify(rendered.golden, null, 2)));
}

describe.each([slack, teams])('$name renders the card model', (platform) => {
  it.each([
    ['safe', 'PAY-13', 'qa'],
    ['risky', 'PAY-11', 'uat'],
    ['manual-only', 'PAY-10', 'uat'],
    ['blocked', 'PAY-8', 'uat'],
  ])('a %s status card, whole', async (verdict, ticket, to) => {
    const { evaluation } = await runStatus(shared.loop.app.context, ticket, { to });
    expect(evaluation.verdict).toBe(verdict);
    const rendered = platform.render(statusCard(evaluation));
    expect(rendered.truncated).toBe(false);
    golden(platform, `status-${verdict}`, rendered);
  });

  it('what a watch is told after a sync', () => {
    const changes = [
      { kind: 'verdict' as const, from: 'risky' as const, to: 'blocked' as const, target: 'uat' },
      { kind: 'environment' as const, repository: 'api', environment: 'qa', from: 'partial' as const, to: 'complete' as const },
      { kind: 'after-rejection' as const, commits: ['a61099ef9c90f1ff2f16ebdf9ed46f996eab2faa'] },
    ];
    golden(platform, 'watch-ticket', platform.render(watchCard('ticket', 'PAY-7', changes)));
    golden(platform, 'watch-release', platform.render(watchCard('release', 'R-9', [{ kind: 'manifest-changed', staleApprovals: ['Ana'] }, { kind: 'approved', by: ['Ben'] }])));
  });

  it('a home page: what waits for you, what is open, the next digests', () => {
    const content = {
      awaitingYou: [{ release: 'R-9', from: 'qa', to: 'uat', verdict: 'risky' as const, approvedBy: [], required: 1 }],
      open: [{ release: 'R-8', from: 'uat', to: 'prod', verdict: 'blocked' as const, approvedBy: ['Ana'], required: 2 }],
      digests: [{ name: 'uat-window', target: 'uat', next: '2026-11-23T08:00:00.000Z', timezone: 'Europe/Berlin' }],
      unreadable: [],
    };
    golden(platform, 'home', platform.render(homeCard(content, platform.name === 'slack' ? '/gig ' : '@gig ')));
  });

  it('release cards: open, approved, flagged and with a stale approval', async () => {
    const manifest = await release(platform.release);
    const open = platform.render(releaseCard(manifest, approvalState([], manifest.hash, 1)));
    expect(open.actions).toEqual([ACTIONS.manualDone, ACTIONS.approve, ACTIONS.flag]);
    golden(platform, 'release-open', open);

    const approved = platform.render(releaseCard(manifest, decided(manifest, manifest.hash, 'approve')));
    expect(approved.actions).toEqual([ACTIONS.manualDone]);
    expect(approved.text).toContain('Approved');
    golden(platform, 'release-approved', approved);

    const flagged = platform.render(releaseCard(manifest, decided(manifest, manifest.hash, 'flag')));
    expect(flagged.text).toContain('⚑ Ben flagged');
    golden(platform, 'release-flagged', flagged);

    const stale = platform.render(releaseCard(manifest, decided(manifest, 'a'.repeat(64), 'approve')));
    expect(stale.text).toContain('approved an earlier manifest');
    expect(stale.actions).toContain(ACTIONS.approve);
    golden(platform, 'release-stale', stale);
  });

  it('asks for the flag\'s reason with the words of its prompt', async () => {
    const manifest = await release(platform.release);
    const card = releaseCard(manifest, approvalState([], manifest.hash, 1));
    const asked = platform.render(card).asks(ACTIONS.flag);
    expect(asked).toMatchObject({ field: FLAG_PROMPT.field, label: plainText(FLAG_PROMPT.label), placeholder: plainText(FLAG_PROMPT.placeholder), maxLength: FLAG_PROMPT.maxLength });
    if (asked?.minLength !== undefined) expect(asked.minLength).toBe(FLAG_PROMPT.minLength);
    // Approve asks nothing; and what the card carries is what Slack asks after the click (PROMPTS).
    expect(platform.render(card).asks(ACTIONS.approve)).toBeNull();
    expect(cardActions(card).find((action) => action.id === ACTIONS.flag)?.prompt).toBe(PROMPTS[ACTIONS.flag]);
  });

  it('builds its input from any prompt, not from words of its own', () => {
    const prompt: CardPrompt = { field: 'why', title: 'Why so?', label: 'Your **reason**', placeholder: 'Because…', submit: 'Send', cancel: 'Back', multiline: false, minLength: 1, maxLength: 99, whenEmpty: 'Say why.' };
    const card: Card = { summary: 'x', blocks: [{ kind: 'actions', actions: [{ id: ACTIONS.flag, label: 'Flag', value: '{}', prompt }] }] };
    expect(platform.render(card).asks(ACTIONS.flag)).toMatchObject({ field: 'why', label: 'Your reason', placeholder: 'Because…', maxLength: 99 });
  });

  it('cuts an oversize release to fit, with "…and N more" in the one wording of views', async () => {
    const manifest = await release(platform.release);
    const big = oversizeManifest(manifest, platform.oversize);
    const rendered = platform.render(releaseCard(big, approvalState([], big.hash, 1)), `https://gig.example.com/packets/${platform.release}.md?sig=abc`);
    expect(rendered.truncated).toBe(true);
    const more = rendered.text.match(/…and (\d+) more/);
    expect(more).not.toBeNull();
    expect(rendered.text).toContain(plainText(CUT_TEXT.more(Number(more![1]))));
    expect(rendered.actions).toContain(ACTIONS.approve);
    golden(platform, 'release-oversize', rendered);
  });

  it('leaves text people wrote as words: no mention, no tag, no formatting of theirs', () => {
    const rendered = platform.render({ summary: 'x', blocks: [{ kind: 'text', text: 'a <at>x</at> <!channel> & **b**' }] });
    expect(platform.firstText(rendered)).toBe(platform.escaped);
  });
});

describe('what only Slack has', () => {
  it('the limits check catches a message Slack would refuse', () => {
    expect(() => expectWithinSlackLimits([{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(SLACK_LIMITS.headerText + 1) } }])).toThrow();
  });

  it('asks a prompt in a modal within Slack\'s limits, its answer under the prompt\'s field', () => {
    const modal = promptModal({ ...FLAG_PROMPT, title: 'A title longer than Slack allows a modal' }, { callbackId: 'gig.release.flag.modal', metadata: '{}' });
    expect(modal).toMatchObject({ type: 'modal', callback_id: 'gig.release.flag.modal', submit: { text: FLAG_PROMPT.submit }, close: { text: FLAG_PROMPT.cancel } });
    expect(modal.title.text.length).toBeLessThanOrEqual(SLACK_LIMITS.modalTitle);
    expect(modal.blocks[0]).toMatchObject({ type: 'input', block_id: 'reason', element: { type: 'plain_text_input', action_id: 'reason', multiline: true } });
  });
});

describe('what only Teams has', () => {
  it('the checker catches what is not Adaptive Card 1.5', () => {
    expect(() => expectValidAdaptiveCard({ type: 'AdaptiveCard', $schema: '', version: '1.5', body: [{ type: 'Bogus' }] })).toThrow();
  });

  it('links a cut card to the full packet, or names the command that prints it', async () => {
    const manifest = await release(teams.release);
    const big = releaseCard(oversizeManifest(manifest, teams.oversize), approvalState([], manifest.hash, 1));
    const linked = teams.render(big, 'https://gig.example.com/packets/R-AC.md?sig=abc');
    expect(linked.text).toContain(`"type":"Action.OpenUrl","title":"${plainText(CUT_TEXT.openFull('Release packet R-AC'))}"`);
    expect(teams.render(big).text).toContain('gig release R-AC --format md');
  });

  it('renders the help card', () => {
    golden(teams, 'help', teams.render(helpCard('@gig ')));
  });

  it('asks before Approve on a release that is not SAFE, in the card (Adaptive Cards have no dialog)', async () => {
    const manifest = await release('R-CONFIRM-AC');
    expect(manifest.verdict).not.toBe('safe');
    const text = teams.render(releaseCard(manifest, approvalState([], manifest.hash, 1))).text;
    expect(text).toMatch(/"type":"Action.ShowCard","title":"Approve","card":\{"type":"AdaptiveCard","body":\[\{"type":"TextBlock","text":"\*\*Approve a [A-Z-]+ release\?\*\*"/);
    expect(text).toMatch(/"actions":\[\{"type":"Action.Execute","verb":"gig.release.approve","title":"Approve"/);
  });

  it('renders the welcome of a 1:1 chat', () => {
    const welcome = teams.render(welcomeCard(''));
    expect(welcome.text).not.toContain('`');
    golden(teams, 'welcome', welcome);
  });
});
