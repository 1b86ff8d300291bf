import type { Card, CardAction, CardBlock, CardPrompt } from '../../views/cards/model.js';
import { CUT_TEXT, fitCard } from '../../views/cards/fit.js';
import { parseMarkup, plainText } from '../../views/escape/markup.js';
import { teamsMarkdown, teamsMention } from '../../views/escape/teams.js';

/**
 * One generic renderer from the card model to an Adaptive Card 1.5 for Teams: FactSet for facts,
 * a Table for the repositories × environments grid, Action.Execute (Universal Actions)
 * with an Action.Submit fallback for older clients; an action's prompt (a flag's reason) becomes an
 * Input.Text above its buttons, whose answer the client sends with the action's data. Cards stay
 * under Teams' 28 KB: long lists end in "…and N more" (CUT_TEXT), with a link to the full document.
 *
 * Card text is gig's neutral markup; every TextBlock and fact goes through teamsMarkdown
 * (views/escape/teams.ts), which keeps gig's emphasis and neutralises links, `<at>` mentions,
 * HTML and Markdown in what users wrote. Button titles are plain text and get the words only.
 */
export const TEAMS_LIMITS = { cardBytes: 28_000 } as const;

export type AdaptiveElement = { type: string; [key: string]: unknown };

export interface AdaptiveCardJson {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: AdaptiveElement[];
  actions?: AdaptiveElement[];
  msteams?: { width: 'Full'; entities?: MentionEntity[] };
}

export interface RenderedAdaptiveCard {
  card: AdaptiveCardJson;
  truncated: boolean;
}

/** `fullDocumentUrl`: where the full document can be read when the card had to be cut. */
export function renderAdaptiveCard(card: Card, fullDocumentUrl?: string): RenderedAdaptiveCard {
  const { output, exhausted } = fitCard(card, ({ shown, itemBudget }) => {
    const { body, cut } = renderBody(card.blocks, shown, itemBudget);
    if (cut && card.attachment) {
      body.push(
        fullDocumentUrl
          ? { type: 'ActionSet', actions: [{ type: 'Action.OpenUrl', title: plainText(CUT_TEXT.openFull(card.attachment.title)), url: fullDocumentUrl }] }
          : { type: 'TextBlock', text: teamsMarkdown(CUT_TEXT.fullPacket(card.attachment.release ?? '')), wrap: true, isSubtle: true },
      );
    }
    const entities = mentionEntities(card);
    const json: AdaptiveCardJson = {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.5',
      body,
      msteams: { width: 'Full', ...(entities.length > 0 ? { entities } : {}) },
    };
    return { output: { card: json, truncated: cut }, fits: Buffer.byteLength(JSON.stringify(json)) <= TEAMS_LIMITS.cardBytes, excess: 0 };
  });
  return exhausted ? { card: { ...output.card, body: output.card.body.slice(0, 20) }, truncated: true } : output;
}

interface MentionEntity {
  type: 'mention';
  text: string;
  mentioned: { id: string; name: string };
}

/** One entity per person the card mentions (views' person tokens with a Teams id): Teams needs it to notify them. */
function mentionEntities(card: Card): MentionEntity[] {
  const texts = card.blocks.flatMap((block) => {
    switch (block.kind) {
      case 'list':
        return [block.title, ...block.items];
      case 'facts':
        return block.facts.flatMap((fact) => [fact.label, fact.value]);
      case 'grid':
        return [block.title];
      case 'actions':
      case 'divider':
        return [];
      default:
        return [block.text];
    }
  });
  const found = new Map<string, MentionEntity>();
  for (const run of texts.flatMap((text) => parseMarkup(text))) {
    if (run.token?.kind === 'person' && run.token.teams) {
      const text = teamsMention(run.token.text);
      found.set(`${run.token.teams}\u0000${text}`, { type: 'mention', text, mentioned: { id: run.token.teams, name: run.token.text } });
    }
  }
  return [...found.values()];
}

