import { CUT_TEXT, fitCard } from '../../views/cards/fit.js';
import type { Card, CardAction, CardBlock, CardConfirm, CardPrompt } from '../../views/cards/model.js';
import { plainText } from '../../views/escape/markup.js';
import { slackCode, slackMrkdwn, slackSummary, slackText } from '../../views/escape/slack.js';

/**
 * One generic renderer from the card model to Block Kit, within Slack's limits: 50 blocks, 3,000
 * characters a section, 150 a header, 2,000 a button value, and about 13k for the whole message.
 * Lists that do not fit end in "…and N more" (CUT_TEXT); the caller then attaches the full document.
 * A message has no text box: an action's prompt (a flag's reason) is asked in a modal opened from
 * its button (promptModal, opened by handlers.ts).
 *
 * Card text is gig's neutral markup; views/escape/slack.ts turns it into mrkdwn and escapes every
 * literal run, so nothing a user wrote becomes a mention, a link or formatting. Every mrkdwn object
 * is `verbatim`: Slack then links no bare URL or channel name and parses no mention on its own.
 */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  fieldsPerSection: 10,
  fieldText: 2000,
  totalText: 12_000,
  modalTitle: 24,
  inputLabel: 2000,
  placeholder: 150,
  inputText: 3000,
  // A button's confirm dialog: title, confirm and deny are plain text of 100/30/30, its text 300.
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

export type SlackBlock = { type: string; [key: string]: unknown };

export interface RenderedMessage {
  text: string;
  blocks: SlackBlock[];
  /** True when something was left out to fit: attach the card's document. */
  truncated: boolean;
}

export function renderBlockKit(card: Card): RenderedMessage {
  const { output, exhausted } = fitCard(card, ({ shown, itemBudget }) => {
    const rendered = renderAll(card.blocks, shown, itemBudget);
    const fits = rendered.blocks.length <= SLACK_LIMITS.blocks && textSize(rendered.blocks) <= SLACK_LIMITS.totalText;
    return { output: rendered, fits, excess: Math.max(0, rendered.blocks.length - SLACK_LIMITS.blocks) };
  });
  if (exhausted) return { text: slackSummary(card.summary), blocks: output.blocks.slice(0, SLACK_LIMITS.blocks), truncated: true };
  return { text: slackSummary(card.summary), blocks: output.blocks, truncated: output.cut };
}

function renderAll(blocks: CardBlock[], shown: Map<number, number>, itemBudget: number): { blocks: SlackBlock[]; cut: boolean } {
  const out: SlackBlock[] = [];
  let cut = false;
  let itemsLeft = itemBudget;
  let itemsHidden = 0;
  blocks.forEach((block, index) => {
    if (block.kind === 'item') {
      if (itemsLeft > 0) {
        itemsLeft -= 1;
        out.push(item(block.text, block.action));
      } else {
        itemsHidden += 1;
        cut = true;
      }
      return;
    }
    if (itemsHidden > 0) {
      out.push(section(CUT_TEXT.more(itemsHidden)));
      itemsHidden = 0;
    }
    if (block.kind === 'list') {
      const limit = shown.get(index) ?? block.items.length;
      const rendered = list(block.title, block.items, limit);
      cut ||= rendered.cut;
      out.push(rendered.block);
      return;
    }
    out.push(...renderBlock(block));
  });
  if (itemsHidden > 0) out.push(section(CUT_TEXT.more(itemsHidden)));
  return { blocks: out, cut };
}

function renderBlock(block: Exclude<CardBlock, { kind: 'list' } | { kind: 'item' }>): SlackBlock[] {
  switch (block.kind) {
    case 'header':
      return [{ type: 'header', text: { type: 'plain_text', text: clip(plainText(block.text, { code: true }), SLACK_LIMITS.headerText), emoji: true } }];
    case 'text':
      return [section(block.text)];
    case 'facts': {
      const sections: SlackBlock[] = [];
      for (let start = 0; start < block.facts.length; start += SLACK_LIMITS.fieldsPerSection) {
        const fields = block.facts
          .slice(start, start + SLACK_LIMITS.fieldsPerSection)
          .map((fact) => mrkdwnObject(clip(`${bold(fact.label)}\n${slackMrkdwn(fact.value)}`, SLACK_LIMITS.fieldText)));
        sections.push({ type: 'section', fields });
      }
      return sections;
    }
    case 'grid': {
      const columns = block.columns.map((column) => plainText(column));
      const rows = block.rows.map((row) => ({ label: plainText(row.label), cells: row.cells.map((cell) => plainText(cell)) }));
      const width = Math.max(4, ...rows.map((row) => row.label.length)) + 2;
      const cellWidth = Math.max(5, ...columns.map((column) => column.length + 2));
      const lines = [
        ' '.repeat(width) + columns.map((column) => column.padEnd(cellWidth)).join('').trimEnd(),
        ...rows.map((row) => row.label.padEnd(width) + row.cells.map((cell) => cell.padEnd(cellWidth)).join('').trimEnd()),
      ];
      return [section(`${bold(block.title)}\n\`\`\`${slackCode(lines.join('\n'))}\`\`\``, true)];
    }
    case 'actions':
      return [{ type: 'actions', elements: block.actions.map(button) }];
    case 'context':
      return [{ type: 'context', elements: [mrkdwnObject(clip(slackMrkdwn(block.text), 2000))] }];
    case 'divider':
      return [{ type: 'divider' }];
  }
}

