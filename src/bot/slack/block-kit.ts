import { fitCard } from '../../views/cards/fit.js';
import type { Card, CardAction, CardBlock } from '../../views/cards/model.js';

/**
 * One generic renderer from the card model to Block Kit, within Slack's limits: 50 blocks, 3,000
 * characters a section, 150 a header, 2,000 a button value, and about 13k for the whole message.
 * Lists that do not fit end in "…and N more"; the caller then attaches the full document.
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
  if (exhausted) return { text: plain(card.summary), blocks: output.blocks.slice(0, SLACK_LIMITS.blocks), truncated: true };
  return { text: plain(card.summary), blocks: output.blocks, truncated: output.cut };
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
      out.push(section(`_…and ${itemsHidden} more_`));
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
  if (itemsHidden > 0) out.push(section(`_…and ${itemsHidden} more_`));
  return { blocks: out, cut };
}

function renderBlock(block: Exclude<CardBlock, { kind: 'list' } | { kind: 'item' }>): SlackBlock[] {
  switch (block.kind) {
    case 'header':
      return [{ type: 'header', text: { type: 'plain_text', text: clip(plain(block.text), SLACK_LIMITS.headerText), emoji: true } }];
    case 'text':
      return [section(block.text)];
    case 'facts': {
      const sections: SlackBlock[] = [];
      for (let start = 0; start < block.facts.length; start += SLACK_LIMITS.fieldsPerSection) {
        const fields = block.facts.slice(start, start + SLACK_LIMITS.fieldsPerSection).map((fact) => ({
          type: 'mrkdwn',
          text: clip(`*${escape(fact.label)}*\n${mrkdwn(fact.value)}`, SLACK_LIMITS.fieldText),
        }));
        sections.push({ type: 'section', fields });
      }
      return sections;
    }
    case 'grid': {
      const width = Math.max(4, ...block.rows.map((row) => row.label.length)) + 2;
      const cellWidth = Math.max(5, ...block.columns.map((column) => column.length + 2));
      const lines = [
        ' '.repeat(width) + block.columns.map((column) => column.padEnd(cellWidth)).join('').trimEnd(),
        ...block.rows.map((row) => row.label.padEnd(width) + row.cells.map((cell) => cell.padEnd(cellWidth)).join('').trimEnd()),
      ];
      return [section(`*${escape(block.title)}*\n\`\`\`${escape(lines.join('\n'))}\`\`\``, true)];
    }
    case 'actions':
      return [{ type: 'actions', elements: block.actions.map(button) }];
    case 'context':
      return [{ type: 'context', elements: [{ type: 'mrkdwn', text: clip(mrkdwn(block.text), 2000) }] }];
    case 'divider':
      return [{ type: 'divider' }];
  }
}

function list(title: string, items: string[], limit: number): { block: SlackBlock; cut: boolean } {
  const head = `*${escape(title)}*`;
  let count = Math.min(limit, items.length);
  for (;;) {
    const more = items.length - count;
    const text = [head, ...items.slice(0, count).map((entry) => `• ${mrkdwn(entry)}`), ...(more > 0 ? [`_…and ${more} more_`] : [])].join('\n');
    if (text.length <= SLACK_LIMITS.sectionText || count === 0) return { block: { type: 'section', text: { type: 'mrkdwn', text: clip(text, SLACK_LIMITS.sectionText) } }, cut: more > 0 };
    count = Math.floor(count * 0.8);
  }
}

function item(text: string, action: CardAction | undefined): SlackBlock {
  const block: SlackBlock = { type: 'section', text: { type: 'mrkdwn', text: clip(mrkdwn(text), SLACK_LIMITS.sectionText) } };
  if (action) block.accessory = button(action);
  return block;
}

function button(action: CardAction): SlackBlock {
  if (action.value.length > SLACK_LIMITS.buttonValue) throw new Error(`button value of ${action.id} is longer than Slack allows`);
  return {
    type: 'button',
    action_id: action.id,
    text: { type: 'plain_text', text: clip(action.label, SLACK_LIMITS.buttonText), emoji: true },
    value: action.value,
    ...(action.style ? { style: action.style } : {}),
  };
}

function section(text: string, preformatted = false): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(preformatted ? text : mrkdwn(text), SLACK_LIMITS.sectionText) } };
}

/** Slack mrkdwn: &, < and > escaped, **bold** becomes *bold*. */
export function mrkdwn(text: string): string {
  return escape(text).replace(/\*\*(.+?)\*\*/g, '*$1*');
}

function escape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function plain(text: string): string {
  return text.replace(/\*\*(.+?)\*\*/g, '$1');
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function textSize(blocks: SlackBlock[]): number {
  return JSON.stringify(blocks).length;
}