function renderBody(blocks: CardBlock[], shown: Map<number, number>, itemBudget: number): { body: AdaptiveElement[]; cut: boolean } {
  const body: AdaptiveElement[] = [];
  let cut = false;
  let itemsLeft = itemBudget;
  let hidden = 0;
  let separate = false;
  const push = (element: AdaptiveElement): void => {
    body.push(separate ? { ...element, separator: true, spacing: 'Medium' } : element);
    separate = false;
  };
  blocks.forEach((block, index) => {
    if (block.kind !== 'item' && hidden > 0) {
      push(text(CUT_TEXT.more(hidden)));
      hidden = 0;
    }
    switch (block.kind) {
      case 'header':
        push({ type: 'TextBlock', text: teamsMarkdown(block.text), size: 'Large', weight: 'Bolder', wrap: true });
        break;
      case 'text':
        push(text(block.text));
        break;
      case 'facts':
        push({ type: 'FactSet', facts: block.facts.map((fact) => ({ title: teamsMarkdown(fact.label), value: teamsMarkdown(fact.value) })) });
        break;
      case 'grid':
        push({
          type: 'Container',
          items: [
            { type: 'TextBlock', text: teamsMarkdown(block.title), weight: 'Bolder', wrap: true },
            {
              type: 'Table',
              firstRowAsHeader: true,
              showGridLines: false,
              columns: [{ width: 3 }, ...block.columns.map(() => ({ width: 1 }))],
              rows: [row('', block.columns, true), ...block.rows.map((entry) => row(entry.label, entry.cells, false))],
            },
          ],
        });
        break;
      case 'list': {
        const limit = shown.get(index) ?? block.items.length;
        const more = block.items.length - limit;
        cut ||= more > 0;
        push({
          type: 'Container',
          items: [
            { type: 'TextBlock', text: teamsMarkdown(block.title), weight: 'Bolder', wrap: true },
            rendered([...block.items.slice(0, limit).map((entry) => `- ${teamsMarkdown(entry)}`), ...(more > 0 ? [teamsMarkdown(CUT_TEXT.more(more))] : [])].join('\n')),
          ],
        });
        break;
      }
      case 'item':
        if (itemsLeft <= 0) {
          hidden += 1;
          cut = true;
          break;
        }
        itemsLeft -= 1;
        push({
          type: 'ColumnSet',
          columns: [
            { type: 'Column', width: 'stretch', items: [text(block.text)], verticalContentAlignment: 'Center' },
            ...(block.action ? [{ type: 'Column', width: 'auto', items: actionSet([block.action]) }] : []),
          ],
        });
        break;
      case 'actions':
        actionSet(block.actions).forEach(push);
        break;
      case 'context':
        push({ type: 'TextBlock', text: teamsMarkdown(block.text), isSubtle: true, size: 'Small', wrap: true });
        break;
      case 'divider':
        separate = true;
        break;
    }
  });
  if (hidden > 0) push(text(CUT_TEXT.more(hidden)));
  return { body, cut };
}

/** A TextBlock of gig markup. */
function text(markup: string): AdaptiveElement {
  return rendered(teamsMarkdown(markup));
}

/** A TextBlock of Markdown the renderer built itself from escaped parts. */
function rendered(markdown: string): AdaptiveElement {
  return { type: 'TextBlock', text: markdown, wrap: true };
}

/** A row of the grid's Table (Adaptive Cards 1.5): the repository, then one cell per environment. */
function row(label: string, cells: string[], heading: boolean): AdaptiveElement {
  const weight = heading ? 'Bolder' : 'Default';
  return {
    type: 'TableRow',
    cells: [
      { type: 'TableCell', items: [{ type: 'TextBlock', text: teamsMarkdown(label) || ' ', weight, wrap: true }] },
      ...cells.map((cell) => ({ type: 'TableCell', items: [{ type: 'TextBlock', text: teamsMarkdown(cell), weight, horizontalAlignment: 'Center' }] })),
    ],
  };
}

/**
 * The inputs the actions prompt for, then their buttons. Teams asks in the card itself: the client
 * sends every input's value with the action's data, under the prompt's field.
 */
function actionSet(actions: CardAction[]): AdaptiveElement[] {
  const prompts = new Map(actions.flatMap((candidate) => (candidate.prompt ? [[candidate.prompt.field, candidate.prompt] as const] : [])));
  return [...[...prompts.values()].map(input), { type: 'ActionSet', actions: actions.map(action) }];
}

/**
 * A prompt as an Input.Text. Not `isRequired`: the client would then hold back every button of the
 * card, Approve too, until the box is filled; so a blank answer comes back and commands/ refuses it
 * (in the prompt's `whenEmpty` words). Adaptive Cards have no minimum length.
 */
function input(prompt: CardPrompt): AdaptiveElement {
  return { type: 'Input.Text', id: prompt.field, label: plainText(prompt.label), placeholder: plainText(prompt.placeholder), isMultiline: prompt.multiline, maxLength: prompt.maxLength };
}

/**
 * An action as the card shows it. One that asks for confirmation opens, in the card, the question
 * and the button that acts (Action.ShowCard: Adaptive Cards have no dialog); clicking the first
 * button again folds it away, which is "no".
 */
function action(source: CardAction): AdaptiveElement {
  if (!source.confirm) return acting(source);
  const { confirm } = source;
  return {
    type: 'Action.ShowCard',
    title: plainText(source.label),
    card: {
      type: 'AdaptiveCard',
      body: [
        { type: 'TextBlock', text: teamsMarkdown(`**${confirm.title}**`), wrap: true },
        { type: 'TextBlock', text: teamsMarkdown(confirm.text), wrap: true },
      ],
      actions: [acting({ ...source, label: confirm.confirm })],
    },
  };
}

/** Universal Action for current clients, Action.Submit for the rest; both carry the same data. */
function acting(source: CardAction): AdaptiveElement {
  const style = source.style === 'primary' ? 'positive' : source.style === 'danger' ? 'destructive' : 'default';
  const data = { gigAction: source.id, value: source.value };
  const title = plainText(source.label);
  // Only an action that asks something sends the card's inputs: Approve must not carry a Flag reason typed beside it.
  const associatedInputs = source.prompt ? 'auto' : 'none';
  return {
    type: 'Action.Execute',
    verb: source.id,
    title,
    style,
    data,
    associatedInputs,
    fallback: { type: 'Action.Submit', title, style, data, associatedInputs },
  };
}