function list(title: string, items: string[], limit: number): { block: SlackBlock; cut: boolean } {
  const head = bold(title);
  let count = Math.min(limit, items.length);
  for (;;) {
    const more = items.length - count;
    const text = [head, ...items.slice(0, count).map((entry) => `• ${slackMrkdwn(entry)}`), ...(more > 0 ? [slackMrkdwn(CUT_TEXT.more(more))] : [])].join('\n');
    if (text.length <= SLACK_LIMITS.sectionText || count === 0) return { block: { type: 'section', text: mrkdwnObject(clip(text, SLACK_LIMITS.sectionText)) }, cut: more > 0 };
    count = Math.floor(count * 0.8);
  }
}

function item(text: string, action: CardAction | undefined): SlackBlock {
  const block: SlackBlock = { type: 'section', text: mrkdwnObject(clip(slackMrkdwn(text), SLACK_LIMITS.sectionText)) };
  if (action) block.accessory = button(action);
  return block;
}

function button(action: CardAction): SlackBlock {
  if (action.value.length > SLACK_LIMITS.buttonValue) throw new Error(`button value of ${action.id} is longer than Slack allows`);
  return {
    type: 'button',
    action_id: action.id,
    text: { type: 'plain_text', text: clip(plainText(action.label), SLACK_LIMITS.buttonText), emoji: true },
    value: action.value,
    ...(action.style ? { style: action.style } : {}),
    ...(action.confirm ? { confirm: confirmDialog(action.confirm) } : {}),
  };
}

/** Slack's own dialog before a button acts: the question in words views wrote, within Slack's limits. */
function confirmDialog(confirm: CardConfirm): Record<string, unknown> {
  return {
    title: { type: 'plain_text', text: clip(plainText(confirm.title), SLACK_LIMITS.confirmTitle) },
    text: mrkdwnObject(clip(slackMrkdwn(confirm.text), SLACK_LIMITS.confirmText)),
    confirm: { type: 'plain_text', text: clip(plainText(confirm.confirm), SLACK_LIMITS.confirmButton) },
    deny: { type: 'plain_text', text: clip(plainText(confirm.deny), SLACK_LIMITS.confirmButton) },
  };
}

export interface SlackModal {
  type: 'modal';
  callback_id: string;
  private_metadata: string;
  title: PlainText;
  submit: PlainText;
  close: PlainText;
  blocks: SlackBlock[];
}

type PlainText = { type: 'plain_text'; text: string };

/**
 * The modal that asks an action's prompt: one input whose block and element ids are the prompt's
 * field, so its answer is `view.state.values[field][field].value`.
 */
export function promptModal(prompt: CardPrompt, view: { callbackId: string; metadata: string }): SlackModal {
  const plain = (markup: string, max: number): PlainText => ({ type: 'plain_text', text: clip(plainText(markup), max) });
  return {
    type: 'modal',
    callback_id: view.callbackId,
    private_metadata: view.metadata,
    title: plain(prompt.title, SLACK_LIMITS.modalTitle),
    submit: plain(prompt.submit, SLACK_LIMITS.modalTitle),
    close: plain(prompt.cancel, SLACK_LIMITS.modalTitle),
    blocks: [
      {
        type: 'input',
        block_id: prompt.field,
        label: plain(prompt.label, SLACK_LIMITS.inputLabel),
        element: {
          type: 'plain_text_input',
          action_id: prompt.field,
          multiline: prompt.multiline,
          min_length: prompt.minLength,
          max_length: Math.min(prompt.maxLength, SLACK_LIMITS.inputText),
          placeholder: plain(prompt.placeholder, SLACK_LIMITS.placeholder),
        },
      },
    ],
  };
}

/** What Slack shows under the prompt's input when its answer is refused (a modal's `errors`). */
export function promptErrors(prompt: CardPrompt, error: string): Record<string, string> {
  return { [prompt.field]: clip(plainText(error), SLACK_LIMITS.inputLabel) };
}

/** A section of gig markup, or of mrkdwn the renderer built itself (`rendered`). */
function section(text: string, rendered = false): SlackBlock {
  return { type: 'section', text: mrkdwnObject(clip(rendered ? text : slackMrkdwn(text), SLACK_LIMITS.sectionText)) };
}

function mrkdwnObject(text: string): { type: 'mrkdwn'; text: string; verbatim: true } {
  return { type: 'mrkdwn', text, verbatim: true };
}

/** A title or label: its words in bold, whatever markup they carried. */
function bold(markup: string): string {
  return `*${slackText(plainText(markup), false)}*`;
}

/** Cut to `max` characters with an ellipsis, never through the middle of an `&amp;` entity. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).replace(/&[a-z]*$/, '')}…`;
}

function textSize(blocks: SlackBlock[]): number {
  return JSON.stringify(blocks).length;
}
